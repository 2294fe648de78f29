"""Streamed progress output equals the earlier in-memory computation; percent of staff never above 100.

`reference_progress` is the in-memory algorithm `report.compute` used before
progress moved into SQL and streaming (every learner and every evidence row
in dicts, then `json.dumps(indent=2)`), kept here as the oracle, written
against the store's typed API. The one deliberate change, the staff figure
(the larger of the profile's head-count and the roster), is applied to it too.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import write
from test_records_common import SAMPLES, make_project, module_titles, plan_for, store_url  # noqa: F401


def reference_progress(plan, store) -> dict:
    from citycourse.report import module_done

    city = plan.city.id
    move_on = plan.curriculum.completion.move_on
    role_plans = {r.role: r for r in plan.roles}
    people = {p.email: p for p in store.learners(city)}
    status: dict[str, dict[str, str]] = {}
    scores: dict[str, list[float]] = {}
    started: dict[str, set[str]] = {}
    for ev in store.evidence(city):
        module = plan.modules.get(ev.module_id)
        mark = module.assessment.pass_mark if module else 1.0
        passed = ev.passed_unscored or (ev.best_score is not None and ev.best_score >= mark - 1e-9)
        done = module_done(move_on, ev.completed, passed)
        status.setdefault(ev.email, {})[ev.module_id] = "complete" if done else "in-progress"
        started.setdefault(ev.module_id, set()).add(ev.email)
        if ev.best_score is not None:
            scores.setdefault(ev.module_id, []).append(ev.best_score)
    learners = []
    for email in sorted(people):
        person = people[email]
        role = person.role if person.role in role_plans else "(no role)"
        st = status.get(email, {})
        lp = {"email": email, "name": person.name or "", "role": role, "st": st,
              "rd": 0, "rt": 0, "ed": 0, "en": 0, "tc": False}
        rp = role_plans.get(role)
        if rp is not None:
            required = [p.id for p in rp.modules if p.category in ("required", "prerequisite")]
            electives = [m for m in plan.curriculum.tracks[role].electives if m not in required]
            lp["rt"] = len(required)
            lp["rd"] = sum(1 for m in required if st.get(m) == "complete")
            lp["en"] = min(rp.min_electives, sum(1 for p in rp.modules if p.category == "elective"))
            lp["ed"] = sum(1 for m in electives if st.get(m) == "complete")
            lp["tc"] = lp["rd"] == lp["rt"] and lp["ed"] >= lp["en"]
        total = lp["rt"] + lp["en"]
        lp["pct"] = round(100 * (lp["rd"] + min(lp["ed"], lp["en"])) / total, 1) if total else None
        learners.append(lp)

    def pct(a: int, b: int):
        return round(100 * a / b, 1) if b else None

    modules = []
    for mid in plan.module_ids:
        assigned = [lp for lp in learners if (lp["role"] in role_plans and mid in role_plans[lp["role"]].module_ids)
                    or (lp["role"] == "(no role)" and mid in lp["st"])]
        done = sum(1 for lp in assigned if lp["st"].get(mid) == "complete")
        sc = scores.get(mid, [])
        modules.append({"id": mid, "title": plan.modules[mid].title, "pass_mark": plan.modules[mid].assessment.pass_mark,
                        "learners": len(assigned), "started": len(started.get(mid, set())), "completed": done,
                        "percent": pct(done, len(assigned)),
                        "average_score": round(sum(sc) / len(sc), 3) if sc else None})
    roles = []
    for rp in plan.roles:
        members = [lp for lp in learners if lp["role"] == rp.role]
        complete = sum(1 for lp in members if lp["tc"])
        staff = max(rp.headcount, len(members))
        roles.append({"role": rp.role, "staff": staff, "staff_from": "roster" if len(members) > rp.headcount else "profile",
                      "learners": len(members), "track_complete": complete, "percent": pct(complete, len(members)),
                      "percent_of_staff": pct(complete, staff)})
    unassigned = [lp for lp in learners if lp["role"] == "(no role)"]
    if unassigned:
        roles.append({"role": "(no role)", "staff": None, "staff_from": None, "learners": len(unassigned),
                      "track_complete": 0, "percent": None, "percent_of_staff": None})
    return {
        "format": "citycourse-progress/1",
        "curriculum": {"id": plan.curriculum.id, "title": plan.curriculum.title, "move_on": move_on},
        "city": {"id": city, "name": plan.city.name},
        "totals": {"learners": len(learners), "track_complete": sum(1 for lp in learners if lp["tc"])},
        "learners": [{"email": lp["email"], "name": lp["name"], "role": lp["role"],
                      "required": {"done": lp["rd"], "of": lp["rt"]}, "electives": {"done": lp["ed"], "needed": lp["en"]},
                      "percent": lp["pct"], "track_complete": lp["tc"], "modules": dict(sorted(lp["st"].items()))}
                     for lp in learners],
        "modules": modules,
        "roles": roles,
    }


def _cell(value) -> str:
    text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def reference_csv(doc: dict, by: str) -> list[list[str]]:
    if by == "learner":
        head = ["email", "name", "role", "required", "electives", "percent", "track complete"]
        body = [[lp["email"], lp["name"], lp["role"], f"{lp['required']['done']}/{lp['required']['of']}",
                 f"{lp['electives']['done']}/{lp['electives']['needed']}", lp["percent"],
                 "yes" if lp["track_complete"] else "no"] for lp in doc["learners"]]
    elif by == "module":
        head = ["module", "title", "learners", "started", "completed", "percent", "average score"]
        body = [[m["id"], m["title"], m["learners"], m["started"], m["completed"], m["percent"], m["average_score"]]
                for m in doc["modules"]]
    else:
        head = ["role", "staff", "learners", "track complete", "percent", "percent of staff"]
        body = [[r["role"], r["staff"], r["learners"], r["track_complete"], r["percent"], r["percent_of_staff"]]
                for r in doc["roles"]]
    return [head] + [[_cell(c) for c in row] for row in body]


# three more IT officers who finish their track: five on the roster against a profile of two
EXTRA_ROSTER = ("email,name,role,city\n" + "".join(
    f"it{n}@testville.example.gov,IT {n},it-officer,testville\n" for n in range(3)))


def _extra_statements() -> str:
    lines = []
    for n in range(3):
        for k, module in enumerate(("intro-basics", "privacy")):
            lines.append(json.dumps({
                "id": f"00000000-0000-4000-8000-0000000009{n}{k}", "actor": {"mbox": f"mailto:it{n}@testville.example.gov"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": f"https://training.example.org/modules/{module}"},
                "result": {"completion": True, "success": True, "score": {"scaled": 0.95}},
                "timestamp": "2026-03-12T10:00:00Z"}))
    return "\n".join(lines) + "\n"


@pytest.fixture
def worked(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """The hand-worked example of test_records_import (every format) plus three IT officers and a stranger."""
    from citycourse.store import add_mapping, import_files, open_store, retry_quarantine

    root = make_project(tmp_path)
    exports = root.parent / "exports"
    write(exports / "more-staff.csv", EXTRA_ROSTER)
    write(exports / "more.jsonl", _extra_statements() + json.dumps({
        "id": "00000000-0000-4000-8000-000000000999", "actor": {"mbox": "mailto:visitor@elsewhere.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://training.example.org/modules/comms"}, "timestamp": "2026-03-12T10:00:00Z"}) + "\n")
    with open_store(store_url) as store:
        import_files(store, [exports / n for n in [*SAMPLES, "more-staff.csv", "more.jsonl"]], module_titles(root),
                     city="testville")
        add_mapping(store, "Welcome forum", "-")
        add_mapping(store, "open data QUIZ", "open-data")
        retry_quarantine(store, module_titles(root))
    monkeypatch.setenv("CITYCOURSE_STORE", store_url)
    return root, store_url


def test_streamed_json_and_csv_equal_the_in_memory_result(invoke, worked: tuple[Path, str]) -> None:
    from citycourse.store import open_store

    root, url = worked
    with open_store(url) as store:
        expected = reference_progress(plan_for(root), store)
    # spot checks worked out by hand, so the oracle itself is pinned
    assert expected["totals"] == {"learners": 9, "track_complete": 4}
    it = next(r for r in expected["roles"] if r["role"] == "it-officer")
    assert (it["staff"], it["learners"], it["track_complete"], it["percent_of_staff"]) == (5, 5, 4, 80.0)
    assert expected["roles"][-1]["role"] == "(no role)" and expected["roles"][-1]["learners"] == 1

    result = invoke(["progress", "--city", "testville", "--format", "json"], cwd=root)
    assert result.exit_code == 0, result.output
    assert result.stdout == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    for by in ("learner", "module", "role"):
        result = invoke(["progress", "--city", "testville", "--by", by, "--format", "csv"], cwd=root)
        assert list(csv.reader(io.StringIO(result.stdout))) == reference_csv(expected, by), by
    table = invoke(["progress", "--city", "testville", "--by", "learner"], cwd=root, terminal_width=200).stdout
    assert [line.split()[0] for line in table.splitlines()[3:] if line.strip()] == [
        lp["email"] for lp in expected["learners"]]


def test_percent_of_staff_uses_the_roster_when_it_outnumbers_the_profile(invoke, worked: tuple[Path, str]) -> None:
    root, _ = worked
    result = invoke(["progress", "--city", "testville", "--by", "role", "--format", "csv"], cwd=root)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1:] == [["planner", "3", "3", "0", "0", "0"], ["it-officer", "5", "5", "4", "80", "80"],
                        ["(no role)", "", "1", "0", "", ""]]
    assert all(float(r[5]) <= 100 for r in rows[1:] if r[5])
    assert ("warning: it-officer: the roster lists 5 people but Testville's profile counts 2 staff; "
            "percent of staff uses the roster's 5") in result.stderr.replace("\n", " ")


def test_streaming_reads_learners_one_at_a_time(worked: tuple[Path, str]) -> None:
    """The stream is a generator over the store, not a list: the first learner arrives before the last is read."""
    from citycourse.report import ProgressStream
    from citycourse.store import open_store

    root, url = worked
    with open_store(url) as store:
        stream = ProgressStream(plan_for(root), store)
        learners = stream.iter_learners()
        first = next(learners)
        assert first.email == "budi@testville.example.gov"
        assert stream._summary is None  # aggregates only once the pass is complete
        rest = list(learners)
        assert len(rest) == 8 and stream.totals == {"learners": 9, "track_complete": 4}


def test_site_page_notes_the_staff_figure_it_used(worked: tuple[Path, str]) -> None:
    from citycourse.report import site_progress_markdown

    root, url = worked
    page = site_progress_markdown(plan_for(root), url)
    assert page is not None
    assert "| IT officers | 5 | 5 | 4 | 80% | 80% |" in page
    assert "IT officers: the roster lists 5 people but the city profile counts 2 staff, so the share of staff" in page
    assert "9 learners have records or are on the roster; 4 of them have completed their track\\." in page
