"""What reports ask the store, as typed rows: people, evidence, and progress aggregated in SQL.

Everything here is plain SQLAlchemy Core that runs the same on SQLite and
PostgreSQL, and everything that can grow with the number of records is
streamed (a server-side cursor on PostgreSQL), sorted by email so that a
caller can handle one learner at a time:

- `city_people`: everyone on the city's roster plus anyone with records
  imported for the city (with their roster name and role when known);
- `evidence`: per (learner, module), over non-voided records: completed?,
  best score, a pass without a score?, a fail?, how many records, the last
  timestamp (undated records count; they just have no timestamp);
- `statuses`: the same grouped per learner with each module judged *done* in
  SQL by a `PassRule` (the curriculum's `move_on` and the modules' pass marks).

Emails sort bytewise (`COLLATE "C"` on PostgreSQL, SQLite's default BINARY),
which is the order Python's `sorted()` gives, on both databases.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, groupby
from typing import Any, Literal

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select, union
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from citycourse.store.schema import learners, records

MoveOn = Literal["completed", "passed", "completed-and-passed", "completed-or-passed"]
#: a score this close below the pass mark still passes (scores are stored as floats)
EPSILON = 1e-9
#: rows fetched per round trip while streaming
YIELD_PER = 2000
#: SQLite page cache while reading for a report, in KiB: the import's 32 MB cache (kept for the key index)
#: would let the GROUP BY sorter grow with the store instead of spilling to its temporary file
READ_CACHE_KIB = 4096


@dataclass(frozen=True, slots=True)
class Learner:
    """A person the city's progress is about; name and role are None when not on any roster."""

    email: str
    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the non-voided records say about one learner and one module."""

    email: str
    module_id: str
    completed: bool
    best_score: float | None
    passed_unscored: bool
    failed: bool
    records: int
    last: str | None  # latest timestamp; None when every record is undated


@dataclass(frozen=True, slots=True)
class PassRule:
    """How a module counts as done: the curriculum's move_on and each module's pass mark (scaled 0–1)."""

    move_on: MoveOn
    pass_marks: Mapping[str, float]
    default_mark: float = 1.0  # a module outside the plan needs a perfect score to count as passed


@dataclass(frozen=True, slots=True)
class LearnerStatus:
    """One learner and every module they have evidence for: ((module id, done, best score), ...) by module id."""

    learner: Learner
    modules: tuple[tuple[str, bool, float | None], ...]


# ----------------------------------------------------------------------------- building blocks


def _bytewise(conn: Connection, column: Any) -> Any:
    """Order by code point on both databases (PostgreSQL would otherwise use the locale's collation)."""
    return column.collate("C") if conn.dialect.name == "postgresql" else column


def _in_city(city: str) -> ColumnElement[bool]:
    """A record counts for the city when imported with --city, or when its learner is on the city's roster."""
    return or_(records.c.city == city, records.c.email.in_(select(learners.c.email).where(learners.c.city == city)))


def _people(city: str) -> Any:
    """Subquery (email, name, role): the roster's people plus anyone with non-voided records for the city."""
    emails = union(
        select(learners.c.email).where(learners.c.city == city),
        select(records.c.email).where(records.c.city == city, records.c.voided.is_(False)),
    ).subquery("people_emails")
    return (
        select(emails.c.email, learners.c.name, learners.c.role)
        .select_from(emails.outerjoin(learners, learners.c.email == emails.c.email))
        .subquery("people")
    )


def _evidence_query(city: str) -> Select[Any]:
    completed = func.max(case(
        (or_(records.c.verb.in_(["completed", "attended"]), records.c.completion.is_(True)), 1), else_=0))
    passed_unscored = func.max(case((and_(records.c.success.is_(True), records.c.score.is_(None)), 1), else_=0))
    failed = func.max(case((records.c.success.is_(False), 1), else_=0))
    return (
        select(
            records.c.email, records.c.module_id, completed.label("completed"),
            func.max(records.c.score).label("best_score"), passed_unscored.label("passed_unscored"),
            failed.label("failed"), func.count().label("records"), func.max(records.c.timestamp).label("last"),
        )
        .where(records.c.voided.is_(False), _in_city(city))
        .group_by(records.c.email, records.c.module_id)
    )


def done_expression(rule: PassRule, ev: Any) -> ColumnElement[Any]:
    """SQL for `report.module_done` over an evidence subquery `ev`: 1 when the module counts as done, else 0."""
    mark: Any = (
        case(dict(rule.pass_marks), value=ev.c.module_id, else_=rule.default_mark) if rule.pass_marks
        else literal(rule.default_mark)
    )
    completed = ev.c.completed == 1
    passed = or_(ev.c.passed_unscored == 1,
                 and_(ev.c.best_score.is_not(None), ev.c.best_score >= cast(mark, Float) - EPSILON))
    done = {
        "completed": completed,
        "passed": passed,
        "completed-and-passed": and_(completed, passed),
        "completed-or-passed": or_(completed, passed),
    }[rule.move_on]
    return case((done, 1), else_=0)


def _stream(conn: Connection, query: Any) -> Iterator[Any]:
    """Rows of `query`, fetched YIELD_PER at a time (a server-side cursor on PostgreSQL)."""
    result = conn.execution_options(stream_results=True, yield_per=YIELD_PER).execute(query)
    return chain.from_iterable(result.partitions())


@contextmanager
def _small_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a small page cache (and so sorter memory) for this connection while a report reads."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


# ----------------------------------------------------------------------------- the queries


def city_people(engine: Engine, city: str) -> Iterator[Learner]:
    with engine.connect() as conn:
        people = _people(city)
        query = select(people.c.email, people.c.name, people.c.role).order_by(_bytewise(conn, people.c.email))
        for email, name, role in _stream(conn, query):
            yield Learner(email, name, role)


def evidence(engine: Engine, city: str) -> Iterator[Evidence]:
    with engine.connect() as conn:
        ev = _evidence_query(city).subquery("ev")
        query = select(ev).order_by(_bytewise(conn, ev.c.email), _bytewise(conn, ev.c.module_id))
        for r in _stream(conn, query):
            yield Evidence(r.email, r.module_id, bool(r.completed), r.best_score, bool(r.passed_unscored),
                           bool(r.failed), r.records, r.last)


def statuses(engine: Engine, city: str, rule: PassRule) -> Iterator[LearnerStatus]:
    """Every person of the city (as `city_people`), each with their modules judged done or not in SQL.

    Two sorted streams merged by email: the city's roster, and the evidence
    groups (one scan of `records`) with each learner's roster entry joined on.
    Anyone with evidence for the city is either on its roster or has records
    imported for it, so the two streams cover exactly `city_people`.
    """
    with engine.connect() as conn, _small_cache(conn):
        ev = _evidence_query(city).subquery("ev")
        done = done_expression(rule, ev).label("done")
        groups = (
            select(ev.c.email, ev.c.module_id, done, ev.c.best_score, learners.c.name, learners.c.role)
            .select_from(ev.outerjoin(learners, learners.c.email == ev.c.email))
            .order_by(_bytewise(conn, ev.c.email), _bytewise(conn, ev.c.module_id))
        )
        roster = (
            select(learners.c.email, learners.c.name, learners.c.role)
            .where(learners.c.city == city)
            .order_by(_bytewise(conn, learners.c.email))
        )
        people = iter(_stream(conn, roster))
        person = next(people, None)
        for email, rows in groupby(_stream(conn, groups), key=lambda r: r[0]):
            while person is not None and person[0] < email:
                yield LearnerStatus(Learner(*person), ())
                person = next(people, None)
            if person is not None and person[0] == email:
                person = next(people, None)
            modules = []
            for row in rows:
                modules.append((row[1], bool(row[2]), row[3]))
            yield LearnerStatus(Learner(email, row[4], row[5]), tuple(modules))
        while person is not None:
            yield LearnerStatus(Learner(*person), ())
            person = next(people, None)


def count_people(engine: Engine, city: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(_people(city))).scalar_one()
