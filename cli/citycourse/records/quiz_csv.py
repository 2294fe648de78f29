"""Quiz and form exports (Google Forms, Microsoft Forms, KoboToolbox...).

Columns (case-insensitive): a timestamp (`Timestamp`, `Completion time`,
`Submitted`, `Date`), an email (`Email address`, `Email`, `Username`), a score
(`Score`, `Total score`, `Points`, `Grade`) written as `8 / 10`, `80%`, `0.8` or
a number with a `Max score` column; optional `Name` and `Module`/`Quiz`/`Form`.
Without a module column the file name (e.g. `Data quiz (Responses).csv`) is
matched like a title.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError, normalise_email, row_key
from citycourse.records._common import EMAIL_HEADERS, cell, require, stem_refs, when
from citycourse.records.csvio import CellError, CsvFile, parse_score

TIME_HEADERS = ("timestamp", "completion time", "submitted", "submitted at", "date", "end time")
SCORE_HEADERS = ("score", "total score", "points", "total points", "grade")


def read(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    with CsvFile(path) as f:
        time_col = require(f, "Timestamp", *TIME_HEADERS)
        email_col = require(f, "Email address", *EMAIL_HEADERS, "username")
        score_col = require(f, "Score", *SCORE_HEADERS)
        max_col = f.column("max score", "maximum", "out of")
        module_col = f.column("module", "quiz", "form", "course")
        name_col = f.column("name", "full name")
        file_refs = stem_refs(path, r"^(.+?)\s*\(responses\)", r"^(.+?)\s*\(1-\d+\)")
        for line, cells in f.rows():
            maximum = None
            try:
                if max_col is not None and cell(cells, max_col):
                    maximum = float(cell(cells, max_col).replace(",", "."))
                score = parse_score(cell(cells, score_col), maximum)
            except (CellError, ValueError) as exc:
                raise RowError(line, f"column {f.raw_header[score_col]!r}: {exc}") from None
            if score is None:
                yield {"kind": "skip", "line": line}
                continue
            ts = when(cell(cells, time_col), line, f.raw_header[time_col])
            refs = [cell(cells, module_col)] if module_col is not None and cell(cells, module_col) else file_refs
            raw = cell(cells, email_col)
            email = normalise_email(raw)
            yield {
                "kind": "record", "key": row_key("quiz", email or raw, refs[0], score, ts), "line": line,
                "email": email, "email_raw": raw, "learner_id": None, "name": cell(cells, name_col), "refs": refs,
                "verb": "scored", "success": None, "completion": None, "score": score, "timestamp": ts,
            }
