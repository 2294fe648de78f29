"""Site bytes at N and 10·N modules: bytes per module must stay within ±15 % (linear growth)."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import CITYCOURSE, make_project, result, timed

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=100)
args = parser.parse_args()


def site_bytes(n: int, tmp: Path) -> tuple[int, float]:
    project = make_project(tmp / f"p{n}", n)
    out = tmp / f"out{n}"
    seconds = timed([*CITYCOURSE, "build", "bench", "--city", "puerto-alon", "--allow-over-budget", "--out", str(out)], project)
    site = out / "puerto-alon"
    # Everything that grows with the course (pages, search index, sitemap); the theme's
    # assets/ folder is the same size for any site and is left out.
    files = [p for p in site.rglob("*") if p.is_file() and "assets" not in p.relative_to(site).parts]
    return sum(p.stat().st_size for p in files), seconds


with tempfile.TemporaryDirectory() as tmp:
    small, t1 = site_bytes(args.size, Path(tmp))
    large, t2 = site_bytes(args.size * 10, Path(tmp))
    per_small, per_large = small / args.size, large / (args.size * 10)
    print(f"site bytes without theme assets: {small:,} at {args.size} modules, {large:,} at {args.size * 10}")
    print(f"bytes per module: {per_small:.0f} at {args.size}, {per_large:.0f} at {args.size * 10} (goal: within ±15 %)")
    result("site_size", per_large / per_small, t2, t1, args.size * 10)
