"""`citycourse serve`: a real MkDocs dev server on loopback that follows edits to module files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8")


def wait_for(url: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{text!r} not served at {url} within {seconds}s; last response starts {last[:200]!r}")


@pytest.mark.slow
def test_serve_previews_and_follows_edits(project: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "citycourse", "serve", "smart-city-foundations", "--city", "puerto-alon",
         "--dev-addr", f"127.0.0.1:{port}", "-C", str(project)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/", "Puerto Alon", 60)
        page = f"{base}/modules/smart-city-basics.html"
        wait_for(page, "The six focus areas", 30)
        module = project / "modules" / "smart-city-basics.yaml"
        module.write_text(module.read_text(encoding="utf-8").replace("The six focus areas", "The six ASCN focus areas"), encoding="utf-8")
        wait_for(page, "The six ASCN focus areas", 45)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
