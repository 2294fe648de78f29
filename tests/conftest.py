"""Shared fixtures. Real components only: real files, real MkDocs, real Chromium, real databases.

Tests that need a service this machine lacks (Chromium, PostgreSQL) skip with
a reason on a laptop; with CITYCOURSE_REQUIRE_SERVICES=1 (set by .ci/run) the
same situation is a failure, so CI never silently skips them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("CITYCOURSE_REQUIRE_SERVICES") == "1"


def require_service(available: bool, reason: str) -> None:
    """Skip (laptop) or fail (CI) when a real service is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CITYCOURSE_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in a given folder: invoke(["validate"], cwd=path)."""
    from citycourse.app import app

    def run(args: list[str], cwd: Path | None = None, **kwargs):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return runner.invoke(app, args, catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped project (modules, curricula, references, mkdocs.yml) in a temp folder."""
    target = tmp_path / "project"
    return copy_shipped_project(target)


def copy_shipped_project(target: Path, *extra: str) -> Path:
    """The shipped modules, curricula, references (and `extra` folders) and mkdocs.yml, copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("modules", "curricula", "references", *extra):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, driven by Playwright (one per test module)."""
    require_service(CHROMIUM.exists(), "chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
