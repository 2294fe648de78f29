"""A built site's workbooks as PDF files, with WeasyPrint (the optional `pdf` extra).

Each `workbooks/<role>.html` is printed as the browser would print it (the
site's print styles: A4, a new page per module, city and course on every
page) to `workbooks/<role>.pdf` beside it. Only local files are
read (file: and data: URLs; any other is refused), so nothing is downloaded. The main build never
needs WeasyPrint; without it this step says how to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citycourse.errors import BuildError


def _local_only(weasyprint: Any) -> Any:
    """A URL fetcher for files and data: URLs only (WeasyPrint's own, restricted)."""
    allowed = {"file", "data"}
    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint 68 and later
        return weasyprint.URLFetcher(allowed_protocols=allowed)

    def fetch(url: str) -> Any:  # earlier versions take a function
        if url.split(":", 1)[0].lower() not in allowed:
            raise ValueError(f"not fetched (the workbook uses files of the site only): {url}")
        return weasyprint.default_url_fetcher(url)

    return fetch


def pdf_available() -> bool:
    """Whether WeasyPrint (the `pdf` extra) can be imported here."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return False
    return True


def workbook_pdfs(site: Path, roles: list[str] | None = None) -> list[Path]:
    """Write `workbooks/<role>.pdf` for every workbook page (or those of `roles`) of the built site
    in `site`; the files written."""
    try:
        import weasyprint
    except ImportError as exc:
        raise BuildError(
            "PDF workbooks need WeasyPrint, which is not installed",
            hint='install the optional extra: pip install "citycourse[pdf]" (the site itself was built)',
        ) from exc
    written = []
    for page in sorted((site / "workbooks").glob("*.html")):
        if roles is not None and page.stem not in roles:
            continue
        target = page.with_suffix(".pdf")
        document = weasyprint.HTML(filename=str(page), url_fetcher=_local_only(weasyprint))
        document.write_pdf(str(target))
        written.append(target)
    return written
