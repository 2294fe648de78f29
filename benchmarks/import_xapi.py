"""Import N xAPI statements (JSON Lines) into a fresh SQLite store vs a bare json.loads + sqlite3 executemany.

    python benchmarks/import_xapi.py [--size 1000000] [--rounds 3]

Also reports peak RSS of the import at N and at N/10 (an import streams: RSS
must not grow with the file). The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _records_bench import CITYCOURSE, MODULES, REFERENCE, child, generate, median  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-rss-compare", action="store_true", help="skip the N/10 memory run")
    args = parser.parse_args()
    titles = json.dumps(MODULES)
    with tempfile.TemporaryDirectory(prefix="cc-bench-") as tmp:
        tmpdir = Path(tmp)
        data = tmpdir / "statements.jsonl"
        size_bytes = generate(data, args.size)
        print(f"generated {args.size:,} statements, {size_bytes / 1e6:.0f} MB")
        ours, ref, rss = [], [], []
        for round_no in range(args.rounds):
            r = child(REFERENCE, str(data), str(tmpdir / f"ref{round_no}.db"))
            c = child(CITYCOURSE, str(data), str(tmpdir / f"cc{round_no}.db"), titles)
            assert c["new"] == args.size and c["rows"] == args.size == r["rows"], (c, r)
            ref.append(r["seconds"])
            ours.append(c["seconds"])
            rss.append(c["rss_kb"])
            print(f"round {round_no + 1}: citycourse {c['seconds']:.2f} s (peak RSS {c['rss_kb'] / 1024:.0f} MB), "
                  f"reference {r['seconds']:.2f} s (peak RSS {r['rss_kb'] / 1024:.0f} MB)")
            (tmpdir / f"ref{round_no}.db").unlink()
            (tmpdir / f"cc{round_no}.db").unlink()
        peak = max(rss)
        if not args.no_rss_compare and args.size >= 10:
            small = tmpdir / "small.jsonl"
            generate(small, args.size // 10)
            s = child(CITYCOURSE, str(small), str(tmpdir / "small.db"), titles)
            print(f"peak RSS: {peak / 1024:.0f} MB at {args.size:,}; {s['rss_kb'] / 1024:.0f} MB at "
                  f"{args.size // 10:,}; ratio {peak / s['rss_kb']:.2f} (goal <= 2)")
        else:
            print(f"peak RSS: {peak / 1024:.0f} MB at {args.size:,}")
    c_med, r_med = median(ours), median(ref)
    print(f"RESULT import_xapi ratio={c_med / r_med:.2f} citycourse_s={c_med:.3f} reference_s={r_med:.3f} size={args.size}")


if __name__ == "__main__":
    main()
