"""Shared fixtures and helpers for the records tests (imported by the other test_records_* files).

`store_url` is parametrised over SQLite and a real PostgreSQL server. PostgreSQL
comes from CITYCOURSE_TEST_POSTGRES_URL (e.g.
postgresql+psycopg://citycourse:citycourse@127.0.0.1/citycourse_test); each
test gets a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

from conftest import require_service

DATA = Path(__file__).parent / "data" / "records"
PG_ENV = "CITYCOURSE_TEST_POSTGRES_URL"

SAMPLES = [
    "roster.csv",
    "xapi-statements.json",
    "xapi-page.json",
    "xapi-void.jsonl",
    "completion-testville-data.csv",
    "progress-testville.csv",
    "Testville-Public communication-grades.csv",
    "Open data quiz (Responses).csv",
    "attendance-week3.csv",
]


def make_project(tmp_path: Path) -> Path:
    """The small hand-built project (5 modules, one curriculum, Testville) plus the sample exports."""
    root = tmp_path / "proj"
    shutil.copytree(DATA / "project", root)
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in SAMPLES:
        shutil.copy(DATA / name, exports / name)
    return root


def module_titles(root: Path) -> dict[str, str]:
    from citycourse.loading import Project, load_project

    library = load_project(Project(root))
    return {mid: m.title for mid, m in library.modules.items()}


def plan_for(root: Path):
    from citycourse.loading import Project, load_project
    from citycourse.tailor import tailor

    library = load_project(Project(root))
    return tailor(library.curricula["test-course"], library.cities["testville"], library.modules)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield str(tmp_path / "store" / "records.db")
        return
    base = os.environ.get(PG_ENV)
    require_service(bool(base), f"PostgreSQL not configured: set {PG_ENV}")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        require_service(False, f"PostgreSQL at {PG_ENV} unreachable: {exc}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
