"""Keep the benchmark scripts working: tiny sizes, and only the RESULT line's shape is checked.

No timing is asserted here (timing belongs in benchmarks/, not in the tests).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
RESULT = re.compile(r"^RESULT (\w+) ratio=\d+\.\d\d citycourse_s=[\d.]+ reference_s=[\d.]+ size=\d+")


@pytest.mark.parametrize(
    "script, args",
    [
        ("validate.py", ["--size", "30", "--rounds", "1"]),
        ("plan.py", ["--size", "40", "--cities", "3"]),
        ("import_xapi.py", ["--size", "300"]),
        ("reimport.py", ["--size", "300"]),
        ("progress.py", ["--size", "200", "--rounds", "1", "--no-scale"]),
        ("startup.py", ["--rounds", "1"]),
        ("build.py", ["--size", "5", "--rounds", "1", "--edit"]),
    ],
)
def test_benchmark_script_prints_a_result_line(script: str, args: list[str]) -> None:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=BENCH, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    assert RESULT.match(last), last
    assert last.split()[1] == script.removesuffix(".py")
