"""xAPI 1.0.3 statements: a JSON array, a StatementResult page, or JSON Lines.

Semantics (xAPI 1.0.3, Data §2.4):
- `id` (UUID) identifies a statement; importing it twice stores it once.
- verbs: ADL `completed` (result.completion = true), `passed` (success = true),
  `failed` (success = false), `attended`; `voided` with a `StatementRef` object
  cancels the statement it names, even one that arrives in a later file.
  Verbs that carry no completion evidence (launched, initialized, terminated,
  experienced, progressed, answered, ...) are read and skipped; any other verb
  is an error.
- `result.score.scaled` in -1..1; when absent, (raw - min) / (max - min).
- `timestamp` (or `stored` when missing); a timestamp in the future is an error.
- the learner is `actor.mbox` (mailto:) or `actor.account.name` (a roster id).
- the module is the object's activity id (IRI), then its name, then the
  parent/grouping context activities.

The file is streamed: one statement at a time, never the whole file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.records import RowError, normalise_email

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {ADL + "completed": "completed", ADL + "passed": "passed", ADL + "failed": "failed", ADL + "attended": "attended"}
VOIDED = ADL + "voided"
IGNORED_VERBS = {
    ADL + v
    for v in (
        "launched", "initialized", "terminated", "experienced", "progressed", "answered", "attempted",
        "interacted", "registered", "commented", "asked", "responded", "shared", "imported", "exited",
        "suspended", "resumed", "scored", "mastered", "preferred", "logged-in", "logged-out",
    )
} | {"https://w3id.org/xapi/adl/verbs/" + v for v in ("satisfied", "waived", "abandoned", "logged-in", "logged-out")}

MAX_STATEMENT = 1024 * 1024  # one statement; anything larger is not a statement
CHUNK = 1 << 20
FUTURE_TOLERANCE = dt.timedelta(hours=1)


_LIMIT = [dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE]  # refreshed at the start of each file


def _timestamp(value: Any, line: int, field: str) -> str:
    if not isinstance(value, str):
        raise RowError(line, f"{field} must be an ISO 8601 string, found {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RowError(line, f"{field} {value!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    elif parsed.utcoffset():
        parsed = parsed.astimezone(dt.timezone.utc)
    if parsed > _LIMIT[0]:
        raise RowError(line, f"{field} {value} is in the future", hint="check the exporting system's clock and time zone")
    return parsed.isoformat(timespec="seconds")[:19] + "Z"


def _name(definition: Any) -> str | None:
    if isinstance(definition, dict):
        names = definition.get("name")
        if isinstance(names, dict) and names:
            for lang in ("en-US", "en", "en-GB"):
                if isinstance(names.get(lang), str):
                    return names[lang]
            first = next(iter(names.values()))
            return first if isinstance(first, str) else None
    return None


def _score(result: dict[str, Any], line: int) -> float | None:
    score = result.get("score")
    if score is None:
        return None
    if not isinstance(score, dict):
        raise RowError(line, "result.score must be an object")
    scaled = score.get("scaled")
    if scaled is not None:
        if isinstance(scaled, bool) or not isinstance(scaled, (int, float)) or not -1 <= scaled <= 1:
            raise RowError(line, f"result.score.scaled must be a number from -1 to 1, found {scaled!r}")
        return float(scaled)
    raw, top, low = score.get("raw"), score.get("max"), score.get("min", 0)
    if raw is None or top is None:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (raw, top, low)) or top <= low:
        raise RowError(line, f"result.score raw/min/max are not numbers with min < max: {score!r}")
    if not low <= raw <= top:
        raise RowError(line, f"result.score.raw {raw} is outside min..max ({low}..{top})")
    return round((raw - low) / (top - low), 6)


def statement_item(st: Any, line: int) -> dict[str, Any]:
    """One statement → an item (see `citycourse.records`); RowError when it is not valid xAPI."""
    if not isinstance(st, dict):
        raise RowError(line, f"expected a statement (JSON object), found {type(st).__name__}")
    verb = st.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str):
        raise RowError(line, "statement has no verb.id")
    sid = st.get("id")
    if not isinstance(sid, str) or len(sid) != 36:
        raise RowError(line, f"statement id must be a UUID, found {sid!r}", hint="exports from an LRS always carry ids")
    sid = sid.lower()
    obj = st.get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise RowError(line, "statement has no object.id")
    if verb_id == VOIDED:
        if obj.get("objectType") != "StatementRef":
            raise RowError(line, "a voiding statement's object must be a StatementRef")
        return {"kind": "void", "key": sid, "target": obj["id"].lower(), "line": line}
    short = VERBS.get(verb_id)
    if short is None:
        if verb_id in IGNORED_VERBS:
            return {"kind": "skip", "line": line}
        raise RowError(
            line,
            f"unknown verb {verb_id!r}",
            hint="citycourse reads ADL completed, passed, failed, attended and voided (xAPI 1.0.3)",
        )
    actor = st.get("actor")
    if not isinstance(actor, dict):
        raise RowError(line, "statement has no actor")
    email = normalise_email(actor.get("mbox")) if isinstance(actor.get("mbox"), str) else None
    account = actor.get("account")
    learner_id = account.get("name") if isinstance(account, dict) and isinstance(account.get("name"), str) else None
    timestamp = st.get("timestamp") or st.get("stored")
    if timestamp is None:
        raise RowError(line, "statement has neither timestamp nor stored")
    ts = _timestamp(timestamp, line, "timestamp")
    result = st.get("result") or {}
    if not isinstance(result, dict):
        raise RowError(line, "result must be an object")
    success = result.get("success")
    completion = result.get("completion")
    if short == "completed":
        completion = True
    elif short == "passed":
        success = True
    elif short == "failed":
        success = False
    refs = [obj["id"]]
    title = _name(obj.get("definition"))
    if title:
        refs.append(title)
    context = st.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        for kind in ("parent", "grouping"):
            for activity in context["contextActivities"].get(kind) or []:
                if isinstance(activity, dict) and isinstance(activity.get("id"), str):
                    refs.append(activity["id"])
    return {
        "kind": "record",
        "key": sid,
        "line": line,
        "email": email,
        "learner_id": learner_id,
        "name": actor.get("name") if isinstance(actor.get("name"), str) else None,
        "refs": refs,
        "verb": short,
        "success": success if isinstance(success, bool) else None,
        "completion": completion if isinstance(completion, bool) else None,
        "score": _score(result, line),
        "timestamp": ts,
    }


class _Stream:
    """Incremental JSON values from a text stream, with line numbers and bounded memory."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """Next non-space character ('' at the end), without consuming it."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise RowError(self.current_line(), f"expected {expected!r}, found {found or 'end of file'!r}")
        self.pos += 1

    def current_line(self) -> int:
        return self.line + self.buf.count("\n", 0, self.pos)

    def value(self) -> tuple[Any, int]:
        self.peek()
        line = self.current_line()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_STATEMENT or not self._fill():
                    where = self.line + self.buf.count("\n", 0, exc.pos)
                    if len(self.buf) - self.pos > MAX_STATEMENT:
                        raise RowError(line, f"malformed JSON: no complete value within {MAX_STATEMENT // 1024} KB") from None
                    raise RowError(where, f"malformed JSON: {exc.msg}") from None
                continue
            # A value that ends exactly at the buffer's end may be a truncated number; make sure.
            if end == len(self.buf) and not self.eof and self._fill():
                continue
            self.pos = end
            return value, line


def _array(stream: _Stream) -> Iterator[tuple[Any, int]]:
    stream.take("[")
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        yield stream.value()
        nxt = stream.peek()
        if nxt == ",":
            stream.pos += 1
            continue
        if nxt == "]":
            stream.pos += 1
            return
        raise RowError(stream.current_line(), f"expected ',' or ']' between statements, found {nxt or 'end of file'!r}")


def _statement_result(stream: _Stream) -> Iterator[tuple[Any, int]]:
    stream.take("{")
    seen = False
    while stream.peek() != "}":
        key, line = stream.value()
        if not isinstance(key, str):
            raise RowError(line, "malformed JSON object key")
        stream.take(":")
        if key == "statements":
            seen = True
            yield from _array(stream)
        else:
            stream.value()
        if stream.peek() == ",":
            stream.pos += 1
    if not seen:
        raise RowError(1, "JSON object is neither a statement nor a StatementResult (no 'statements')")


def read(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    _LIMIT[0] = dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.read(1)
        while first and first in " \t\r\n":
            first = handle.read(1)
        handle.seek(0)
        if first == "[":
            yield from (statement_item(st, line) for st, line in _array(_Stream(handle)))
            return
        if first != "{":
            raise RowError(1, "not JSON: xAPI files are a JSON array, a StatementResult object or JSON Lines")
        head = handle.readline(MAX_STATEMENT + 1)
        if re.match(r'\s*\{\s*"(statements|more)"\s*:', head):
            handle.seek(0)
            yield from (statement_item(st, line) for st, line in _statement_result(_Stream(handle)))
            return
        if len(head) > MAX_STATEMENT and not head.endswith("\n"):
            raise RowError(1, f"line 1 is longer than {MAX_STATEMENT // 1024} KB; not a statement or a JSON Lines file")
        try:
            probe = json.loads(head)
        except ValueError:
            probe = None
        handle.seek(0)
        if isinstance(probe, dict) and "statements" not in probe:
            yield from _lines(handle)
        else:
            yield from (statement_item(st, line) for st, line in _statement_result(_Stream(handle)))


def _lines(handle: Any) -> Iterator[dict[str, Any]]:
    loads = json.loads
    line_no = 0
    while True:
        text = handle.readline(MAX_STATEMENT + 1)
        if not text:
            return
        line_no += 1
        if len(text) > MAX_STATEMENT and not text.endswith("\n"):
            raise RowError(line_no, f"line is longer than {MAX_STATEMENT // 1024} KB; not a statement")
        if not text.strip():
            continue
        try:
            st = loads(text)
        except ValueError as exc:
            raise RowError(line_no, f"malformed JSON line: {exc}") from None
        yield statement_item(st, line_no)
