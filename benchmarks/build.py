"""One city site: `citycourse build` vs a bare `mkdocs build` of the same generated docs and config.

Each round is a full build (the output folder is deleted first); from the second round on the
parse cache is warm, as it is for a trainer rebuilding after an edit.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import CITYCOURSE, make_project, median, result, timed

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=100, help="generated modules")
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
with tempfile.TemporaryDirectory() as tmp:
    project = make_project(Path(tmp) / "p", args.size)
    build = [*CITYCOURSE, "build", "bench", "--city", "puerto-alon", "--allow-over-budget", "--out", str(Path(tmp) / "out")]
    # Keep one generated docs folder + config for the reference (the same input MkDocs sees).
    from citycourse.loading import Project, load_project
    from citycourse.render.site import prepare
    from citycourse.tailor import tailor
    import yaml

    lib = load_project(Project(project))
    plan = tailor(lib.curricula["bench"], lib.cities["puerto-alon"], lib.modules, allow_over_budget=True)
    job = prepare(plan, base_config=project / "mkdocs.yml", out=Path(tmp) / "x")
    ref = Path(tmp) / "ref"
    for rel, data in job.files.items():
        (ref / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (ref / "docs" / rel).write_bytes(data)
    (ref / "mkdocs.yml").write_text(yaml.safe_dump({"INHERIT": job.base_config, **job.config}, allow_unicode=True), encoding="utf-8")
    ours, theirs = [], []
    for _ in range(args.rounds):
        shutil.rmtree(Path(tmp) / "out", ignore_errors=True)  # a full build each round
        ours.append(timed(build, project))
        theirs.append(timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], ref))
    o, r = median(ours), median(theirs)
    result("build", o / r, o, r, args.size)
