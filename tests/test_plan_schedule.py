"""`citycourse plan` and `citycourse schedule` on the shipped content, through the CLI."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar

REPO = Path(__file__).resolve().parent.parent
CITIES = sorted(p.stem for p in (REPO / "curricula" / "cities").glob("*.yaml"))
CURRICULA = sorted(p.stem for p in (REPO / "curricula").glob("*.yaml"))


@pytest.mark.parametrize("curriculum", CURRICULA)
def test_shipped_cities_get_pairwise_different_plans(invoke, project, curriculum):
    plans = {}
    for city in CITIES:
        result = invoke(["plan", curriculum, "--city", city, "--format", "json"], cwd=project)
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        plans[city] = {r["role"]: [m["id"] for m in r["modules"]] for r in payload["roles"]}
    for a, b in itertools.combinations(CITIES, 2):
        assert plans[a] != plans[b], f"{a} and {b} got the same plan"


def test_plan_json_is_byte_identical_across_runs(invoke, project):
    args = ["plan", "smart-city-foundations", "--city", CITIES[0], "--format", "json", "--explain"]
    first = invoke(args, cwd=project).output
    assert first == invoke(args, cwd=project).output


def test_plan_formats_and_explain(invoke, project):
    city = CITIES[0]
    table = invoke(["plan", "smart-city-foundations", "--city", city, "--explain"], cwd=project)
    assert table.exit_code == 0, table.output
    assert "every module considered" in table.output and "required by the curriculum" in table.output
    as_yaml = yaml.safe_load(invoke(["plan", "smart-city-foundations", "--city", city, "--format", "yaml"], cwd=project).stdout)
    assert as_yaml["format"] == "citycourse-plan/1" and as_yaml["city"]["id"] == city
    md = invoke(["plan", "smart-city-foundations", "--city", city, "--format", "md", "--explain"], cwd=project).stdout
    assert md.startswith("# ") and "| module | kept | why |" in md


def test_plan_accepts_paths_and_role_filter(invoke, project):
    result = invoke([
        "plan", str(project / "curricula" / "smart-city-foundations.yaml"),
        "--city", str(project / "curricula" / "cities" / f"{CITIES[0]}.yaml"),
        "--role", "frontline-staff", "--format", "json",
    ], cwd=project)
    assert result.exit_code == 0, result.output
    assert [r["role"] for r in json.loads(result.stdout)["roles"]] == ["frontline-staff"]


def test_unknown_city_is_a_usage_error(invoke, project):
    result = invoke(["plan", "smart-city-foundations", "--city", "atlantis"], cwd=project)
    assert result.exit_code == 2
    assert "unknown city 'atlantis'" in result.output and CITIES[0] in result.output


def test_required_over_budget_exits_1_with_numbers(invoke, project):
    path = project / "curricula" / "cities" / f"{CITIES[0]}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(path.read_text(encoding="utf-8").replace(f"hours_budget: {data['hours_budget']:g}", "hours_budget: 1", 1), encoding="utf-8")
    result = invoke(["plan", "smart-city-foundations", "--city", CITIES[0]], cwd=project)
    assert result.exit_code == 1, result.output
    assert "but the budget is 1 h" in result.output and "--allow-over-budget" in result.output
    allowed = invoke(["plan", "smart-city-foundations", "--city", CITIES[0], "--allow-over-budget"], cwd=project)
    assert allowed.exit_code == 0 and "warning:" in allowed.output


@pytest.mark.parametrize("city", CITIES)
def test_ics_parses_and_respects_holidays_and_session_length(invoke, project, tmp_path, city):
    from citycourse.loading import Project, load_project

    ics = tmp_path / f"{city}.ics"
    result = invoke(["schedule", "smart-city-foundations", "--city", city, "--ics", str(ics)], cwd=project)
    assert result.exit_code == 0, result.output
    profile = load_project(Project(project)).cities[city]
    holidays = {h.date for h in profile.holidays}
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    weekdays = {["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(d) for d in profile.session_days}
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start.date() not in holidays
        assert start.date() >= profile.start_date and start.weekday() in weekdays
        assert 0 < (end - start).total_seconds() / 60 <= profile.minutes_per_session
    assert len({str(e["uid"]) for e in events}) == len(events)
    again = tmp_path / "again.ics"
    invoke(["schedule", "smart-city-foundations", "--city", city, "--ics", str(again)], cwd=project)
    assert again.read_bytes() == ics.read_bytes()


def test_schedule_json_places_every_lesson_once(invoke, project):
    from citycourse.loading import Project, load_project

    result = invoke(["schedule", "smart-city-foundations", "--city", CITIES[0], "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.output
    sessions = json.loads(result.stdout)
    plan = json.loads(invoke(["plan", "smart-city-foundations", "--city", CITIES[0], "--format", "json"], cwd=project).stdout)
    modules = load_project(Project(project)).modules
    for role in plan["roles"]:
        placed = [(b["module"], b["title"]) for s in sessions[role["role"]] for b in s["blocks"] if b["kind"] == "lesson"]
        expected = [(m["id"], lesson.title) for m in role["modules"] for lesson in modules[m["id"]].lessons]
        assert [(m, t.split(" (part")[0]) for m, t in placed if "(part" not in t or "(part 1/" in t] == expected
