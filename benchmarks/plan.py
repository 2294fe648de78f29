"""Planning time per city for 100 and 1,000 modules × 20 cities: does it grow linearly?"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import write_curriculum_and_cities, write_library  # noqa: E402

from citycourse.loading import Project, load_project  # noqa: E402
from citycourse.tailor import tailor  # noqa: E402


def per_city(size: int, cities: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ids = write_library(root, size)
        write_curriculum_and_cities(root, ids, cities)
        library = load_project(Project(root))
        assert not library.problems.errors, library.problems.errors[:3]
        curriculum = library.curricula["bench"]
        start = time.perf_counter()
        for city in library.cities.values():
            tailor(curriculum, city, library.modules, allow_over_budget=True)
        return (time.perf_counter() - start) / cities


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--cities", type=int, default=20)
    args = parser.parse_args()
    small = max(args.size // 10, 10)
    t_small = per_city(small, args.cities)
    t_big = per_city(args.size, args.cities)
    growth = t_big / t_small
    print(f"plan per city: {small} modules {t_small * 1000:.1f} ms, {args.size} modules {t_big * 1000:.1f} ms "
          f"(×{growth:.1f} for ×{args.size / small:.0f} modules)")
    print(f"RESULT plan ratio={growth:.2f} citycourse_s={t_big:.4f} reference_s={t_small:.4f} size={args.size}")


if __name__ == "__main__":
    main()
