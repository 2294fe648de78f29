"""`build --all` for 8 cities: --jobs 2 vs --jobs 1 (ratio = speed-up, goal ≥ 1.7)."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _common import CITYCOURSE, make_project, median, result, timed

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=100, help="generated modules per city site")
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
with tempfile.TemporaryDirectory() as tmp:
    project = make_project(Path(tmp) / "p", args.size, cities=9)  # bench-1 … bench-8
    for city_file in (project / "curricula" / "cities").glob("*.yaml"):
        if not city_file.stem.startswith("bench-"):
            city_file.unlink()  # eight comparable cities, so the speed-up measures parallelism
    out = Path(tmp) / "out"
    base = [*CITYCOURSE, "build", "bench", "--all", "--allow-over-budget", "--out", str(out)]
    one, two = [], []
    for _ in range(args.rounds):
        shutil.rmtree(out, ignore_errors=True)
        one.append(timed([*base, "--jobs", "1"], project))
        shutil.rmtree(out, ignore_errors=True)
        two.append(timed([*base, "--jobs", "2"], project))
    a, b = median(two), median(one)
    result("build_all", b / a, a, b, 8)
