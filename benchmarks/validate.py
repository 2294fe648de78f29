"""How long does validating N modules take, against a bare CSafeLoader load of the same files?"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import alternate, result  # noqa: E402
from gen import write_library  # noqa: E402

from citycourse.loading import Project, load_project  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_library(root, args.size)
        files = sorted(root.rglob("*.yaml"))  # modules, references and places: what validate reads

        def reference() -> None:
            for f in files:
                yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def run(use_cache: bool) -> None:
            library = load_project(Project(root), use_cache=use_cache)
            assert not library.problems.errors, library.problems.errors[:3]
            assert len(library.modules) == args.size

        run(True)  # warm imports (and the parse cache) once, outside the timing
        warm, _ = alternate(lambda: run(True), reference, args.rounds)
        mine, ref = alternate(lambda: run(False), reference, args.rounds)  # cold: every file parsed
        print(f"validate {args.size} modules: citycourse {mine:.3f}s cold, {warm:.3f}s with the parse cache; "
              f"bare CSafeLoader {ref:.3f}s")
        print(result("validate", mine, ref, args.size, warm_s=f"{warm:.4f}"))


if __name__ == "__main__":
    main()
