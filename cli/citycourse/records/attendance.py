"""Attendance sheets typed into a spreadsheet (CSV or workbook).

Columns (case-insensitive): `Date`; `Email` and/or `Name` (a name is matched
through the roster); `Module` or `Session` (an id, a title, or a session name
mapped with `records map`); optional `Present` (yes/no, present/absent, 1/0,
x; a row without the column counts as present).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError, normalise_email, normalise_text, row_key
from citycourse.records._common import EMAIL_HEADERS, DateColumns, cell, require
from citycourse.records.csvio import CellError, parse_bool
from citycourse.records.tables import open_table


def read(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    with open_table(path, context) as f:
        date_col = require(f, "Date", "date", "session date", "ngày", "tanggal", "petsa")
        email_col = f.column(*EMAIL_HEADERS)
        name_col = f.column("name", "full name", "participant", "staff name", "họ tên", "nama")
        if email_col is None and name_col is None:
            raise RowError(1, "missing column 'Email' or 'Name'", hint=f"columns found: {', '.join(f.raw_header)}")
        module_col = require(f, "Module", "module", "module id", "session", "session title", "topic", "course")
        present_col = f.column("present", "attended", "attendance", "status")
        dates = DateColumns(f, {date_col: f.raw_header[date_col]}, context)
        for line, cells in f.rows():
            try:
                present = parse_bool(cell(cells, present_col)) if present_col is not None else True
            except CellError as exc:
                raise RowError(line, f"column {f.raw_header[present_col]!r}: {exc}") from None  # type: ignore[index]
            if not present:
                yield {"kind": "skip", "line": line, "reason": "absent"}
                continue
            ts = dates.when(cell(cells, date_col), line, date_col)
            if ts is None:
                raise RowError(line, f"column {f.raw_header[date_col]!r} is empty")
            email = normalise_email(cell(cells, email_col))
            name = cell(cells, name_col)
            module = cell(cells, module_col)
            who = email or normalise_text(name)
            yield {
                "kind": "record", "key": row_key("attendance", who, normalise_text(module), ts[:10]), "line": line,
                "email": email, "email_raw": cell(cells, email_col), "learner_id": None, "name": name,
                "refs": [module], "verb": "attended", "success": None, "completion": None, "score": None,
                "timestamp": ts,
            }
