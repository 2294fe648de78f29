"""Helpers shared by the CSV readers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from citycourse.records import RowError
from citycourse.records.csvio import CellError, CsvFile, iso_utc, parse_datetime

FUTURE_TOLERANCE = dt.timedelta(hours=1)
EMAIL_HEADERS = ("email address", "email", "e-mail", "e-mail address", "địa chỉ email", "alamat email")


def when(text: str, line: int, column: str) -> str | None:
    if not text.strip() or text.strip() == "-":
        return None
    try:
        value = parse_datetime(text)
    except CellError as exc:
        raise RowError(line, f"column {column!r}: {exc}") from None
    if value > dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE:
        raise RowError(line, f"column {column!r}: {text.strip()} is in the future", hint="check the date and time zone")
    return iso_utc(value)


def require(csvfile: CsvFile, what: str, *names: str, prefix: bool = False) -> int:
    index = csvfile.column(*names, prefix=prefix)
    if index is None:
        found = ", ".join(repr(h) for h in csvfile.raw_header) or "no header row"
        raise RowError(
            1,
            f"missing column {what!r} (looked for: {', '.join(names)})",
            hint=f"columns found: {found}",
        )
    return index


def cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def stem_refs(path: Path, *patterns: str) -> list[str]:
    """Module references from a file name: the stem, and pieces the LMS put there."""
    stem = path.stem
    refs = []
    for pattern in patterns:
        match = re.match(pattern, stem, re.IGNORECASE)
        if match and match.group(1).strip() not in refs:
            refs.append(match.group(1).strip())
    return [*refs, stem]
