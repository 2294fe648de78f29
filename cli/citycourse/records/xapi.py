"""xAPI 1.0.3 statements: one statement, a JSON array, a StatementResult page, or JSON Lines.

Every statement is validated against the xAPI 1.0.3 data rules (adlnet/xAPI-Spec,
xAPI-Data.md) before it is used. Types, property names (case-sensitive), unknown
properties, `null` outside extensions and `objectType` values are checked at C
speed by msgspec structs; the rules that tie properties together (exactly one
identifier per Agent, `mailto:` addresses, IRIs, UUIDs, ISO 8601 timestamps and
durations, score ranges, SubStatement limits, voiding) are checked in Python. A
broken rule refuses the file, naming the line, the property path and the rule.

What a valid statement means here:
- `id` (UUID) identifies a statement; importing it twice stores it once. A
  statement without an id (valid: the LRS assigns one) is keyed by its content.
- verbs: ADL `completed` (completion), `passed` / `failed` (success),
  `attended`; any other verb with `result.completion` or `result.success` counts
  as that evidence; `voided` with a StatementRef cancels the statement it names,
  even one that arrives in a later file or earlier in the same file. Other verbs
  (launched, initialized, experienced, ...) are read and skipped with the reason.
- the learner: an Agent by `mbox`, `mbox_sha1sum` (matched by hashing the
  roster's addresses), `account` (its `name` matched to the roster's staff id /
  LMS user name) or `openid` (matched like an account). A **Group** credits each
  of its listed members (identified Agents) separately; an identified Group
  without a member list credits no one and is quarantined with that reason.
- the module: the object Activity's id (IRI), then its name, then the parent and
  grouping context activities (`contextActivities` as one object or a list).
  Objects that are not Activities (an Agent, a Group, a SubStatement, a
  non-voiding StatementRef) are read and skipped with the reason.
- when: `timestamp` (any offset, fractional seconds), else `stored`, else the
  record is undated (completion needs no date). A top-level timestamp more than
  an hour in the future is refused (the exporting system's clock is wrong).
- score: `result.score.scaled` (-1..1), else (raw - min) / (max - min).

The file is streamed: one statement at a time, never the whole file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Union

import msgspec
from msgspec import UNSET, Struct, UnsetType

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

# --------------------------------------------------------------------- the data model
# Field names are xAPI's own (camelCase, case-sensitive). UNSET = "not in the JSON".

LanguageMap = dict[str, str]
Extensions = dict[str, Any]  # the only place where null and any JSON value are allowed


class _Strict(Struct, forbid_unknown_fields=True):
    pass


class Account(_Strict):
    homePage: str
    name: str


class Agent(_Strict):
    objectType: Literal["Agent"] | UnsetType = UNSET
    name: str | UnsetType = UNSET
    mbox: str | UnsetType = UNSET
    mbox_sha1sum: str | UnsetType = UNSET
    openid: str | UnsetType = UNSET
    account: Account | UnsetType = UNSET


class Actor(Agent):
    """An Agent or a Group (xAPI §2.4.2): which one is decided by objectType."""

    objectType: Literal["Agent", "Group"] | UnsetType = UNSET
    member: list[Agent] | UnsetType = UNSET


class Verb(_Strict):
    id: str
    display: LanguageMap | UnsetType = UNSET


class InteractionComponent(_Strict):
    id: str
    description: LanguageMap | UnsetType = UNSET


class ActivityDefinition(_Strict):
    name: LanguageMap | UnsetType = UNSET
    description: LanguageMap | UnsetType = UNSET
    type: str | UnsetType = UNSET
    moreInfo: str | UnsetType = UNSET
    extensions: Extensions | UnsetType = UNSET
    interactionType: Literal[
        "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
        "likert", "numeric", "other",
    ] | UnsetType = UNSET
    correctResponsesPattern: list[str] | UnsetType = UNSET
    choices: list[InteractionComponent] | UnsetType = UNSET
    scale: list[InteractionComponent] | UnsetType = UNSET
    source: list[InteractionComponent] | UnsetType = UNSET
    target: list[InteractionComponent] | UnsetType = UNSET
    steps: list[InteractionComponent] | UnsetType = UNSET


class Activity(_Strict):
    id: str
    objectType: Literal["Activity"] | UnsetType = UNSET
    definition: ActivityDefinition | UnsetType = UNSET


class StatementRef(_Strict):
    objectType: Literal["StatementRef"]
    id: str


class ContextActivities(_Strict):
    parent: Activity | list[Activity] | UnsetType = UNSET
    grouping: Activity | list[Activity] | UnsetType = UNSET
    category: Activity | list[Activity] | UnsetType = UNSET
    other: Activity | list[Activity] | UnsetType = UNSET


class Context(_Strict):
    registration: str | UnsetType = UNSET
    instructor: Actor | UnsetType = UNSET
    team: Actor | UnsetType = UNSET
    contextActivities: ContextActivities | UnsetType = UNSET
    revision: str | UnsetType = UNSET
    platform: str | UnsetType = UNSET
    language: str | UnsetType = UNSET
    statement: StatementRef | UnsetType = UNSET
    extensions: Extensions | UnsetType = UNSET


class Score(_Strict):
    scaled: float | UnsetType = UNSET
    raw: float | UnsetType = UNSET
    min: float | UnsetType = UNSET
    max: float | UnsetType = UNSET


class Result(_Strict):
    score: Score | UnsetType = UNSET
    success: bool | UnsetType = UNSET
    completion: bool | UnsetType = UNSET
    response: str | UnsetType = UNSET
    duration: str | UnsetType = UNSET
    extensions: Extensions | UnsetType = UNSET


class Attachment(_Strict):
    usageType: str
    display: LanguageMap
    contentType: str
    length: int
    sha2: str
    description: LanguageMap | UnsetType = UNSET
    fileUrl: str | UnsetType = UNSET


class StatementObject(_Strict):
    """Any statement object: Activity, Agent, Group, StatementRef or SubStatement (by objectType).

    One struct with every property any of them may carry, so msgspec can check
    types and names in one pass; `_object_rules` then checks which belong together.
    """

    objectType: Literal["Activity", "Agent", "Group", "StatementRef", "SubStatement"] | UnsetType = UNSET
    id: str | UnsetType = UNSET
    definition: ActivityDefinition | UnsetType = UNSET
    name: str | UnsetType = UNSET
    mbox: str | UnsetType = UNSET
    mbox_sha1sum: str | UnsetType = UNSET
    openid: str | UnsetType = UNSET
    account: Account | UnsetType = UNSET
    member: list[Agent] | UnsetType = UNSET
    actor: Actor | UnsetType = UNSET
    verb: Verb | UnsetType = UNSET
    object: Union["StatementObject", UnsetType] = UNSET  # noqa: UP007 - msgspec needs the forward ref
    result: Result | UnsetType = UNSET
    context: Context | UnsetType = UNSET
    timestamp: str | UnsetType = UNSET
    attachments: list[Attachment] | UnsetType = UNSET


class Statement(_Strict):
    actor: Actor
    verb: Verb
    object: StatementObject
    id: str | UnsetType = UNSET
    result: Result | UnsetType = UNSET
    context: Context | UnsetType = UNSET
    timestamp: str | UnsetType = UNSET
    stored: str | UnsetType = UNSET
    authority: Actor | UnsetType = UNSET
    version: str | UnsetType = UNSET
    attachments: list[Attachment] | UnsetType = UNSET


_DECODER = msgspec.json.Decoder(Statement)
_FIELDS = {
    name.lower(): name
    for struct in (Statement, StatementObject, Actor, Verb, Result, Score, Context, ContextActivities, Account,
                   ActivityDefinition, Attachment, InteractionComponent)
    for name in struct.__struct_fields__
}

# --------------------------------------------------------------------------- the rules

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$"
)
_MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$", re.IGNORECASE)
_LIMIT = [dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE]  # refreshed at the start of each file
_LIMIT_TEXT = [_LIMIT[0].strftime("%Y-%m-%dT%H:%M:%SZ")]  # the same, as comparable ISO text


def _article(kind: str) -> str:
    return "an" if kind in ("Activity", "Agent") else "a"


class Invalid(Exception):
    """A statement breaks an xAPI rule: `path` names the property, `rule` says the rule in plain words."""

    def __init__(self, path: str, rule: str, hint: str = "") -> None:
        super().__init__(f"{path}: {rule}")
        self.path, self.rule, self.hint = path, rule, hint


def _iso_utc(value: str, path: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(path, f"is {value!r}; xAPI requires an ISO 8601 timestamp such as 2026-11-12T09:14:03Z") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc) if parsed.utcoffset() else parsed


def _check_iso(value: str, path: str) -> None:
    """Only that `value` is an ISO 8601 timestamp (for times that are checked, not used)."""
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(path, f"is {value!r}; xAPI requires an ISO 8601 timestamp such as 2026-11-12T09:14:03Z") from None


def _iri(value: str, path: str) -> None:
    if not _IRI.match(value):
        raise Invalid(path, f"is {value!r}; xAPI requires an IRI (an absolute address such as http://example.org/x)")


def _agent_rules(agent: Agent | Actor, path: str, group_allowed: bool = True) -> None:
    """Exactly one identifier per Agent; Groups identified by one or anonymous with members."""
    if (agent.mbox is not UNSET and agent.objectType != "Group" and agent.mbox_sha1sum is UNSET
            and agent.openid is UNSET and agent.account is UNSET and _MAILTO.match(agent.mbox)):
        return  # the common case: an Agent with a well-formed mbox
    is_group = getattr(agent, "objectType", UNSET) == "Group"
    if is_group and not group_allowed:
        raise Invalid(f"{path}.objectType", "is 'Group'; a Group's members must be Agents")
    ifis = [n for n in ("mbox", "mbox_sha1sum", "openid", "account") if getattr(agent, n) is not UNSET]
    if is_group:
        members = getattr(agent, "member", UNSET)
        if not ifis and (members is UNSET or not members):
            raise Invalid(path, "is an anonymous Group without members; xAPI requires an anonymous Group to list its members")
        if len(ifis) > 1:
            raise Invalid(path, f"has {len(ifis)} identifiers ({', '.join(ifis)}); xAPI allows exactly one per Group")
        for i, member in enumerate(members or []):
            _agent_rules(member, f"{path}.member[{i}]", group_allowed=False)
    elif len(ifis) != 1:
        found = f"{len(ifis)} ({', '.join(ifis)})" if ifis else "none"
        raise Invalid(path, f"has {found} identifiers; xAPI requires exactly one of mbox, mbox_sha1sum, openid, account")
    if agent.mbox is not UNSET:
        if not _MAILTO.match(agent.mbox) or normalise_email(agent.mbox) is None:
            raise Invalid(f"{path}.mbox", f"is {agent.mbox!r}; xAPI requires 'mailto:' followed by an email address")
    if agent.mbox_sha1sum is not UNSET and not _SHA1.match(agent.mbox_sha1sum):
        raise Invalid(f"{path}.mbox_sha1sum", "is not 40 hexadecimal characters (the SHA-1 of a mailto: IRI)")
    if agent.openid is not UNSET:
        _iri(agent.openid, f"{path}.openid")
    if agent.account is not UNSET:
        _iri(agent.account.homePage, f"{path}.account.homePage")


def _activities(value: Activity | list[Activity] | UnsetType) -> list[Activity]:
    if value is UNSET:
        return []
    return value if isinstance(value, list) else [value]


def _context_rules(context: Context, path: str, object_is_activity: bool) -> None:
    if context.registration is not UNSET and not _UUID.match(context.registration):
        raise Invalid(f"{path}.registration", f"is {context.registration!r}; xAPI requires a UUID")
    for role in ("instructor", "team"):
        actor = getattr(context, role)
        if actor is not UNSET:
            _agent_rules(actor, f"{path}.{role}")
    if context.team is not UNSET and context.team.objectType != "Group":
        raise Invalid(f"{path}.team", "is not a Group; xAPI requires context.team to be a Group")
    if context.contextActivities is not UNSET:
        for kind in ("parent", "grouping", "category", "other"):
            for i, activity in enumerate(_activities(getattr(context.contextActivities, kind))):
                _iri(activity.id, f"{path}.contextActivities.{kind}[{i}].id")
    if not object_is_activity:
        for name in ("revision", "platform"):
            if getattr(context, name) is not UNSET:
                raise Invalid(f"{path}.{name}", "is set but the object is not an Activity; xAPI allows it only for Activities")
    if context.statement is not UNSET and not _UUID.match(context.statement.id):
        raise Invalid(f"{path}.statement.id", f"is {context.statement.id!r}; xAPI requires a UUID")


def _result_rules(result: Result, path: str) -> None:
    score = result.score
    if score is not UNSET:
        if score.scaled is not UNSET and not -1 <= score.scaled <= 1:
            raise Invalid(f"{path}.score.scaled", f"is {score.scaled:g}; xAPI requires -1 ≤ scaled ≤ 1")
        low, high, raw = score.min, score.max, score.raw
        if low is not UNSET and high is not UNSET and not low < high:
            raise Invalid(f"{path}.score", f"min {low:g} is not below max {high:g}; xAPI requires min < max")
        if raw is not UNSET:
            if low is not UNSET and raw < low:
                raise Invalid(f"{path}.score.raw", f"is {raw:g}, below min {low:g}; xAPI requires min ≤ raw ≤ max")
            if high is not UNSET and raw > high:
                raise Invalid(f"{path}.score.raw", f"is {raw:g}, above max {high:g}; xAPI requires min ≤ raw ≤ max")
    if result.duration is not UNSET and not _DURATION.match(result.duration):
        raise Invalid(f"{path}.duration", f"is {result.duration!r}; xAPI requires an ISO 8601 duration such as PT1H30M")


_NOT_ACTIVITY = tuple(f for f in StatementObject.__struct_fields__ if f not in ("objectType", "id", "definition"))
_not_activity_values = operator.attrgetter(*_NOT_ACTIVITY)


def _object_rules(obj: StatementObject, path: str, *, sub: bool) -> str:
    """Check the object by its type; returns the objectType (Activity when absent)."""
    kind = obj.objectType if obj.objectType is not UNSET else "Activity"
    if (kind == "Activity" and obj.id is not UNSET and _IRI.match(obj.id)
            and _not_activity_values(obj).count(UNSET) == len(_NOT_ACTIVITY)):
        return kind  # the common case, checked in one C call
    allowed = {
        "Activity": {"objectType", "id", "definition"},
        "Agent": {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"},
        "Group": {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member"},
        "StatementRef": {"objectType", "id"},
        "SubStatement": {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"},
    }[kind]
    extra = [f for f in obj.__struct_fields__ if getattr(obj, f) is not UNSET and f not in allowed]
    if extra:
        raise Invalid(f"{path}.{extra[0]}", f"is not a property of {_article(kind)} {kind}"
                      + ("" if obj.objectType is not UNSET else " (an object without objectType is an Activity)"))
    if kind == "Activity":
        if obj.id is UNSET:
            raise Invalid(f"{path}.id", "is missing; xAPI requires every Activity to have an id")
        _iri(obj.id, f"{path}.id")
    elif kind in ("Agent", "Group"):
        _agent_rules(obj, path)  # type: ignore[arg-type]
    elif kind == "StatementRef":
        if obj.id is UNSET or not _UUID.match(obj.id):
            raise Invalid(f"{path}.id", f"is {obj.id if obj.id is not UNSET else 'missing'!r}; a StatementRef needs a statement UUID")
    else:  # SubStatement
        if sub:
            raise Invalid(f"{path}.objectType", "is 'SubStatement' inside a SubStatement; xAPI forbids nesting them")
        for required in ("actor", "verb", "object"):
            if getattr(obj, required) is UNSET:
                raise Invalid(f"{path}.{required}", "is missing; a SubStatement needs actor, verb and object")
        _agent_rules(obj.actor, f"{path}.actor")  # type: ignore[arg-type]
        _iri(obj.verb.id, f"{path}.verb.id")  # type: ignore[union-attr]
        inner = _object_rules(obj.object, f"{path}.object", sub=True)  # type: ignore[arg-type]
        if obj.result is not UNSET:
            _result_rules(obj.result, f"{path}.result")
        if obj.context is not UNSET:
            _context_rules(obj.context, f"{path}.context", inner == "Activity")
        if obj.timestamp is not UNSET:
            _iso_utc(obj.timestamp, f"{path}.timestamp")  # a SubStatement may be in the future (a deadline)
    return kind


def validate(st: Statement) -> str:
    """All xAPI 1.0.3 rules msgspec's types cannot express; returns the object's type."""
    if st.id is not UNSET and not _UUID.match(st.id):
        raise Invalid("id", f"is {st.id!r}; xAPI requires a UUID such as 3f0c4e4e-1c5a-4f3a-9d7e-2b1f0a6c9e21")
    _agent_rules(st.actor, "actor")
    _iri(st.verb.id, "verb.id")
    kind = _object_rules(st.object, "object", sub=False)
    if st.verb.id == VOIDED and kind != "StatementRef":
        raise Invalid("object", f"is {_article(kind)} {kind}; a voiding statement's object must be a StatementRef")
    if st.result is not UNSET:
        _result_rules(st.result, "result")
    if st.context is not UNSET:
        _context_rules(st.context, "context", kind == "Activity")
    if st.authority is not UNSET:
        _agent_rules(st.authority, "authority")
    if st.stored is not UNSET:
        _check_iso(st.stored, "stored")
    return kind


_TYPE_WORDS = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
               "object": "an object", "array": "an array", "null": "null", "array | object": "an object or an array"}


def _plain(exc: msgspec.ValidationError) -> Invalid:
    """msgspec's message, in the words of the xAPI rule it enforces."""
    text = str(exc)
    message, _, where = text.partition(" - at `")
    path = where.rstrip("`").removeprefix("$").lstrip(".") if where else ""
    if (m := re.match(r"Object contains unknown field `(.+)`", message)):
        field = m[1]
        full = f"{path}.{field}" if path else field
        known = _FIELDS.get(field.lower())
        if known and known != field:
            return Invalid(full, f"is not an xAPI property; property names are case-sensitive: use {known!r}")
        return Invalid(full, "is not an xAPI property here" + ("" if path else " (unknown top-level property)"))
    if (m := re.match(r"Object missing required field `(.+)`", message)):
        full = f"{path}.{m[1]}" if path else m[1]
        return Invalid(full, "is missing" + ("; every statement needs actor, verb and object" if not path else ""))
    if (m := re.match(r"Expected `(.+)`, got `(.+)`", message)):
        want, got = m[1], m[2]
        if got == "null":
            return Invalid(path, "is null; xAPI allows null only inside extensions")
        want_words = " or ".join(_TYPE_WORDS.get(w.strip(), w.strip()) for w in want.split("|"))
        return Invalid(path, f"must be {want_words}, found {_TYPE_WORDS.get(got, got)}")
    if (m := re.match(r"Invalid enum value '(.+)'", message)):
        value = m[1]
        allowed = {"objectType": ("Agent", "Group", "Activity", "StatementRef", "SubStatement")}
        for option in allowed.get(path.rsplit(".", 1)[-1], ()):
            if option.lower() == value.lower():
                return Invalid(path, f"is {value!r}; xAPI values of objectType are case-sensitive: use {option!r}")
        return Invalid(path, f"is {value!r}, which xAPI does not allow here")
    return Invalid(path or "statement", message)


# ------------------------------------------------------------------------ statement → items


def _refuse(line: int, exc: Invalid) -> RowError:
    return RowError(line, f"{exc.path}: {exc.rule}" if exc.path else exc.rule, hint=exc.hint)


def _name(definition: ActivityDefinition | UnsetType) -> str | None:
    if definition is UNSET or definition.name is UNSET or not definition.name:
        return None
    names = definition.name
    for lang in ("en-US", "en", "en-GB"):
        if lang in names:
            return names[lang]
    return next(iter(names.values()))


def _score(result: Result | UnsetType) -> float | None:
    if result is UNSET or result.score is UNSET:
        return None
    score = result.score
    if score.scaled is not UNSET:
        return float(score.scaled)
    if score.raw is UNSET or score.max is UNSET:
        return None
    low = score.min if score.min is not UNSET else 0.0
    if score.max <= low:
        return None
    return round((score.raw - low) / (score.max - low), 6)


def _when(st: Statement, line: int) -> str | None:
    value = st.timestamp
    if value is not UNSET and value[-1:] == "Z" and len(value) >= 20 and value[10] == "T":
        _check_iso(value, "timestamp")  # already UTC: the text is the answer
        text = value[:19] + "Z"
        if text > _LIMIT_TEXT[0]:
            raise RowError(line, f"timestamp: {value} is in the future",
                           hint="check the exporting system's clock and time zone")
        return text
    if st.timestamp is not UNSET:
        parsed = _iso_utc(st.timestamp, "timestamp")
        if parsed > _LIMIT[0]:
            raise RowError(line, f"timestamp: {st.timestamp} is in the future",
                           hint="check the exporting system's clock and time zone")
    elif st.stored is not UNSET:
        parsed = _iso_utc(st.stored, "stored")
    else:
        return None
    return parsed.isoformat()[:19] + "Z"


def _who(agent: Agent | Actor) -> dict[str, Any]:
    """How an Agent names its person, in the item fields the store matches on."""
    found: dict[str, Any] = {"email": None, "learner_id": None,
                             "name": agent.name if agent.name is not UNSET else None}
    if agent.mbox is not UNSET:
        mbox = agent.mbox  # validated: mailto: + an address without spaces
        found["email"] = mbox[7:].lower() if mbox.isascii() else normalise_email(mbox)
    elif agent.mbox_sha1sum is not UNSET:
        found["mbox_sha1sum"] = agent.mbox_sha1sum.lower()
    elif agent.account is not UNSET:
        found["learner_id"] = agent.account.name
        found["account_name"] = agent.account.name
    elif agent.openid is not UNSET:
        found["learner_id"] = agent.openid
    return found


def _key(st: Statement, raw: Any) -> str:
    if st.id is not UNSET:
        return st.id.lower()
    blob = raw if isinstance(raw, (bytes, str)) else json.dumps(raw, sort_keys=True, ensure_ascii=False)
    return "sha1:" + hashlib.sha1(blob.encode() if isinstance(blob, str) else blob).hexdigest()


def statement_items(raw: Any, line: int) -> dict[str, Any] | list[dict[str, Any]]:
    """One statement (JSON text or parsed value) → its item, or a list of items (a Group's members);
    RowError when it breaks an xAPI rule. See `citycourse.records` for items."""
    try:
        if isinstance(raw, (bytes, str)):
            st = _DECODER.decode(raw)
        else:
            if not isinstance(raw, dict):
                raise RowError(line, f"expected a statement (JSON object), found {type(raw).__name__}")
            st = msgspec.convert(raw, Statement)
        kind = validate(st)
        when = _when(st, line)
    except msgspec.ValidationError as exc:
        raise _refuse(line, _plain(exc)) from None
    except msgspec.DecodeError as exc:
        raise RowError(line, f"malformed JSON: {exc}") from None
    except Invalid as exc:
        raise _refuse(line, exc) from None
    key = _key(st, raw)
    verb_id = st.verb.id
    if verb_id == VOIDED:
        return {"kind": "void", "key": key, "target": st.object.id.lower(), "line": line}  # type: ignore[union-attr]
    if kind != "Activity":
        return {"kind": "skip", "line": line, "reason": f"object is {_article(kind)} {kind}, not an activity"}
    result = st.result
    success = result.success if result is not UNSET and result.success is not UNSET else None
    completion = result.completion if result is not UNSET and result.completion is not UNSET else None
    short = VERBS.get(verb_id)
    if short is None:
        if verb_id in IGNORED_VERBS or (completion is not True and success is None):
            return {"kind": "skip", "line": line, "reason": f"verb {verb_id.rsplit('/', 1)[-1]} is not completion evidence"}
        short = "completed" if completion is True and success is None else ("passed" if success else "failed")
    if short == "completed":
        completion = True
    elif short == "passed":
        success = True
    elif short == "failed":
        success = False
    obj = st.object
    refs = [obj.id]
    title = _name(obj.definition)
    if title:
        refs.append(title)
    if st.context is not UNSET and st.context.contextActivities is not UNSET:
        for kind_name in ("parent", "grouping"):
            refs.extend(a.id for a in _activities(getattr(st.context.contextActivities, kind_name)))
    base = {
        "kind": "record", "line": line, "refs": refs, "verb": short, "success": success, "completion": completion,
        "score": _score(result), "timestamp": when,
    }
    actor = st.actor
    if actor.objectType != "Group":
        base["key"] = key
        base.update(_who(actor))
        return base  # one item: the common case, no list
    members = actor.member if actor.member is not UNSET else []
    if not members:
        return {**base, "key": key, "email": None, "learner_id": None, "name": actor.name or None,
                "unmatched_reason": "an identified Group without a member list: xAPI names no person to credit"}
    return [{**base, "key": f"{key}/{i}", **_who(member)} for i, member in enumerate(members)]


def statement_item(st: Any, line: int) -> dict[str, Any]:
    """The first item of one statement (kept for callers that handle one item per statement)."""
    found = statement_items(st, line)
    return found if isinstance(found, dict) else found[0]


# ------------------------------------------------------------------------------ files


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
    """The statements of a StatementResult page, streamed (`more` and other keys are read past)."""
    stream.take("{")
    while stream.peek() != "}":
        key, line = stream.value()
        if not isinstance(key, str):
            raise RowError(line, "malformed JSON object key")
        stream.take(":")
        if key == "statements":
            yield from _array(stream)
        else:
            stream.value()
        if stream.peek() == ",":
            stream.pos += 1
    stream.take("}")


def _values(stream: _Stream) -> Iterator[tuple[Any, int]]:
    """Top-level JSON values one after another: a single statement, or several (pretty-printed JSON Lines)."""
    while stream.peek():
        value, line = stream.value()
        if isinstance(value, dict) and "statements" in value and "actor" not in value:
            statements = value["statements"]
            if not isinstance(statements, list):
                raise RowError(line, "statements: must be an array (a StatementResult)")
            yield from ((st, line) for st in statements)
        else:
            yield value, line


def _items(values: Iterator[tuple[Any, int]]) -> Iterator[dict[str, Any]]:
    for value, line in values:
        found = statement_items(value, line)
        if type(found) is dict:
            yield found
        else:
            yield from found


_RESULT_HEAD = re.compile(r'\s*\{\s*"(?:statements|more)"\s*:')


def read(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    _LIMIT[0] = dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE
    _LIMIT_TEXT[0] = _LIMIT[0].strftime("%Y-%m-%dT%H:%M:%SZ")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if context is not None:
            context["handle"] = handle  # lets a progress display show the bytes read
        head = handle.read(64 * 1024)
        handle.seek(0)
        first = head.lstrip(" \t\r\n")[:1]
        if first == "[":
            yield from _items(_array(_Stream(handle)))
            return
        if first != "{":
            raise RowError(1, "not JSON: xAPI files are a statement, a JSON array, a StatementResult object or JSON Lines")
        if _RESULT_HEAD.match(head):
            yield from _items(_statement_result(_Stream(handle)))
            return
        line1 = handle.readline(MAX_STATEMENT + 1)
        handle.seek(0)
        if len(line1) > MAX_STATEMENT and not line1.endswith("\n"):
            raise RowError(1, f"line 1 is longer than {MAX_STATEMENT // 1024} KB; not a statement or a JSON Lines file")
        try:
            one_line_object = isinstance(json.loads(line1), dict)
        except ValueError:
            one_line_object = False
        if one_line_object:
            with path.open("rb") as binary:  # msgspec decodes bytes directly: no str decoding pass
                if binary.read(3) != b"\xef\xbb\xbf":
                    binary.seek(0)
                if context is not None:
                    context["handle"] = binary
                yield from _lines(binary)
        else:
            yield from _items(_values(_Stream(handle)))


def _lines(handle: Any) -> Iterator[dict[str, Any]]:
    """JSON Lines (a binary handle): one statement per line, decoded and typed by msgspec in one step."""
    line_no = 0
    brace = ord("{")
    while True:
        text = handle.readline(MAX_STATEMENT + 1)
        if not text:
            return
        line_no += 1
        if len(text) > MAX_STATEMENT and not text.endswith(b"\n"):
            raise RowError(line_no, f"line is longer than {MAX_STATEMENT // 1024} KB; not a statement")
        if text[0] != brace or text.startswith(b'{"statements"'):
            stripped = text.strip()
            if not stripped:
                continue
            if stripped.startswith(b'{"statements"'):
                try:
                    decoded = text.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise RowError(line_no, f"not UTF-8 at byte {exc.start} of the line") from None
                yield from _items((value, line_no) for value, _ in _values(_Stream(_OneLine(decoded))))
                continue
        found = statement_items(text, line_no)
        if type(found) is dict:
            yield found
        else:
            yield from found


class _OneLine:
    """A one-line StatementResult inside a JSON Lines file, as a readable stream."""

    def __init__(self, text: str) -> None:
        self.text: str | None = text

    def read(self, _size: int = -1) -> str:
        text, self.text = self.text or "", None
        return text
