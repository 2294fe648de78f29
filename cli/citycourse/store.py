"""The records store: SQLAlchemy Core schema, versioned migrations, the import transaction.

- One schema for SQLite (default: `<project>/.citycourse/records.db`) and
  PostgreSQL (`postgresql://user:pass@host/db`, driven by psycopg 3).
- `schema_version` lists the migrations applied; `migrate()` applies the
  missing ones in order, each in its own transaction.
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

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from citycourse.errors import Problem, RecordError, UsageError
from citycourse.store_location import ENV_STORE, default_url, normalise_url, sqlite_missing  # noqa: F401 - re-exported
from citycourse.records import RowError, normalise_text

BATCH = 5000
IGNORE = "-"  # mapping target meaning "not a module; skip these rows"

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(32), nullable=False),
)
learners = Table(
    "learners", metadata,
    Column("email", String(320), primary_key=True),
    Column("name", String(300)),
    Column("name_norm", String(300), index=True),
    Column("learner_id", String(200), index=True),
    Column("city", String(64), index=True),
    Column("role", String(64)),
)
records = Table(
    "records", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False, unique=True),
    Column("email", String(320), nullable=False),
    Column("module_id", String(64), nullable=False),
    Column("verb", String(16), nullable=False),
    Column("success", Boolean),
    Column("completion", Boolean),
    Column("score", Float),
    Column("timestamp", String(32)),
    Column("city", String(64)),
    Column("format", String(32), nullable=False),
    Column("source", String(500), nullable=False),
    Column("voided", Boolean, nullable=False, default=False),
)
voids = Table(
    "voids", metadata,
    Column("target", String(80), primary_key=True),
    Column("key", String(80), nullable=False),
    Column("source", String(500), nullable=False),
)
quarantine = Table(
    "quarantine", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False, unique=True),
    Column("source", String(500), nullable=False),
    Column("line", Integer),
    Column("format", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("city", String(64)),
    Column("payload", Text, nullable=False),
)
mappings = Table(
    "mappings", metadata,
    Column("ref", String(500), primary_key=True),  # normalised title / IRI
    Column("label", String(500), nullable=False),  # as the trainer typed it
    Column("module_id", String(64), nullable=False),  # a module id, or "-" to ignore
)
imports = Table(
    "imports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("summary", Text, nullable=False),
)

V1_TABLES = [learners, records, voids, quarantine, mappings, imports]


def _migration_1(conn: Connection) -> None:
    metadata.create_all(conn, tables=V1_TABLES)


#: (version, description, function). Append; never edit an applied migration.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "learners, records, voids, quarantine, mappings, imports", _migration_1),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------- opening


def redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return url


class Store:
    """An open store (engine + migrated schema)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    def count(self, table: Table, *where: Any) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

    def has_records(self, city: str | None = None) -> bool:
        with self.engine.connect() as conn:
            query = select(records.c.id).where(records.c.voided.is_(False)).limit(1)
            if city:
                query = query.where(
                    (records.c.city == city)
                    | records.c.email.in_(select(learners.c.email).where(learners.c.city == city))
                )
            return conn.execute(query).first() is not None

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's content without surrogate ids, sorted (tests compare stores with it)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        with self.engine.connect() as conn:
            for table in V1_TABLES:
                if table is imports:
                    continue
                cols = [c for c in table.c if c.name not in ("id", "source")]
                out[table.name] = sorted(tuple(r) for r in conn.execute(select(*cols)))
        return out


def open_store(url: str, *, create: bool = True) -> Store:
    full = normalise_url(url)
    if full.startswith("sqlite:///"):
        path = full[len("sqlite:///"):]
        if path and path != ":memory:":
            if not create and not Path(path).exists():
                raise UsageError(f"no records store at {path}", hint="import records first: citycourse records import FILES")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(full, connect_args={"timeout": 30})

        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA cache_size = -32768")  # 32 MB: the key index stays cached longer
    else:
        try:
            engine = create_engine(full, pool_pre_ping=False)
        except Exception as exc:  # noqa: BLE001 - unknown dialect, missing driver
            raise UsageError(f"cannot use store {redact(url)}: {exc}") from None
    try:
        migrate(engine)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001
        engine.dispose()
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            raise UsageError(f"cannot open store {redact(url)}: {exc.orig}", hint="check --store / CITYCOURSE_STORE") from None
        raise
    return Store(engine, url)


def migrate(engine: Engine) -> int:
    """Apply missing migrations; the resulting schema version."""
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[schema_version])
    with engine.connect() as conn:
        current = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
    if current > SCHEMA_VERSION:
        raise UsageError(
            f"the store has schema version {current}, newer than this citycourse ({SCHEMA_VERSION})",
            hint="upgrade citycourse",
        )
    for version, _, apply in MIGRATIONS:
        if version > current:
            with engine.begin() as conn:
                apply(conn)
                conn.execute(insert(schema_version).values(version=version, applied_at=_now()))
            current = version
    return current


# ----------------------------------------------------------------------------- matching


class Matcher:
    """Learner and module matching for one import (or one quarantine retry)."""

    def __init__(self, conn: Connection, module_titles: dict[str, str]) -> None:
        self.ids = set(module_titles)
        self.titles = {normalise_text(t): i for i, t in module_titles.items()}
        self.maps = {r.ref: r.module_id for r in conn.execute(select(mappings.c.ref, mappings.c.module_id))}
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, set[str]] = {}
        for row in conn.execute(select(learners.c.email, learners.c.learner_id, learners.c.name_norm)):
            self.add_learner(row.email, row.learner_id, row.name_norm)
        self.cache: dict[str, str | None] = {}

    def add_learner(self, email: str, learner_id: str | None, name_norm: str | None) -> None:
        if learner_id:
            self.by_id[learner_id] = email
        if name_norm:
            self.by_name.setdefault(name_norm, set()).add(email)

    def _module_one(self, ref: str) -> str | None:
        norm = normalise_text(ref)
        if norm in self.maps:
            return self.maps[norm]
        if ref in self.ids:
            return ref
        if "://" in ref or ref.startswith(("urn:", "tag:")):
            tail = ref.split("#", 1)[0].split("?", 1)[0].rstrip("/")
            last = tail.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            for candidate in (last, last.rsplit(".", 1)[0]):
                if candidate in self.ids:
                    return candidate
        return self.titles.get(norm)

    def module(self, refs: list[str]) -> str | None:
        for ref in refs:
            if not ref:
                continue
            if ref in self.cache:
                found = self.cache[ref]
            else:
                found = self._module_one(ref)
                if len(self.cache) < 100_000:
                    self.cache[ref] = found
            if found is not None:
                return found
        return None

    def learner(self, item: dict[str, Any]) -> tuple[str | None, str]:
        """(email, reason when None); readers already normalised `email` when it is one."""
        learner_id = item.get("learner_id")
        if learner_id and learner_id in self.by_id:
            return self.by_id[learner_id], ""
        name = normalise_text(item.get("name") or "")
        if name and not item.get("email_raw"):
            found = self.by_name.get(name, set())
            if len(found) == 1:
                return next(iter(found)), ""
            if len(found) > 1:
                return None, f"name {item.get('name')!r} matches {len(found)} people in the roster; give an email"
            return None, f"no email, and name {item.get('name')!r} is not in the roster"
        if item.get("email_raw"):
            return None, f"not an email address: {item.get('email_raw')!r}"
        if learner_id:
            return None, f"account {learner_id!r} is not a staff id in the roster and there is no email"
        return None, "the record names no learner (no email, account or name)"


# ----------------------------------------------------------------------------- importing


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
        self.records: dict[str, dict[str, Any]] = {}
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
            keys = list(batch.records)
            if conn.dialect.name == "sqlite":
                added = insert_new_sqlite(conn, list(batch.records.values()))
            else:
                existing = _in_chunks(conn, records.c.key, keys)
                rows = [r for k, r in batch.records.items() if k not in existing]
                if rows:
                    insert_rows(conn, rows)
                added = len(rows)
            summary.new += added
            summary.duplicate += len(keys) - added
            if self.has_quarantine:
                conn.execute(delete(quarantine).where(quarantine.c.key.in_(keys)))
        if batch.voids:
            targets = list(batch.voids)
            existing = _in_chunks(conn, voids.c.target, targets)
            rows = [r for t, r in batch.voids.items() if t not in existing]
            if rows:
                conn.execute(insert(voids), rows)
            summary.voided += len(rows)
            summary.duplicate += len(existing)
        if batch.quarantine:
            keys = list(batch.quarantine)
            existing = _in_chunks(conn, quarantine.c.key, keys)
            rows = [r for k, r in batch.quarantine.items() if k not in existing]
            if rows:
                conn.execute(insert(quarantine), rows)
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
        result = self.conn.execute(
            update(records)
            .where(records.c.voided.is_(False), records.c.key.in_(select(voids.c.target)))
            .values(voided=True)
        )
        return result.rowcount or 0


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
    on_batch: Callable[[str, int], None] | None = None,
) -> ImportSummary:
    """Import every file in one transaction. RecordError (store unchanged) on any unreadable row."""
    from citycourse.records.detect import detect, reader_for

    problems: list[Problem] = []
    plan: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_file():
            problems.append(Problem(str(path), "no such file"))
            continue
        try:
            plan.append((path, detect(path) if fmt == "auto" else fmt))
        except RowError as exc:
            problems.append(Problem(str(path), exc.message, line=exc.line, hint=exc.hint))
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read: {exc.strerror or exc}"))
    if problems:
        raise RecordError(f"{len(problems)} file(s) cannot be imported; nothing was stored", problems=problems)
    summary = ImportSummary(dry_run=dry_run)
    context = {"city": city}
    with store.engine.connect() as conn:
        transaction = conn.begin()
        try:
            importer = Importer(conn, module_titles, city)
            for path, file_fmt in _order(plan):
                file_summary = FileSummary(str(path), file_fmt)
                summary.files.append(file_summary)
                source = str(path)[-500:]
                batch = _Batch()
                try:
                    for item in reader_for(file_fmt)(path, context):
                        if problems:
                            continue  # keep checking the file, store nothing
                        importer.add(batch, file_summary, item, source, file_fmt)
                        if batch.size >= BATCH:
                            importer.flush(batch, file_summary)
                            if on_batch:
                                on_batch(str(path), file_summary.read)
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
                conn.execute(insert(imports).values(at=_now(), summary=json.dumps(summary.to_dict())))
                transaction.commit()
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    return summary


# ----------------------------------------------------------------------------- mappings


def add_mapping(store: Store, label: str, module_id: str) -> None:
    ref = normalise_text(label)
    with store.engine.begin() as conn:
        conn.execute(delete(mappings).where(mappings.c.ref == ref))
        conn.execute(insert(mappings).values(ref=ref, label=label, module_id=module_id))


def remove_mapping(store: Store, label: str) -> bool:
    with store.engine.begin() as conn:
        return (conn.execute(delete(mappings).where(mappings.c.ref == normalise_text(label))).rowcount or 0) > 0


def list_mappings(store: Store) -> list[dict[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(mappings.c.label, mappings.c.module_id).order_by(mappings.c.ref))
        return [{"title": r.label, "module": r.module_id} for r in rows]


# ----------------------------------------------------------------------------- quarantine


def list_quarantine(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        query = select(quarantine).order_by(quarantine.c.source, quarantine.c.line, quarantine.c.key)
        if limit:
            query = query.limit(limit)
        out = []
        for r in conn.execute(query):
            payload = json.loads(r.payload)
            out.append({
                "file": r.source, "line": r.line, "format": r.format, "reason": r.reason,
                "learner": payload.get("email") or payload.get("name") or payload.get("learner_id"),
                "module": next((x for x in payload.get("refs", []) if x), ""),
            })
        return out


def retry_quarantine(store: Store, module_titles: dict[str, str]) -> tuple[int, int]:
    """Match quarantined rows again (after `records map`); (released, still quarantined)."""
    released = 0
    with store.engine.begin() as conn:
        importer = Importer(conn, module_titles, None)
        rows = list(conn.execute(select(quarantine)))
        keep: list[tuple[int, str]] = []
        batch: dict[str, dict[str, Any]] = {}
        done: list[int] = []
        for r in rows:
            item = json.loads(r.payload)
            row, reason = importer.match(item, r.source, r.format, r.city)
            if row is None and reason:
                keep.append((r.id, reason))
                continue
            done.append(r.id)
            if row is not None:
                batch[row[0]] = row
        if batch:
            existing = _in_chunks(conn, records.c.key, list(batch))
            new = [v for k, v in batch.items() if k not in existing]
            if new:
                insert_rows(conn, new)
            released = len(batch)
        for i in range(0, len(done), BATCH):
            conn.execute(delete(quarantine).where(quarantine.c.id.in_(done[i : i + BATCH])))
        for row_id, reason in keep:
            conn.execute(update(quarantine).where(quarantine.c.id == row_id).values(reason=reason))
        importer.apply_voids()
    return released, len(keep)


# ----------------------------------------------------------------------------- queries for reports


def city_learners(conn: Connection, city: str) -> Iterator[Any]:
    """Everyone in the city's roster, plus anyone with records imported for the city."""
    in_roster = select(learners.c.email, learners.c.name, learners.c.role).where(learners.c.city == city)
    yield from conn.execute(in_roster)
    extra = (
        select(records.c.email).where(records.c.city == city, records.c.voided.is_(False))
        .where(records.c.email.not_in(select(learners.c.email).where(learners.c.city == city)))
        .distinct()
    )
    names = {r.email: r for r in conn.execute(select(learners.c.email, learners.c.name, learners.c.role))}
    for (email,) in conn.execute(extra):
        known = names.get(email)
        yield known if known is not None else _Person(email, None, None)


@dataclass(frozen=True)
class _Person:
    email: str
    name: str | None
    role: str | None


def evidence(conn: Connection, city: str) -> Iterator[Any]:
    """Per (learner, module): completed?, best score, unscored pass?, any fail?, attempts — non-voided only."""
    from sqlalchemy import case, or_

    who = or_(records.c.city == city, records.c.email.in_(select(learners.c.email).where(learners.c.city == city)))
    completed = func.max(case(
        (or_(records.c.verb.in_(["completed", "attended"]), records.c.completion.is_(True)), 1), else_=0))
    passed_unscored = func.max(case((records.c.success.is_(True) & records.c.score.is_(None), 1), else_=0))
    failed = func.max(case((records.c.success.is_(False), 1), else_=0))
    query = (
        select(
            records.c.email, records.c.module_id, completed.label("completed"),
            func.max(records.c.score).label("best_score"), passed_unscored.label("passed_unscored"),
            failed.label("failed"), func.count().label("records"), func.max(records.c.timestamp).label("last"),
        )
        .where(records.c.voided.is_(False), who)
        .group_by(records.c.email, records.c.module_id)
    )
    yield from conn.execute(query)
