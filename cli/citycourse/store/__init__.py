"""The records store: SQLite (default `<project>/.citycourse/records.db`) or PostgreSQL.

One module per concern:

- `schema`: tables and versioned migrations;
- `db`: `open_store()` and `Store`, whose typed methods (`learners`,
  `evidence`, `statuses`) are what reports use;
- `matching`: which learner and module a record is about;
- `importer`: the one-transaction import (`import_files`) and its summaries;
- `mappings`, `quarantine`: title → module mappings and unmatched rows;
- `queries`: the SQL behind the typed methods (same on SQLite and PostgreSQL).

The names below are the package's public API; import them from `citycourse.store`.
"""

from __future__ import annotations

from citycourse.store.db import Store, open_store, redact
from citycourse.store.importer import FileSummary, ImportSummary, import_files
from citycourse.store.mappings import add_mapping, list_mappings, remove_mapping
from citycourse.store.quarantine import list_quarantine, retry_quarantine
from citycourse.store.queries import Evidence, Learner, LearnerStatus, MoveOn, PassRule
from citycourse.store.schema import (
    BATCH,
    IGNORE,
    MIGRATIONS,
    SCHEMA_VERSION,
    imports,
    learners,
    mappings,
    metadata,
    migrate,
    quarantine,
    records,
    voids,
)
from citycourse.store_location import ENV_STORE, default_url, normalise_url, sqlite_missing

__all__ = [
    "BATCH", "ENV_STORE", "IGNORE", "MIGRATIONS", "SCHEMA_VERSION", "Evidence", "FileSummary", "ImportSummary",
    "Learner", "LearnerStatus", "MoveOn", "PassRule", "Store", "add_mapping", "default_url",
    "import_files", "imports", "learners", "list_mappings", "list_quarantine", "mappings", "metadata", "migrate",
    "normalise_url", "open_store", "quarantine", "records", "redact", "remove_mapping", "retry_quarantine",
    "sqlite_missing", "voids",
]
