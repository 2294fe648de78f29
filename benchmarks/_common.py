"""Shared helpers for the site benchmarks: a generated project and timing."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CITYCOURSE = [sys.executable, "-m", "citycourse"]


def make_project(root: Path, modules: int, cities: int = 1) -> Path:
    """The shipped project plus `modules` generated modules (deterministic) in one elective pool."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("modules", "curricula", "references"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    template = yaml.safe_load((REPO / "modules" / "smart-city-basics.yaml").read_text(encoding="utf-8"))
    template.pop("translations", None)
    template.pop("glossary", None)  # a term is defined in one module only (the shipped one keeps it)
    ids = []
    for i in range(modules):
        m = dict(template, id=f"gen-{i:05d}", title=f"Generated module {i}", hours=0.5, prerequisites=[])
        m["lessons"] = [dict(template["lessons"][0], minutes=20)]
        m["activities"] = []
        m["assessment"] = dict(template["assessment"], minutes=5)
        (root / "modules" / f"gen-{i:05d}.yaml").write_text(yaml.safe_dump(m, allow_unicode=True), encoding="utf-8")
        ids.append(m["id"])
    cur = {"id": "bench", "title": "Benchmark", "description": "Generated.",
           "tracks": {"planner": {"required": ids, "electives": []}}}
    (root / "curricula" / "bench.yaml").write_text(yaml.safe_dump(cur), encoding="utf-8")
    city = yaml.safe_load((REPO / "curricula" / "cities" / "puerto-alon.yaml").read_text(encoding="utf-8"))
    city["hours_budget"] = 500
    city["digital_maturity"] = 5
    for n in range(1, cities):
        (root / "curricula" / "cities" / f"bench-{n}.yaml").write_text(
            yaml.safe_dump(dict(city, id=f"bench-{n}", name=f"Bench {n}"), allow_unicode=True), encoding="utf-8")
    return root


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def result(name: str, ratio: float, ours: float, ref: float, size: int) -> None:
    print(f"RESULT {name} ratio={ratio:.2f} citycourse_s={ours:.3f} reference_s={ref:.3f} size={size}")
