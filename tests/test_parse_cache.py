"""The per-file parse cache: same results warm as cold, and never stale."""

from __future__ import annotations

import json
from pathlib import Path

from citycourse.loading import Project, load_project
from citycourse.parse_cache import CACHE_FILE


def snapshot(library):
    return (
        {k: m.model_dump() for k, m in library.modules.items()},
        {k: c.model_dump() for k, c in library.curricula.items()},
        {k: c.model_dump() for k, c in library.cities.items()},
        [str(p) for p in library.problems.items],
    )


def test_warm_load_equals_cold_load(project: Path):
    cold = load_project(Project(project), use_cache=False)
    first = load_project(Project(project))
    assert (project / CACHE_FILE).exists()
    warm = load_project(Project(project))
    assert snapshot(cold) == snapshot(first) == snapshot(warm)


def test_edited_file_is_parsed_again_and_errors_are_cached_too(project: Path):
    load_project(Project(project))
    path = project / "modules" / "smart-city-basics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: foundation", "level: beginner"), encoding="utf-8")
    broken = load_project(Project(project))
    assert any(p.field == "level" for p in broken.problems.errors)
    again = load_project(Project(project))  # the error now comes from the cache, with its line
    assert [str(p) for p in again.problems.items] == [str(p) for p in broken.problems.items]
    assert any(p.line and p.field == "level" for p in again.problems.errors)


def test_corrupt_or_foreign_cache_is_ignored(project: Path):
    cache = project / CACHE_FILE
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json", encoding="utf-8")
    assert not load_project(Project(project)).problems.errors
    stored = json.loads(cache.read_text(encoding="utf-8"))
    stored["fingerprint"] = "another version"
    for entry in stored["files"].values():
        entry["data"] = None  # would make every file look invalid if it were trusted
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert not load_project(Project(project)).problems.errors
