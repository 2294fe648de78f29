"""Shared by import_xapi.py and reimport.py: deterministic xAPI data and measured child processes."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import uuid
from pathlib import Path

MODULES = {f"module-{i:02d}": f"Module number {i}" for i in range(20)}


def generate(path: Path, size: int, seed: int = 20260301) -> int:
    """`size` xAPI 1.0.3 statements as JSON Lines (~480 bytes each); returns the file size in bytes."""
    rng = random.Random(seed)
    verbs = ["completed", "passed", "failed", "attended"]
    module_ids = list(MODULES)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(size):
            verb = rng.choice(verbs)
            learner = rng.randrange(50_000)
            module = rng.choice(module_ids)
            raw = rng.randrange(0, 11)
            statement = {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "actor": {"objectType": "Agent", "name": f"Learner {learner}", "mbox": f"mailto:learner{learner}@city.example.org"},
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
                "object": {
                    "objectType": "Activity",
                    "id": f"https://training.example.org/modules/{module}",
                    "definition": {"name": {"en-US": MODULES[module]}},
                },
                "result": {"score": {"raw": raw, "min": 0, "max": 10, "scaled": raw / 10}, "success": raw >= 7,
                           "completion": verb != "failed"},
                "timestamp": f"2026-0{1 + n % 9}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+07:00",
                "stored": f"2026-0{1 + n % 9}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:05Z",
                "version": "1.0.3",
            }
            handle.write(json.dumps(statement) + "\n")
    return path.stat().st_size


def child(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line; we add its own peak RSS (KB)."""
    wrapper = (
        "import json, resource, sys, time\n"
        "t0 = time.perf_counter()\n"
        f"{code}\n"
        "elapsed = time.perf_counter() - t0\n"
        "print(json.dumps({'seconds': elapsed, 'rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **OUT}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


REFERENCE = """
import sqlite3
db = sqlite3.connect(sys.argv[2])
db.execute('CREATE TABLE records (key TEXT, email TEXT, verb TEXT, object TEXT, score REAL, success INTEGER, completion INTEGER, timestamp TEXT)')
def rows():
    with open(sys.argv[1], encoding='utf-8') as f:
        for line in f:
            s = json.loads(line)
            r = s.get('result', {})
            yield (s['id'], s['actor']['mbox'], s['verb']['id'], s['object']['id'], r.get('score', {}).get('scaled'),
                   r.get('success'), r.get('completion'), s['timestamp'])
with db:
    db.executemany('INSERT INTO records VALUES (?,?,?,?,?,?,?,?)', rows())
OUT = {'rows': db.execute('SELECT count(*) FROM records').fetchone()[0]}
"""

CITYCOURSE = """
from pathlib import Path
from citycourse.store import import_files, open_store, records
titles = json.loads(sys.argv[3])
with open_store(sys.argv[2]) as store:
    summary = import_files(store, [Path(sys.argv[1])], titles, city='bench-city')
    OUT = {'new': summary.total('new'), 'duplicate': summary.total('duplicate'), 'rows': store.count(records)}
"""


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
