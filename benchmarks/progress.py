"""`progress --by learner --format json` for a city of N learners (~7 records each) vs a bare sqlite3 GROUP BY.

    python benchmarks/progress.py [--size 20000] [--rounds 3] [--no-scale]

Data: the shipped project (smart-city-foundations in Rimbanusa), a roster of
N learners spread over the plan's roles, and ~7 xAPI statements per learner
on their role's modules (completed / passed / failed, scores), imported once
into a fresh SQLite store (not timed). Then, alternately, in fresh processes:

- citycourse: `python -m citycourse progress --city rimbanusa --by learner --format json` (output to a file);
- reference: a minimal script: `sqlite3` GROUP BY (email, module_id) over the same records table,
  one JSON line per group written to a file.

Prints the medians, the ratio and each side's peak RSS; also runs 5×N (unless
--no-scale) to show growth. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import REPO, median  # noqa: E402

CURRICULUM, CITY = "smart-city-foundations", "rimbanusa"
VERBS = ("completed", "passed", "failed", "completed")

REFERENCE = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], 'w', encoding='utf-8') as out:
    for row in db.execute(
        "SELECT email, module_id, max(CASE WHEN verb IN ('completed','attended') OR completion = 1 THEN 1 ELSE 0 END), "
        "max(score), max(CASE WHEN success = 1 AND score IS NULL THEN 1 ELSE 0 END), count(*) "
        "FROM records WHERE voided = 0 GROUP BY email, module_id ORDER BY email, module_id"):
        out.write(json.dumps(row) + '\\n')
"""


def make_data(root: Path, learners: int, seed: int = 20261125) -> tuple[Path, Path]:
    """A copy of the shipped project and a store holding its roster and records; (project, store)."""
    import shutil

    from citycourse.loading import Project, load_project
    from citycourse.store import import_files, open_store
    from citycourse.tailor import tailor

    project = root / "project"
    for name in ("modules", "curricula", "references"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    library = load_project(Project(project))
    plan = tailor(library.curricula[CURRICULUM], library.cities[CITY], library.modules, allow_over_budget=True)
    rng = random.Random(seed)
    roles = [(r.role, r.module_ids) for r in plan.roles]
    weights = [r.headcount for r in plan.roles]
    roster, statements = root / "roster.csv", root / "statements.jsonl"
    with roster.open("w", encoding="utf-8", newline="") as rf, statements.open("w", encoding="utf-8") as sf:
        writer = csv.writer(rf)
        writer.writerow(["email", "name", "role", "city"])
        for n in range(learners):
            role, modules = rng.choices(roles, weights)[0]
            email = f"learner{n:06d}@rimbanusa.example.gov"
            writer.writerow([email, f"Learner {n}", role, CITY])
            for module_id in rng.sample(modules, min(len(modules), rng.randint(4, 10))):
                verb = rng.choice(VERBS)
                raw = rng.randrange(0, 11)
                sf.write(json.dumps({
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "actor": {"mbox": f"mailto:{email}"},
                    "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                    "object": {"id": f"https://training.example.org/modules/{module_id}"},
                    "result": {"score": {"scaled": raw / 10}, "success": verb != "failed" and raw >= 7,
                               "completion": verb == "completed"},
                    "timestamp": f"2026-0{1 + n % 9}-{1 + n % 28:02d}T08:00:00Z",
                }) + "\n")
    store = root / "records.db"
    titles = {mid: m.title for mid, m in library.modules.items()}
    with open_store(str(store)) as opened:
        summary = import_files(opened, [roster, statements], titles, city=CITY)
    print(f"{learners:,} learners, {summary.total('new') - learners:,} records imported")
    return project, store


def run(cmd: list[str], out: Path, cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak RSS in KB) of one child process writing its stdout to `out`."""
    start = time.perf_counter()
    with out.open("w") as handle:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=handle, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed:\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss


def measure(size: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cc-bench-progress-") as tmp:
        root = Path(tmp)
        # in a child process: a forked child's peak RSS would otherwise start at this process's size
        subprocess.run([sys.executable, __file__, "--make-data", str(root), "--size", str(size)], check=True)
        project, store = root / "project", root / "records.db"
        env = {**os.environ, "CITYCOURSE_STORE": str(store)}
        ours_cmd = [sys.executable, "-m", "citycourse", "progress", "--city", CITY, "--curriculum", CURRICULUM,
                    "--by", "learner", "--format", "json"]
        ref_cmd = [sys.executable, "-c", REFERENCE, str(store), str(root / "ref.jsonl")]
        ours, ref, ours_rss, ref_rss = [], [], [], []
        for n in range(rounds):
            r_s, r_kb = run(ref_cmd, root / "ref.out", project, env)
            c_s, c_kb = run(ours_cmd, root / "progress.json", project, env)
            ref.append(r_s)
            ours.append(c_s)
            ref_rss.append(r_kb)
            ours_rss.append(c_kb)
            print(f"  round {n + 1}: citycourse {c_s:.2f} s ({c_kb / 1024:.0f} MB peak), "
                  f"reference {r_s:.2f} s ({r_kb / 1024:.0f} MB peak)")
        data = json.loads((root / "progress.json").read_text(encoding="utf-8"))
        assert data["totals"]["learners"] == size, data["totals"]
        return {"ours": median(ours), "ref": median(ref), "ours_mb": max(ours_rss) / 1024,
                "ref_mb": max(ref_rss) / 1024, "bytes": (root / "progress.json").stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=20_000, help="learners")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-scale", action="store_true", help="skip the 5×size run")
    parser.add_argument("--make-data", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_data:
        make_data(Path(args.make_data), args.size)
        return
    sizes = [args.size] if args.no_scale else [args.size, args.size * 5]
    found = {}
    for size in sizes:
        print(f"size {size:,}:")
        m = found[size] = measure(size, args.rounds)
        print(f"  citycourse {m['ours']:.2f} s, {m['ours_mb']:.0f} MB peak ({m['bytes'] / 1e6:.1f} MB of JSON); "
              f"reference {m['ref']:.2f} s, {m['ref_mb']:.0f} MB peak; ratio {m['ours'] / m['ref']:.2f}")
    if len(sizes) == 2:
        small, large = found[sizes[0]], found[sizes[1]]
        print(f"growth for 5× learners: time ×{large['ours'] / small['ours']:.2f}, "
              f"peak RSS ×{large['ours_mb'] / small['ours_mb']:.2f}")
    m = found[args.size]
    print(f"RESULT progress ratio={m['ours'] / m['ref']:.2f} citycourse_s={m['ours']:.3f} "
          f"reference_s={m['ref']:.3f} size={args.size}")


if __name__ == "__main__":
    main()
