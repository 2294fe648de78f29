"""Readers for exported learning records: one module per format, plus detection.

Every reader is a generator `read(path, context) -> Iterator[dict]` yielding
*items*, plain dicts (cheap at a million rows) of one of these kinds:

- `record`: evidence about one learner and one module:
  `key` (xAPI statement id — `<id>/<n>` for the n-th member of a Group —, or a
  hash of the row's meaning for CSV), `line`, `email`, `learner_id`, `name`,
  `refs` (module id / IRI / titles, best first), `verb` (completed | passed |
  failed | attended | scored), `success`, `completion`, `score` (scaled 0–1 or
  None), `timestamp` (ISO 8601 UTC or None: undated). Optional: `mbox_sha1sum`
  and `account_name` (xAPI identifiers the store matches against the roster),
  `anonymous` (a form response that names no one), `unmatched_reason` (why no
  person can be credited, e.g. a Group without members);
- `void`: an xAPI voiding statement: `key`, `target` (the voided statement id);
- `roster`: a person: `email`, `name`, `learner_id`, `city`, `role`;
- `skip`: a row that is read but is not evidence, with its `reason` (e.g. "not
  completed", "object is an Agent, not an activity"), counted in the summary.

Readers take a `context` dict: the import's options (`sheet`, `date_order`,
`project_date_order`, `locale`, `max_score`, `moodle_states`, `city`); they add
`notes` (how the file was read) and `handle` (the open file, for progress).

Rows that cannot be read raise `RowError(line, message)`; the import then
stops, stores nothing and names the file and line.
"""

from __future__ import annotations

import hashlib
import unicodedata

FORMATS = ("xapi", "moodle-completion", "moodle-activity", "moodle-quiz", "quiz-csv", "attendance", "roster")


class RowError(ValueError):
    """One row or line cannot be read."""

    def __init__(self, line: int | None, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


def normalise_email(value: str | None) -> str | None:
    """`Mailto:Lan.Nguyen@City.GOV.vn ` → `lan.nguyen@city.gov.vn`; None when it is not an address."""
    if not value:
        return None
    text = value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    text = text.strip().lower()
    if text.count("@") != 1 or " " in text:
        return None
    local, domain = text.split("@")
    return text if local and "." in domain else None


def normalise_text(value: str) -> str:
    """Case- and space-insensitive form of a title, name or IRI used for matching."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def row_key(fmt: str, *parts: object) -> str:
    """Stable identity of a CSV row's *meaning* (not its file or position): makes re-imports idempotent."""
    digest = hashlib.sha1("\x1f".join("" if p is None else str(p) for p in (fmt, *parts)).encode()).hexdigest()
    return f"{fmt}:{digest}"
