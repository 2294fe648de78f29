"""`citycourse --help` wall time against `python -c pass` (goal: ≤ 0.25 s absolute)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import alternate, result  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("citycourse")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "citycourse"]

    def ours() -> None:
        subprocess.run([*cmd, "--help"], check=True, capture_output=True)

    def reference() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)

    mine, ref = alternate(ours, reference, args.rounds)
    print(f"citycourse --help {mine:.3f}s, python -c pass {ref:.3f}s (goal ≤ 0.25 s)")
    print(result("startup", mine, ref, 1, goal_met=mine <= 0.25))


if __name__ == "__main__":
    main()
