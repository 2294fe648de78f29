"""One city site: `citycourse build` vs a bare `mkdocs build` of the same generated docs and config.

Each round is a full build (the output folder is deleted first); from the second round on the
parse cache and the rendered-page cache are warm, as they are for a trainer rebuilding after an
edit (`--edit` changes one module's text before every round, so that page is rendered again).
Besides wall time it reports CPU time (user + system of the child process), which a shared,
busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import CITYCOURSE, make_project, median, result


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=100, help="generated modules")
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--edit", action="store_true", help="edit one module's text before each round")
args = parser.parse_args()
with tempfile.TemporaryDirectory() as tmp:
    project = make_project(Path(tmp) / "p", args.size)
    build = [*CITYCOURSE, "build", "bench", "--city", "puerto-alon", "--allow-over-budget", "--out", str(Path(tmp) / "out")]
    # Keep one generated docs folder + config for the reference (the same input MkDocs sees).
    from citycourse.loading import Project, load_project
    from citycourse.references import site_facts
    from citycourse.render.site import prepare
    from citycourse.tailor import tailor
    import yaml

    lib = load_project(Project(project))
    plan = tailor(lib.curricula["bench"], lib.cities["puerto-alon"], lib.modules, allow_over_budget=True)
    job = prepare(plan, base_config=project / "mkdocs.yml", out=Path(tmp) / "x", facts=site_facts(lib))
    ref = Path(tmp) / "ref"
    for rel, data in job.files.items():
        (ref / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (ref / "docs" / rel).write_bytes(data)
    (ref / "mkdocs.yml").write_text(yaml.safe_dump({"INHERIT": job.base_config, **job.config}, allow_unicode=True), encoding="utf-8")
    ours, theirs = [], []
    edited = project / "modules" / "gen-00000.yaml"
    for n in range(args.rounds):
        if args.edit:  # a trainer's edit to one lesson's text
            data = yaml.safe_load(edited.read_text(encoding="utf-8"))
            data["lessons"][0]["body"] += f"\n\nEdited before round {n + 1}."
            edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        shutil.rmtree(Path(tmp) / "out", ignore_errors=True)  # a full build each round
        ours.append(timed(build, project))
        theirs.append(timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], ref))
    o, r = median([w for w, _ in ours]), median([w for w, _ in theirs])
    oc, rc = median([c for _, c in ours]), median([c for _, c in theirs])
    print(f"rounds (citycourse/mkdocs wall s): {', '.join(f'{a[0]:.2f}/{b[0]:.2f}' for a, b in zip(ours, theirs))}")
    print(f"cpu: citycourse {oc:.3f} s, mkdocs {rc:.3f} s, ratio {oc / rc:.2f}")
    result("build", o / r, o, r, args.size)
