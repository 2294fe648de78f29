"""Moodle downloads: course completion, activity completion and quiz grades.

Written from Moodle's source:

- course completion (`report/completion/index.php`, "Download in spreadsheet
  format (UTF-8 .csv)" or "Excel-compatible format"): header `ID`, `Name`,
  the user identity fields (e.g. `Email address`), then for every activity
  criterion two columns `<activity>` and `<activity> - Completion date`, one
  column per other criterion, and `Course complete` (a date when complete).
  Activity cells are the `completion-*` strings: `Not completed`, `Completed`,
  `Completed (achieved pass grade)`, `Completed (did not achieve pass grade)`,
  and, when a teacher ticked or un-ticked the box, `Completed (set by NAME)` /
  `Not completed (set by NAME)` (the latter still carries a date: it is when
  the box was un-ticked, not evidence); dates use `strftimedatetimeshort`
  (`14/03/27, 10:15`), whose order depends on the site's language pack.
- activity completion (`report/progress/index.php`, csv / excelcsv / xlsx): the
  "Excel" variant is UTF-16LE with a BOM and tab-separated. Header: an empty
  cell (the name column), identity fields, then per activity its name and its
  expected-completion date; each row: full name, identity fields, then per
  activity the state string and the date it was reached.
- quiz grades (quiz "Grades" report download): `Surname`, `First name`,
  `Email address`, `State`, `Started on`, `Completed`, `Time taken`,
  `Grade/10.00`, `Q. 1 /1.00`, ... and a final `Overall average` row. The quiz
  is named by the file (`<course>-<quiz>-grades.csv`), which is matched like a
  title (`records map` fixes a name that does not match).

The module of an activity column is its title, matched by id, title or the
mapping table; the course-complete column names the course from the file
name (`completion-<shortname>.csv`) and is used when that matches a module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError, normalise_email, row_key
from citycourse.records._common import EMAIL_HEADERS, DateColumns, cell, require, stem_refs
from citycourse.records.csvio import norm_header, parse_score
from citycourse.records.tables import open_table

STATE_VALUES = {
    "not-completed": None,
    "completed": (True, None),
    "passed": (True, True),
    "failed": (True, False),
}
#: The strings Moodle writes for each completion state (lang/<lang>/completion.php:
#: completion-n, -y, -pass, -fail, -n-override, -y-override; `{name}` is the teacher
#: who ticked or un-ticked the box). English and Vietnamese are built in; a site in
#: another language adds its strings under `records: moodle_states:` in citycourse.yaml.
BUILTIN_STATES = {
    "Not completed": "not-completed",
    "Completed": "completed",
    "Completed (achieved pass grade)": "passed",
    "Completed (did not achieve pass grade)": "failed",
    "Completed (set by {name})": "completed",
    "Not completed (set by {name})": "not-completed",
    "Completed (passed)": "passed",  # Moodle 2.x wording, still in old exports
    "Completed (failed)": "failed",
    "Chưa hoàn thành": "not-completed",
    "Đã hoàn thành": "completed",
    "Đã hoàn thành (được điểm đạt)": "passed",
    "Đã hoàn thành (không được điểm đạt)": "failed",
    "Đã hoàn thành (set by {name})": "completed",
    "Chưa hoàn thành (set by {name})": "not-completed",
}
_TRAILING_DATE = re.compile(r"^(?P<state>.*?)\s+(?P<date>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$")
IDENTITY = {*EMAIL_HEADERS, "id number", "idnumber", "username", "institution", "department", "phone",
            "mobile phone", "city/town", "country", "address"}


class States:
    """Completion-state strings → (completion, success), built-in plus the trainer's map."""

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for text, state in {**BUILTIN_STATES, **(extra or {})}.items():
            if state not in STATE_VALUES:
                raise RowError(None, f"moodle_states: {text!r} maps to {state!r}",
                               hint=f"use one of {', '.join(STATE_VALUES)}")
            if "{name}" in text:
                head, tail = (re.escape(norm_header(p)) for p in text.split("{name}", 1))
                self.patterns.append((re.compile(f"^{head}.+{tail}$"), state))
            else:
                self.exact[norm_header(text)] = state

    def read(self, text: str) -> str | None:
        value = norm_header(text)
        if value in self.exact:
            return self.exact[value]
        for pattern, state in self.patterns:
            if pattern.match(value):
                return state
        return None


def _state(states: States, text: str, line: int, column: str) -> tuple[tuple[bool, bool | None] | None, str | None]:
    """(state, date written in the same cell) — some Moodle versions append `%F %T` to the state."""
    value = text.strip()
    if value in ("", "-"):
        return None, None
    found = states.read(value)
    inline_date = None
    if found is None and (match := _TRAILING_DATE.match(value)):
        found, inline_date = states.read(match["state"]), match["date"]
    if found is None:
        raise RowError(
            line,
            f"column {column!r}: unknown completion state {text!r}",
            hint="Moodle writes 'Completed', 'Not completed', 'Completed (achieved pass grade)', "
            "'Completed (did not achieve pass grade)' or '... (set by NAME)'; for a Moodle site in another "
            "language, map its strings in citycourse.yaml under records: moodle_states: (see README, 'Moodle in "
            "another language')",
        )
    return STATE_VALUES[found], inline_date


def _evidence(fmt: str, email: str, name: str, title: str, state: tuple[bool, bool | None], ts: str | None,
              line: int, refs: list[str] | None = None) -> dict[str, Any]:
    completion, success = state
    verb = "completed" if success is None else ("passed" if success else "failed")
    return {
        "kind": "record", "key": row_key(fmt, email, title, verb, success, ts), "line": line,
        "email": normalise_email(email), "email_raw": email, "learner_id": None, "name": name, "refs": refs or [title],
        "verb": verb, "success": success, "completion": completion, "score": None, "timestamp": ts,
    }


def read_completion(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    context = context if context is not None else {}
    states = States(context.get("moodle_states"))
    with open_table(path, context) as f:
        email_col = require(f, "Email address", *EMAIL_HEADERS)
        name_col = f.column("name", "full name")
        course_col = f.column("course complete")
        pairs = []
        for i, h in enumerate(f.header):
            if i + 1 < len(f.header) and f.header[i + 1] == f"{h} - completion date":
                pairs.append((i, f.raw_header[i]))
        if not pairs and course_col is None:
            raise RowError(1, "no activity columns ('<activity>' + '<activity> - Completion date') and no 'Course complete'")
        course_refs = stem_refs(path, r"^completion[-_](.+)$")
        date_cols = {i + 1: f.raw_header[i + 1] for i, _ in pairs}
        if course_col is not None:
            date_cols[course_col] = f.raw_header[course_col]
        dates = DateColumns(f, date_cols, context)
        for line, cells in f.rows():
            email = normalise_email(cell(cells, email_col))
            name = cell(cells, name_col)
            for i, title in pairs:
                state, _ = _state(states, cell(cells, i), line, title)
                if state is None:
                    yield {"kind": "skip", "line": line, "reason": "not completed"}
                    continue
                ts = dates.when(cell(cells, i + 1), line, i + 1)
                yield _evidence("moodle", email or cell(cells, email_col), name, title, state, ts, line)
            if course_col is not None:
                ts = dates.when(cell(cells, course_col), line, course_col)
                if ts is not None:
                    yield {**_evidence("moodle", email or "", name, course_refs[0], (True, None), ts, line, course_refs),
                           "optional": True}


def read_activity(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    context = context if context is not None else {}
    states = States(context.get("moodle_states"))
    with open_table(path, context) as f:
        email_col = require(f, "Email address", *EMAIL_HEADERS)
        start = 1
        while start < len(f.header) and f.header[start] in IDENTITY:
            start += 1
        activities = [(i, f.raw_header[i]) for i in range(start, len(f.header), 2) if f.raw_header[i]]
        if not activities:
            raise RowError(1, "no activity columns after the name and identity columns")
        dates = DateColumns(f, {i + 1: f"{title} (date)" for i, title in activities}, context)
        for line, cells in f.rows():
            email = normalise_email(cell(cells, email_col))
            name = cell(cells, 0)
            for i, title in activities:
                state, inline_date = _state(states, cell(cells, i), line, title)
                if state is None:
                    # "Not completed", also when a teacher un-ticked the box: the date is when, not evidence.
                    yield {"kind": "skip", "line": line, "reason": "not completed"}
                    continue
                ts = dates.when(inline_date or cell(cells, i + 1), line, i + 1)
                yield _evidence("moodle", email or cell(cells, email_col), name, title, state, ts, line)


_GRADE = re.compile(r"^grade\s*/\s*(\d+(?:[.,]\d+)?)$")


def read_quiz(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    with open_table(path, context) as f:
        email_col = require(f, "Email address", *EMAIL_HEADERS)
        grade_col, maximum = None, None
        for i, h in enumerate(f.header):
            match = _GRADE.match(h)
            if match:
                grade_col, maximum = i, float(match[1].replace(",", "."))
                break
        if grade_col is None:
            raise RowError(1, "missing column 'Grade/<max>' (e.g. 'Grade/10.00')")
        state_col = f.column("state")
        done_col = require(f, "Completed", "completed", "completed on")
        first, last = f.column("first name"), f.column("surname", "last name")
        refs = stem_refs(path, r"^.+?-(.+)-grades$", r"^(.+)-grades$")
        dates = DateColumns(f, {done_col: f.raw_header[done_col]}, context)
        for line, cells in f.rows():
            if norm_header(cell(cells, 0)) in ("overall average", "average"):
                continue
            state = norm_header(cell(cells, state_col)) if state_col is not None else "finished"
            grade = cell(cells, grade_col)
            if state != "finished" or grade in ("", "-"):
                yield {"kind": "skip", "line": line, "reason": "attempt not finished or not graded"}
                continue
            try:
                score = parse_score(grade, maximum)
            except ValueError as exc:
                raise RowError(line, f"column {f.raw_header[grade_col]!r}: {exc}") from None
            ts = dates.when(cell(cells, done_col), line, done_col)
            raw = cell(cells, email_col)
            email = normalise_email(raw)
            yield {
                "kind": "record", "key": row_key("quiz", email or raw, refs[0], score, ts), "line": line,
                "email": email, "email_raw": raw, "learner_id": None, "name": f"{cell(cells, first)} {cell(cells, last)}".strip(),
                "refs": refs, "verb": "scored", "success": None, "completion": None, "score": score, "timestamp": ts,
            }
