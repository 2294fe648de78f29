"""Import the same xAPI file a second time: 0 new rows, and no slower than the first import.

    python benchmarks/reimport.py [--size 100000] [--rounds 3]

The reference is the first (full) import into a fresh store, in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _records_bench import CITYCOURSE, MODULES, child, generate, median  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    titles = json.dumps(MODULES)
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        tmpdir = Path(tmp)
        data = tmpdir / "statements.jsonl"
        generate(data, args.size)
        first, second = [], []
        for round_no in range(args.rounds):
            db = str(tmpdir / f"store{round_no}.db")
            a = child(CITYCOURSE, str(data), db, titles)
            b = child(CITYCOURSE, str(data), db, titles)
            if b["new"] != 0 or b["rows"] != args.size:
                raise SystemExit(f"re-import stored new rows: {b}")
            first.append(a["seconds"])
            second.append(b["seconds"])
            print(f"round {round_no + 1}: first {a['seconds']:.2f} s ({a['new']:,} new), "
                  f"again {b['seconds']:.2f} s ({b['new']} new, {b['duplicate']:,} duplicate)")
    c_med, r_med = median(second), median(first)
    print(f"RESULT reimport ratio={c_med / r_med:.2f} citycourse_s={c_med:.3f} reference_s={r_med:.3f} size={args.size} new_rows=0")


if __name__ == "__main__":
    main()
