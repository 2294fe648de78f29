"""Quiz and form exports (Google Forms, Microsoft Forms, KoboToolbox...), as CSV or workbook.

Columns (case-insensitive): a timestamp (`Timestamp`, `Completion time`,
`Submitted`, `Date`), an email (`Email address`, `Email`, `Username`), a score
(`Score`, `Total score`, `Points`, `Total points`, `Grade`) written as `8 / 10`
(Google Forms), `80%`, or a number with its maximum in a `Max score` column or
given once as `--max-score N`; optional `Name` and `Module`/`Quiz`/`Form`.
Without a module column the file name (e.g. `Data quiz (Responses).csv`) is
matched like a title.

- Google Forms writes `Timestamp` in the form owner's locale (`11/12/2026
  9:14:03` in the US) and the score as `8 / 10`.
- Microsoft Forms' download is an `.xlsx` workbook: `Id`, `Start time`,
  `Completion time`, `Email`, `Name`, `Total points`, `Quiz feedback`, then the
  questions. `Total points` has no maximum anywhere in the file, so the import
  asks for it (`--max-score`) rather than guessing; a bare number is never read
  as a percentage or a fraction. A response whose email is `anonymous` cannot be
  credited to anyone and is quarantined with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError, normalise_email, row_key
from citycourse.records._common import EMAIL_HEADERS, DateColumns, cell, require, stem_refs
from citycourse.records.csvio import CellError, parse_score
from citycourse.records.tables import open_table

TIME_HEADERS = ("timestamp", "completion time", "submitted", "submitted at", "date", "end time")
SCORE_HEADERS = ("score", "total score", "points", "total points", "grade")
ANONYMOUS = "anonymous"


def read(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    context = context if context is not None else {}
    with open_table(path, context) as f:
        time_col = require(f, "Timestamp", *TIME_HEADERS)
        email_col = require(f, "Email address", *EMAIL_HEADERS, "username")
        score_col = require(f, "Score", *SCORE_HEADERS)
        max_col = f.column("max score", "maximum", "max points", "out of")
        module_col = f.column("module", "quiz", "form", "course")
        name_col = f.column("name", "full name")
        file_refs = stem_refs(path, r"^(.+?)\s*\(responses\)", r"^(.+?)\s*\(\d+-\d+\)", r"^(.+?)\s*\(\d+\)$")
        dates = DateColumns(f, {time_col: f.raw_header[time_col]}, context)
        given_max = context.get("max_score")
        for line, cells in f.rows():
            text = cell(cells, score_col)
            try:
                maximum = given_max
                if max_col is not None and cell(cells, max_col):
                    maximum = float(cell(cells, max_col).replace(",", "."))
                score = parse_score(text, maximum, guess=False)
            except (CellError, ValueError) as exc:
                hint = ""
                if "no maximum" in str(exc):
                    hint = (f"this file gives points without a maximum (as Microsoft Forms does): pass --max-score N "
                            f"with the quiz's total points, or add a 'Max score' column")
                raise RowError(line, f"column {f.raw_header[score_col]!r}: {exc}", hint=hint) from None
            if score is None:
                yield {"kind": "skip", "line": line, "reason": "no score (response not graded)"}
                continue
            ts = dates.when(cell(cells, time_col), line, time_col)
            refs = [cell(cells, module_col)] if module_col is not None and cell(cells, module_col) else file_refs
            raw = cell(cells, email_col)
            anonymous = raw.strip().lower() == ANONYMOUS
            email = None if anonymous else normalise_email(raw)
            yield {
                "kind": "record", "key": row_key("quiz", email or raw, refs[0], score, ts, line if anonymous else None),
                "line": line, "email": email, "email_raw": raw, "learner_id": None,
                "name": "" if anonymous else cell(cells, name_col), "refs": refs, "verb": "scored", "success": None,
                "completion": None, "score": score, "timestamp": ts, **({"anonymous": True} if anonymous else {}),
            }
