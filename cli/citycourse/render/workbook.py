"""Workbooks filled in after MkDocs: each module's built HTML placed into its track's workbook.

A workbook holds every module of a track, so writing its Markdown in full
made MkDocs convert each module again once per track (most of a city build's
Markdown time). Instead the workbook page is built with one empty slot per
module, and `assemble` copies each module page's article into its slot:
headings one level down (the module title an h2 that starts a printed page,
anchored `#m-<id>`), element ids (and the labels and ARIA references that name
them) prefixed per module so they stay unique, the
module's "Your track" section left out. Module and workbook pages sit at the
same depth, so relative links still resolve.
"""

from __future__ import annotations

import re
from pathlib import Path

SLOT = re.compile(r'<div class="cc-wb-slot" data-module="([a-z0-9-]+)"></div>')
PATH_MARKER = "<!-- citycourse:path -->"
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
_BUTTON = re.compile(r'<a [^>]*class="md-content__button[^"]*"[^>]*>.*?</a>', re.DOTALL)
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_ID = re.compile(r'\b(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]+)"')
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


def slot(module_id: str) -> str:
    """The placeholder a workbook page carries for one module (raw HTML, kept as is by Markdown)."""
    return f'<div class="cc-wb-slot" data-module="{module_id}"></div>'


def module_section(page_html: str, module_id: str) -> str:
    """One module page's article, fitted into a workbook."""
    match = _ARTICLE.search(page_html)
    body = match.group(1) if match else ""
    body = _BUTTON.sub("", body.split(PATH_MARKER, 1)[0])
    body = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", body)
    prefix = f"m-{module_id}-"
    body = _ID.sub(lambda m: f'{m.group(1)}="' + " ".join(prefix + ref for ref in m.group(2).split()) + '"', body)
    body = _LOCAL_HREF.sub(lambda m: f'href="#{prefix}{m.group(1)}"', body)
    body = body.replace("<h2", f'<h2 id="m-{module_id}" class="cc-wb-module"', 1) if "<h2" in body else body
    # The title's own (now prefixed) id is dropped: the anchor of the contents is m-<id>.
    body = re.sub(rf'(<h2 id="m-{re.escape(module_id)}" class="cc-wb-module") id="[^"]*"', r"\1", body, count=1)
    return f'<section class="cc-wb-section" data-module="{module_id}">{body}</section>'


def assemble(site: Path) -> list[Path]:
    """Fill every workbook page of the built site in `site`; the pages filled."""
    filled = []
    cache: dict[str, str] = {}
    for page in sorted((site / "workbooks").glob("*.html")):
        text = page.read_text(encoding="utf-8")

        def section(match: re.Match[str]) -> str:
            module_id = match.group(1)
            if module_id not in cache:
                source = site / "modules" / f"{module_id}.html"
                cache[module_id] = module_section(source.read_text(encoding="utf-8"), module_id) if source.is_file() else ""
            return cache[module_id]

        page.write_text(SLOT.sub(section, text), encoding="utf-8")
        filled.append(page)
    return filled
