"""Marking the language of text on a page, so a screen reader speaks it with the right voice.

A Thai page may still show English where no translation exists yet (a module
title, a glossary term, a trainer's note). WCAG 3.1.2 asks that such text say
so: inline with `<span lang="en">`, on a whole paragraph or heading with
attr_list's `{: lang="en" }`. Text built here is `Markup`: Markdown that is
already escaped, which the page filters (`pages.md`, `md_cell`) pass through
unchanged instead of escaping the span a second time.
"""

from __future__ import annotations

import html
import re
import string
from typing import Any

from citycourse.render.i18n import Strings

_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!>~|])")
#: attr_list suffix for a heading or paragraph shown in English on a page in another language.
EN_ATTR = '{: lang="en" }'


class Markup(str):
    """Markdown that is safe to insert as it is (escaped text, possibly in a lang span)."""


def escape(value: Any) -> Markup:
    """Plain text as inline Markdown: no HTML, no Markdown syntax (pipes escaped for table cells)."""
    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).split())
    return Markup(_MD_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False)))


def english(value: Any, page_lang: str, is_english: bool = True) -> Markup:
    """`value` escaped, in `<span lang="en">` when it is English on a page in another language."""
    text = escape(value)
    if is_english and page_lang != "en" and text:
        return Markup(f'<span lang="en">{text}</span>')
    return text


def fill(t: Strings, key: str, count: float | None = None, **values: Any) -> Markup:
    """UI string `key` (the plural form for `count`) with `values` inserted, all as safe Markdown.

    The string's own words are escaped; each value is escaped unless it is `Markup`
    already (a linked module title, an English span), so a title can sit in a sentence."""
    template = t.plural_form(key, count) if count is not None else t(key)
    if count is not None:
        values = {"n": t.number(count), **values}
    out: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        out.append(_MD_PUNCTUATION.sub(r"\\\1", html.escape(literal, quote=False)))
        if name is not None:
            out.append(escape(format(values[name], spec or "")) if not isinstance(values[name], Markup) else values[name])
    return Markup("".join(out))


def join(t: Strings, items: list[Markup]) -> Markup:
    """Items joined the way the locale lists things ("A, B and C", "A, B và C"), by Babel."""
    from babel.lists import format_list

    try:
        return Markup(format_list(list(items), locale=t.requested))
    except Exception:  # noqa: BLE001 - an unknown locale lists like English
        return Markup(format_list(list(items), locale="en"))
