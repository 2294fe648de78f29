"""The store's tables and versioned migrations (SQLAlchemy Core, one schema for SQLite and PostgreSQL).

`schema_version` lists the migrations applied; `migrate()` applies the missing
ones in order, each in its own transaction. Append to MIGRATIONS; never edit
an applied one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection, Engine

from citycourse.errors import UsageError

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

# Issued credentials (citycourse.credentials): the facts a revocation list needs, without the person ...
credentials = Table(
    "credentials", metadata,
    Column("id", String(64), primary_key=True),  # urn:uuid:...
    Column("code", String(20), nullable=False, unique=True),  # the verification code printed on the page
    Column("status_index", Integer, nullable=False, unique=True),  # bit in the revocation list
    Column("city", String(64), nullable=False),
    Column("curriculum", String(64), nullable=False),
    Column("scope", String(16), nullable=False),  # track | module
    Column("achievement", String(200), nullable=False),  # role or module id
    Column("issued_at", String(32), nullable=False),
    Column("valid_until", String(32)),
    Column("revoked_at", String(32)),
    Column("revoke_reason", Text),
)
# ... and who holds each one: the only personal link, erased by `records forget`.
credential_holders = Table(
    "credential_holders", metadata,
    Column("credential_id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, index=True),
    Column("salt", String(64), nullable=False),  # of the identity hash in the credential
)
# What was done to personal data (forget, prune), never naming the person.
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
)
V2_TABLES = [credentials, credential_holders, audit]


def _migration_1(conn: Connection) -> None:
    metadata.create_all(conn, tables=V1_TABLES)


def _migration_2(conn: Connection) -> None:
    metadata.create_all(conn, tables=V2_TABLES)


#: (version, description, function). Append; never edit an applied migration.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "learners, records, voids, quarantine, mappings, imports", _migration_1),
    (2, "credentials, credential_holders, audit", _migration_2),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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
                conn.execute(insert(schema_version).values(version=version, applied_at=now()))
            current = version
    return current
