"""Where the record store is, worked out without importing SQLAlchemy.

Kept apart from `store` so that cheap callers (the site's no-change rebuild
check) can locate the store without paying for the database libraries.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_STORE = "CITYCOURSE_STORE"


def normalise_url(url: str) -> str:
    """`postgresql://` → psycopg 3 driver; a bare path → a SQLite file URL."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" in url:
        return url
    return "sqlite:///" + str(Path(url).expanduser().resolve())


def default_url(project_root: Path | None) -> str | None:
    """`--store` default: $CITYCOURSE_STORE, else `<project>/.citycourse/records.db`."""
    env = os.environ.get(ENV_STORE)
    if env:
        return env
    if project_root is None:
        return None
    return str(project_root / ".citycourse" / "records.db")


def sqlite_missing(url: str) -> bool:
    """True for a SQLite URL whose file does not exist (reading it would only create it)."""
    full = normalise_url(url)
    if not full.startswith("sqlite:///"):
        return False
    path = full[len("sqlite:///"):]
    return path not in ("", ":memory:") and not Path(path).exists()
