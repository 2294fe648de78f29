"""The import transaction: every file of one import is stored, or none is.

- `import_files()` runs every file of one import in ONE transaction: a fatal
  error anywhere (or a killed process) leaves the store as it was.
- Files are streamed in batches of `BATCH` rows; duplicates are found with
  one indexed lookup per batch, so memory stays flat with file size.
- Idempotency: a record's `key` is its xAPI statement id, or a hash of what a
  CSV row says (learner, module, verb, result, time), unique in `records`.
- Voiding: `voids` keeps every voiding statement's target; after each import
  every record whose key is a target is marked `voided` (whatever the order).
- Rows whose learner or module cannot be matched go to `quarantine` with the
  reason and everything needed to retry them after `records map`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.engine import Connection

from citycourse.errors import Problem, RecordError
from citycourse.records import RowError, normalise_text
from citycourse.store.db import Store
from citycourse.store.matching import Matcher
from citycourse.store.schema import BATCH, IGNORE, imports, learners, now, quarantine, records, voids


@dataclass
class FileSummary:
    file: str
    format: str = ""
    read: int = 0
    new: int = 0
    duplicate: int = 0
    voided: int = 0
    quarantined: int = 0
    skipped: int = 0
    learners: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)  # why rows were read but not evidence
    notes: list[str] = field(default_factory=list)  # how the file was read (e.g. the date order and why)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ImportSummary:
    files: list[FileSummary] = field(default_factory=list)
    cancelled: int = 0  # records marked voided by this import
    dry_run: bool = False

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        keys = ("read", "new", "duplicate", "voided", "quarantined", "skipped", "learners")
        return {
            "format": "citycourse-import/1",
            "dry_run": self.dry_run,
            "totals": {**{k: self.total(k) for k in keys}, "cancelled": self.cancelled},
            "files": [f.to_dict() for f in self.files],
        }


RECORD_COLUMNS = ("key", "email", "module_id", "verb", "success", "completion", "score", "timestamp",
                  "city", "format", "source", "voided")


def insert_rows(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert record tuples (RECORD_COLUMNS order) with one DBAPI executemany.

    Bypasses SQLAlchemy's per-row parameter processing, which costs more than
    SQLite's own insert at a million rows; the values are plain str/float/bool.
    """
    style = conn.dialect.paramstyle
    mark = "?" if style == "qmark" else "%s" if style in ("format", "pyformat") else None
    if mark is None:  # pragma: no cover - other drivers: the portable path
        conn.execute(insert(records), [dict(zip(RECORD_COLUMNS, r)) for r in rows])
        return
    sql = f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) VALUES ({', '.join([mark] * len(RECORD_COLUMNS))})"
    conn.exec_driver_sql(sql, rows)


def insert_new_sqlite(conn: Connection, rows: list[tuple[Any, ...]]) -> int:
    """SQLite: INSERT OR IGNORE and count what went in (one index probe per row instead of two)."""
    raw = conn.connection.dbapi_connection
    before = raw.total_changes  # type: ignore[union-attr]
    sql = f"INSERT OR IGNORE INTO records ({', '.join(RECORD_COLUMNS)}) VALUES ({', '.join(['?'] * len(RECORD_COLUMNS))})"
    conn.exec_driver_sql(sql, rows)
    return raw.total_changes - before  # type: ignore[union-attr]


class _Batch:
    def __init__(self) -> None:
        self.records: dict[str, tuple[Any, ...]] = {}  # RECORD_COLUMNS order
        self.quarantine: dict[str, dict[str, Any]] = {}
        self.voids: dict[str, dict[str, Any]] = {}
        self.roster: dict[str, dict[str, Any]] = {}
        self.size = 0


def _in_chunks(conn: Connection, column: Any, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), BATCH):
        part = keys[i : i + BATCH]
        found.update(conn.execute(select(column).where(column.in_(part))).scalars())
    return found


def insert_new(conn: Connection, key: Any, rows: dict[str, Any]) -> int:
    """Insert the rows (key → row) whose key is not yet in `key`'s table; how many went in.

    Records are tuples in RECORD_COLUMNS order (SQLite: INSERT OR IGNORE, one
    index probe per row); other tables take dicts.
    """
    if not rows:
        return 0
    if key.table is records and conn.dialect.name == "sqlite":
        return insert_new_sqlite(conn, list(rows.values()))
    existing = _in_chunks(conn, key, list(rows))
    new = [r for k, r in rows.items() if k not in existing]
    if new:
        if key.table is records:
            insert_rows(conn, new)
        else:
            conn.execute(insert(key.table), new)
    return len(new)


class Importer:
    """Runs inside one connection + transaction; see `import_files`."""

    def __init__(self, conn: Connection, module_titles: dict[str, str], city: str | None) -> None:
        self.conn = conn
        self.matcher = Matcher(conn, module_titles)
        self.city = city
        self.has_quarantine = conn.execute(select(quarantine.c.id).limit(1)).first() is not None

    # -- one item
    def add(self, batch: _Batch, summary: FileSummary, item: dict[str, Any], source: str, fmt: str) -> None:
        kind = item["kind"]
        summary.read += 1
        if kind == "skip":
            summary.skipped += 1
            reason = item.get("reason")
            if reason:
                summary.skip_reasons[reason] = summary.skip_reasons.get(reason, 0) + 1
            return
        if kind == "void":
            batch.voids[item["target"]] = {"target": item["target"], "key": item["key"], "source": source}
        elif kind == "roster":
            batch.roster[item["email"]] = item
            self.matcher.add_learner(item["email"], item.get("learner_id"), normalise_text(item.get("name") or ""))
        else:
            row, reason = self.match(item, source, fmt, self.city)
            if row is None and reason == "":
                summary.skipped += 1
                return
            if row is None:
                batch.quarantine[item["key"]] = {
                    "key": item["key"], "source": source, "line": item.get("line"), "format": fmt,
                    "reason": reason, "city": self.city,
                    "payload": json.dumps({k: v for k, v in item.items() if k not in ("kind",)}, ensure_ascii=False),
                }
            else:
                batch.records[row[0]] = row
        batch.size += 1

    def match(self, item: dict[str, Any], source: str, fmt: str, city: str | None) -> tuple[tuple[Any, ...] | None, str]:
        """(row, "") when matched; (None, reason) to quarantine; (None, "") to skip."""
        module_id = self.matcher.module(item["refs"])
        if module_id == IGNORE:
            return None, ""
        if module_id is None:
            if item.get("optional"):
                return None, ""
            shown = next((r for r in item["refs"] if r), "")
            return None, (
                f"no module matches {shown!r} (not a module id, an activity IRI ending in one, "
                "a module title or a mapped title)"
            )
        email = item.get("email")
        why = ""
        if not email:
            email, why = self.matcher.learner(item)
        if email is None:
            return None, why
        return (
            item["key"], email, module_id, item["verb"], item.get("success"), item.get("completion"),
            item.get("score"), item.get("timestamp"), city, fmt, source, False,
        ), ""

    # -- one batch
    def flush(self, batch: _Batch, summary: FileSummary) -> None:
        conn = self.conn
        if batch.roster:
            self._roster(batch.roster, summary)
        if batch.records:
            added = insert_new(conn, records.c.key, batch.records)
            summary.new += added
            summary.duplicate += len(batch.records) - added
            if self.has_quarantine:
                conn.execute(delete(quarantine).where(quarantine.c.key.in_(list(batch.records))))
        if batch.voids:
            added = insert_new(conn, voids.c.target, batch.voids)
            summary.voided += added
            summary.duplicate += len(batch.voids) - added
        if batch.quarantine:
            if insert_new(conn, quarantine.c.key, batch.quarantine):
                self.has_quarantine = True
            summary.quarantined += len(batch.quarantine)
        batch.__init__()  # type: ignore[misc]

    def _roster(self, people: dict[str, dict[str, Any]], summary: FileSummary) -> None:
        conn = self.conn
        emails = list(people)
        current = {
            r.email: r for r in conn.execute(
                select(learners).where(learners.c.email.in_(emails))
            )
        }
        new_rows = []
        for email, p in people.items():
            row = {
                "email": email, "name": p.get("name") or None, "name_norm": normalise_text(p.get("name") or "") or None,
                "learner_id": p.get("learner_id"), "city": p.get("city"), "role": p.get("role"),
            }
            old = current.get(email)
            if old is None:
                new_rows.append(row)
                summary.learners += 1
                summary.new += 1
            elif tuple(old) != tuple(row[c.name] for c in learners.c):
                conn.execute(update(learners).where(learners.c.email == email).values(**row))
                summary.learners += 1
                summary.new += 1
            else:
                summary.duplicate += 1
        if new_rows:
            conn.execute(insert(learners), new_rows)

    def apply_voids(self) -> int:
        """Mark voided every record whose key is a void target, or `<target>/<n>` (a Group member's share)."""
        statement = func.substr(records.c.key, 1, strpos(records.c.key, "/") - 1)
        result = self.conn.execute(
            update(records)
            .where(
                records.c.voided.is_(False),
                or_(
                    records.c.key.in_(select(voids.c.target)),
                    and_(records.c.key.like("%/%"), statement.in_(select(voids.c.target))),
                ),
            )
            .values(voided=True)
        )
        return result.rowcount or 0


class strpos(FunctionElement[int]):
    """1-based position of a substring (0 when absent): `instr` on SQLite, `strpos` on PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(strpos)
def _strpos_default(element: strpos, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


@compiles(strpos, "sqlite")
def _strpos_sqlite(element: strpos, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


def _order(files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Rosters first, so that records in the same import can be matched by roster id or name."""
    return sorted(files, key=lambda pf: pf[1] != "roster")


def import_files(
    store: Store,
    paths: Iterable[Path],
    module_titles: dict[str, str],
    *,
    fmt: str = "auto",
    city: str | None = None,
    dry_run: bool = False,
    on_batch: Callable[[str, int, int | None], None] | None = None,
    options: dict[str, Any] | None = None,
) -> ImportSummary:
    """Import every file in one transaction. RecordError (store unchanged) on any unreadable row.

    `options` are reading options the readers understand: `sheet`, `date_order`,
    `project_date_order`, `locale`, `max_score`, `moodle_states`.
    """
    from citycourse.records.detect import detect
    from citycourse.records.parallel import read_items

    problems: list[Problem] = []
    plan: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_file():
            problems.append(Problem(str(path), "no such file"))
            continue
        try:
            plan.append((path, detect(path, options) if fmt == "auto" else fmt))
        except RowError as exc:
            problems.append(Problem(str(path), exc.message, line=exc.line, hint=exc.hint))
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read: {exc.strerror or exc}"))
    if problems:
        raise RecordError(f"{len(problems)} file(s) cannot be imported; nothing was stored", problems=problems)
    summary = ImportSummary(dry_run=dry_run)
    context: dict[str, Any] = {**(options or {}), "city": city}
    from citycourse.gcpause import paused_gc

    with paused_gc(), store.engine.connect() as conn:
        transaction = conn.begin()
        try:
            importer = Importer(conn, module_titles, city)
            for path, file_fmt in _order(plan):
                file_summary = FileSummary(str(path), file_fmt)
                summary.files.append(file_summary)
                source = str(path)[-500:]
                batch = _Batch()
                try:
                    context["notes"] = file_summary.notes
                    context.pop("position", None)
                    for item in read_items(file_fmt, path, context):
                        if problems:
                            continue  # keep checking the file, store nothing
                        importer.add(batch, file_summary, item, source, file_fmt)
                        if batch.size >= BATCH:
                            importer.flush(batch, file_summary)
                            if on_batch:
                                handle = context.get("handle")  # set by the reader that opened the file
                                position = context.get("position")  # or sent by a reader in another process
                                if position is None and handle is not None and not handle.closed:
                                    position = getattr(handle, "buffer", handle).tell()
                                on_batch(str(path), file_summary.read, position)
                    if not problems:
                        importer.flush(batch, file_summary)
                except RowError as exc:
                    problems.append(Problem(str(path), exc.message, line=exc.line, hint=exc.hint))
                except UnicodeDecodeError as exc:
                    problems.append(Problem(str(path), f"cannot decode the file: {exc.reason} at byte {exc.start}"))
                except OSError as exc:
                    problems.append(Problem(str(path), f"cannot read: {exc.strerror or exc}"))
            if problems:
                raise RecordError(
                    f"{len(problems)} file(s) have unreadable rows; nothing was stored", problems=problems,
                    hint="fix the rows named above and import again",
                )
            summary.cancelled = importer.apply_voids()
            if dry_run:
                transaction.rollback()
            else:
                conn.execute(insert(imports).values(at=now(), summary=json.dumps(summary.to_dict())))
                transaction.commit()
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    return summary
