"""Which reader a file needs, judged by its content (never its extension): text or workbook, then columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError
from citycourse.records.csvio import head_text
from citycourse.records.tables import is_workbook, open_table

Reader = Callable[[Path, "dict[str, Any] | None"], Iterator[dict[str, Any]]]


READERS = {
    "xapi": ("xapi", "read"),
    "moodle-completion": ("moodle", "read_completion"),
    "moodle-activity": ("moodle", "read_activity"),
    "moodle-quiz": ("moodle", "read_quiz"),
    "quiz-csv": ("quiz_csv", "read"),
    "attendance": ("attendance", "read"),
    "roster": ("roster", "read"),
}


def reader_for(fmt: str) -> Reader:
    """The reader function of a format (imported only when needed)."""
    import importlib

    module, function = READERS[fmt]
    return getattr(importlib.import_module(f"citycourse.records.{module}"), function)


def detect(path: Path, context: dict[str, Any] | None = None) -> str:
    """The format name of `path` (a text file or a workbook); RowError (line 1) when it is none we know."""
    if not is_workbook(path):
        try:
            head = head_text(path, 4096)
        except UnicodeDecodeError:
            raise RowError(1, "cannot decode the file as text") from None
        stripped = head.lstrip("\ufeff \t\r\n")
        if not stripped:
            raise RowError(1, "the file is empty")
        if stripped[0] in "[{":
            return "xapi"
    with open_table(path, context) as f:
        header = set(f.header)
        first = f.header[0] if f.header else ""
    has = header.__contains__
    emails = {"email address", "email", "e-mail", "e-mail address"}
    if has("course complete"):
        return "moodle-completion"
    if any(re.match(r"^grade\s*/\s*\d", h) for h in header) and header & emails:
        return "moodle-quiz"
    if header & emails and header & {"role", "position", "job role"}:
        return "roster"
    if header & {"date", "session date", "ngày", "tanggal", "petsa"} and (
        header & {"present", "attended", "attendance", "status", "session", "session title", "module", "topic"}
    ):
        return "attendance"
    if header & {"timestamp", "completion time", "submitted", "submitted at", "end time", "start time"} and (
        header & {"score", "total score", "points", "total points", "grade"}
    ):
        return "quiz-csv"
    if first in ("", "name", "full name", "first name / surname", "first name / last name") and header & emails:
        return "moodle-activity"
    shown = ", ".join(sorted(h for h in header if h)) or "none"
    raise RowError(
        1,
        f"format not recognised from its content (columns: {shown})",
        hint="pass --format xapi|moodle-completion|moodle-activity|moodle-quiz|quiz-csv|attendance|roster",
    )
