"""One interface over the tabular exports: CSV/TSV text files and spreadsheet workbooks.

Trainers get the same export as `.csv` from one system and `.xlsx` from another
(Microsoft Forms only offers `.xlsx`; Moodle and Google Sheets offer both), so
every tabular reader works on a `Table`: a normalised `header`, `raw_header`,
`column(...)` lookup and `rows()` of `(line, cells)` with cells as text.

Workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`) are recognised by their bytes, not
their name, and read with python-calamine (first sheet unless `sheet` is given).
Date cells arrive as datetimes and are written as ISO 8601 text, so their order
is never guessed; whole numbers lose Excel's `.0`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from citycourse.records import RowError
from citycourse.records.csvio import CsvFile, HeaderLookup, norm_header

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls


class Table(Protocol):
    path: Path
    header: list[str]
    raw_header: list[str]

    def column(self, *names: str, prefix: bool = False) -> int | None: ...
    def rows(self) -> Iterator[tuple[int, list[str]]]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Table: ...
    def __exit__(self, *exc: object) -> None: ...


def is_workbook(path: Path) -> bool:
    """True for an .xlsx/.ods (a zip) or a legacy .xls (OLE2), judged by the first bytes."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return head.startswith(ZIP_MAGIC) or head == OLE_MAGIC


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV export of it would hold (dates as ISO 8601)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a duration cell
        return str(value)
    return str(value)


class WorkbookFile(HeaderLookup):
    """The first (or named) sheet of a workbook, with the same interface as `CsvFile`."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        from python_calamine import CalamineWorkbook

        self.path = path
        try:
            book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
            raise RowError(1, f"cannot read the workbook: {exc}", hint="save it again as .xlsx or .csv") from None
        names = list(book.sheet_names)
        if not names:
            raise RowError(1, "the workbook has no sheets")
        if sheet is not None and sheet not in names:
            raise RowError(1, f"no sheet named {sheet!r}", hint=f"sheets: {', '.join(names)} (use --sheet NAME)")
        self.sheet = sheet or names[0]
        self._sheet = book.get_sheet_by_name(self.sheet)
        self.raw_header: list[str] = []
        self._header_line = 0
        for line, cells in self._iter():
            if any(c.strip() for c in cells):
                self.raw_header = [c.replace("\ufeff", "").strip() for c in cells]
                self._header_line = line
                break
        self.header = [norm_header(c) for c in self.raw_header]

    def _iter(self) -> Iterator[tuple[int, list[str]]]:
        first = self._sheet.start[0] if self._sheet.start else 0
        for offset, values in enumerate(self._sheet.iter_rows()):
            yield first + offset + 1, [cell_text(v) for v in values]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        for line, cells in self._iter():
            if line <= self._header_line or not any(c.strip() for c in cells):
                continue
            yield line, cells

    def close(self) -> None:
        self._sheet = None

    def __enter__(self) -> WorkbookFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table(path: Path, context: dict[str, Any] | None = None) -> Table:
    """A CSV or workbook table; `context["sheet"]` picks a workbook sheet."""
    if is_workbook(path):
        return WorkbookFile(path, (context or {}).get("sheet"))
    table = CsvFile(path)
    if context is not None:
        context["handle"] = table.handle  # lets a progress display show the bytes read
    return table
