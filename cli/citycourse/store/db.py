"""Opening a store: the engine, its migrated schema, and the typed queries reports ask it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, func, select
from sqlalchemy.engine import Engine

from citycourse.errors import UsageError
from citycourse.store import queries
from citycourse.store.queries import Evidence, Learner, LearnerStatus, PassRule
from citycourse.store.schema import V1_TABLES, imports, learners, migrate, records, schema_version
from citycourse.store_location import normalise_url


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

    # -- the typed API reports use (see queries.py); iterators stream, sorted by email

    def learners(self, city: str) -> Iterator[Learner]:
        """Everyone on the city's roster, plus anyone with records imported for the city."""
        return queries.city_people(self.engine, city)

    def count_learners(self, city: str) -> int:
        return queries.count_people(self.engine, city)

    def evidence(self, city: str) -> Iterator[Evidence]:
        """Per (learner, module): what the city's non-voided records say, sorted by email then module."""
        return queries.evidence(self.engine, city)

    def statuses(self, city: str, rule: PassRule) -> Iterator[LearnerStatus]:
        """Each of `learners(city)` with their modules judged done or not by `rule`, in SQL."""
        return queries.statuses(self.engine, city, rule)

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


def _create_owner_only(path: Path) -> None:
    """A new SQLite file is created 0600: it holds personal data (SQLite gives its journals the same mode)."""
    import os

    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def open_store(url: str, *, create: bool = True) -> Store:
    full = normalise_url(url)
    if full.startswith("sqlite:///"):
        path = full[len("sqlite:///"):]
        if path and path != ":memory:":
            if not create and not Path(path).exists():
                raise UsageError(f"no records store at {path}", hint="import records first: citycourse records import FILES")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _create_owner_only(Path(path))
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
