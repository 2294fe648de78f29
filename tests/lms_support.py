"""Shared by the package tests: a copy of the shipped project, a package built by the CLI, a loopback HTTP
server on 127.0.0.1 (Python's http.server) and real headless Chromium."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from typer.testing import CliRunner

from conftest import CHROMIUM, CHROMIUM_ARGS as ARGS, REPO, require_service



def package(project: Path, out: Path, fmt: str, *extra: str, city: str = "puerto-alon") -> tuple[int, str]:
    from citycourse.app import app

    result = CliRunner().invoke(app, ["package", "smart-city-foundations", "--city", city, "--format", fmt,
                                      "--out", str(out), "-C", str(project), *extra], catch_exceptions=False)
    return result.exit_code, result.output


def unpack(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


@contextmanager
def serve(root: Path, handle: Callable[[SimpleHTTPRequestHandler, str], bool] | None = None) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (a free port); `handle(request, method)` may answer a request itself
    (return True) before files are looked up. Yields the base URL."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            if not (handle and handle(self, "GET")):
                super().do_GET()

        def do_POST(self) -> None:  # noqa: N802
            if not (handle and handle(self, "POST")):
                self.send_error(404)

        def do_PUT(self) -> None:  # noqa: N802
            if not (handle and handle(self, "PUT")):
                self.send_error(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    require_service(CHROMIUM.exists(), "chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def right_choices(module_id: str) -> list[int]:
    """The right choice of each choice question of a shipped module (from its English YAML)."""
    from citycourse.loading import load_file
    from citycourse.render.selfcheck import right_choice

    module, _, _ = load_file(REPO / "modules" / f"{module_id}.yaml", "module")
    assert module is not None
    return [right_choice(q) for q in module.assessment.questions if q.choices]


def answer_self_check(frame, module_id: str, indexes: list[int]) -> None:
    """Choose `indexes` in the module's self-check (a Playwright page or frame) and check the answers."""
    form = frame.locator(f"#cc-quiz-{module_id} form")
    for q, index in enumerate(indexes):
        form.locator("fieldset").nth(q).locator("input").nth(index).check()
    form.locator("button[type=submit]").click()
