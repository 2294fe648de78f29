"""A second `citycourse build` with no input change vs the first (full) build."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _common import CITYCOURSE, make_project, median, result, timed

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=100)
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
with tempfile.TemporaryDirectory() as tmp:
    project = make_project(Path(tmp) / "p", args.size)
    out = Path(tmp) / "out"
    cmd = [*CITYCOURSE, "build", "bench", "--city", "puerto-alon", "--allow-over-budget", "--out", str(out)]
    full, again = [], []
    for _ in range(args.rounds):
        shutil.rmtree(out, ignore_errors=True)
        full.append(timed(cmd, project))
        again.append(timed(cmd, project))
    f, a = median(full), median(again)
    result("rebuild", a / f, a, f, args.size)
