"""Training needs drive the plan: none → byte-identical plans; a large gap → the module that closes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citycourse.loading import load_project
from citycourse.project import Project
from citycourse.tailor import tailor

REPO = Path(__file__).resolve().parents[1]


def _stripped(plan: dict) -> dict:
    for role in plan["roles"]:
        for module in role["modules"]:
            module.pop("title")
    plan["curriculum"].pop("title")
    plan["city"].pop("name")
    return plan


@pytest.fixture(scope="module")
def library():
    return load_project(Project(REPO), use_cache=False)


def test_without_responses_every_shipped_plan_is_unchanged(library):
    """Plans recorded before needs existed (tests/data/plans_before_needs.json), for every curriculum × city."""
    before = json.loads((REPO / "tests/data/plans_before_needs.json").read_text(encoding="utf-8"))
    assert len(before) == len(library.curricula) * len(library.cities) >= 10
    for key, expected in before.items():
        curriculum_id, city_id = key.split()
        city = library.cities[city_id]
        assert not (REPO / "needs" / f"{city_id}.yaml").exists()
        plan = tailor(library.curricula[curriculum_id], city, library.modules, allow_over_budget=True, needs=None)
        got = json.dumps(_stripped(plan.to_dict()), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert got == json.dumps(expected, ensure_ascii=False, sort_keys=True, separators=(",", ":")), key
        empty = tailor(library.curricula[curriculum_id], city, library.modules, allow_over_budget=True, needs={})
        assert empty.to_dict() == plan.to_dict()
