"""The staff needs survey: questionnaire formats, import from Forms exports (CSV and .xlsx), counts only,
and a large surveyed gap that changes one role's plan with a reason citing the survey."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, write

CURRICULUM, CITY = "smart-city-foundations", "ben-may"


@pytest.fixture
def surveyed(project: Path) -> Path:
    shutil.copytree(REPO / "competencies", project / "competencies")
    return project


def questions(invoke, root: Path, *extra: str) -> dict:
    result = invoke(["survey", CURRICULUM, "--city", CITY, "-f", "json", *extra], cwd=root)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_survey_formats_agree(invoke, surveyed):
    data = questions(invoke, surveyed, "--role", "planner")
    needed = __import__("yaml").safe_load((REPO / "competencies/roles.yaml").read_text(encoding="utf-8"))["roles"]["planner"]
    assert {q["competency"] for q in data["questions"]} == set(needed)
    assert len(data["questions"]) == 2 * len(needed)
    current = [q for q in data["questions"] if q["kind"] == "current"]
    assert {(q["min"], q["max"]) for q in current} == {(0, 4)}
    assert {(q["min"], q["max"]) for q in data["questions"] if q["kind"] == "importance"} == {(1, 5)}
    sheet = invoke(["survey", CURRICULUM, "--city", CITY, "-f", "csv", "--role", "planner"], cwd=surveyed).stdout
    header = next(csv.reader(io.StringIO(sheet)))
    assert header == ["Timestamp", "Email address", "Role"] + [q["column"] for q in data["questions"]]
    page = invoke(["survey", CURRICULUM, "--city", CITY, "--role", "planner"], cwd=surveyed).stdout
    assert page.startswith("# Training needs survey: Thành phố Bến Mây")
    for q in data["questions"]:
        assert f"**{q['column']}**" in page
    everyone = questions(invoke, surveyed)
    assert set(everyone["roles"]) == {"department-head", "planner", "it-officer", "finance-officer", "frontline-staff",
                                      "community-liaison", "policy-adviser"}


def _answers(data: dict, role: str, low: dict[str, tuple[int, int]] | None = None) -> dict[str, int]:
    """A filled-in row: every needed competency at the needed level (importance 3) unless `low` says otherwise."""
    needs = __import__("yaml").safe_load((REPO / "competencies/roles.yaml").read_text(encoding="utf-8"))["roles"][role]
    row = {}
    for q in data["questions"]:
        if role not in q["roles"]:
            continue
        current, importance = (low or {}).get(q["competency"], (needs[q["competency"]], 3))
        row[q["column"]] = current if q["kind"] == "current" else importance
    return row


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_survey_round_trip_changes_the_planners_plan_as_the_method_says(invoke, surveyed, tmp_path):
    data = questions(invoke, surveyed)
    columns = [q["column"] for q in data["questions"]]
    header = ["Timestamp", "Email address", "Role", *columns, "Name"]
    baseline = json.loads(invoke(["plan", CURRICULUM, "--city", CITY, "-f", "json"], cwd=surveyed).stdout)
    planner_before = next(r for r in baseline["roles"] if r["role"] == "planner")
    assert "data-for-decisions" not in [m["id"] for m in planner_before["modules"]]

    rows = []
    # An earlier answer from planner 1, replaced by their later one below.
    first = _answers(data, "planner")
    rows.append(["2027-02-01 09:00:00", "p1@benmay.example.org", "Planners", *[first.get(c, "") for c in columns], "Lan Nguyen"])
    for n in range(1, 7):
        low = {"decide-with-evidence": (0, 5)} if n <= 5 else {"decide-with-evidence": (2, 4)}
        answers = _answers(data, "planner", low)
        rows.append([f"2027-02-02 09:0{n}:00", f"p{n}@benmay.example.org", "Planners" if n % 2 else "planner",
                     *[answers.get(c, "") for c in columns], f"Person {n}"])
    xlsx = write_xlsx(tmp_path / "Needs survey (Microsoft Forms).xlsx", header, rows)
    liaison = write(tmp_path / "liaison.csv", ",".join(f'"{h}"' for h in header) + "\n" + "".join(
        ",".join([f"2027-02-03 10:0{n}:00", f"l{n}@benmay.example.org", "Community liaison officers",
                  *[str(_answers(data, "community-liaison", {"engage-residents": (0, 5)}).get(c, "")) for c in columns],
                  f"Liaison {n}"]) + "\n" for n in (1, 2)))

    result = invoke(["needs", "import", str(xlsx), str(liaison), "--city", CITY], cwd=surveyed)
    assert result.exit_code == 0, result.output
    assert "responses per role: community-liaison 2, planner 6" in result.stdout
    assert "community liaison officers: 2 response(s), fewer than 3" in result.output
    stored = (surveyed / "needs" / f"{CITY}.yaml").read_text(encoding="utf-8")
    assert "@" not in stored and "Person" not in stored and "Lan" not in stored and "2027-02" not in stored

    report = json.loads(invoke(["needs", "--city", CITY, "-f", "json"], cwd=surveyed).stdout)
    assert report["roles"] == {"community-liaison": 2, "planner": 6}
    rows_by = {(n["role"], n["competency"]): n for n in report["needs"]}
    assert not any(role == "community-liaison" for role, _ in rows_by), "fewer than 3 answers are never reported"
    evidence = rows_by[("planner", "decide-with-evidence")]
    # Need 2; five people at 0 (gap 2, importance 5), one at 2 (gap 0, importance 4):
    # priority = (5 × 2 × 5) / (6 × 2 × 5) = 0.8333; mean importance = (5 × 5 + 4) / 6 = 4.83.
    assert (evidence["answered"], evidence["below_need"], evidence["large_gap"]) == (6, 5, 5)
    assert evidence["large_gap_percent"] == 83.3 and evidence["priority"] == 0.8333 and evidence["mean_importance"] == 4.83
    assert all(n["priority"] == 0 for key, n in rows_by.items() if key != ("planner", "decide-with-evidence"))

    after = json.loads(invoke(["plan", CURRICULUM, "--city", CITY, "-f", "json"], cwd=surveyed).stdout)
    planner = next(r for r in after["roles"] if r["role"] == "planner")
    chosen = next(m for m in planner["modules"] if m["id"] == "data-for-decisions")
    assert chosen["category"] == "elective"
    assert ("survey: 5 of 6 planners rated “Choose indicators, read dashboards and use the figures to make and explain "
            "decisions” two or more levels below what the role needs (survey priority 0.83)") in chosen["reason"]
    decision = next(d for d in planner["decisions"] if d["module"] == "data-for-decisions")
    assert decision["score"]["need"] == 0.8333
    assert planner["planned_hours"] <= planner["budget_hours"]
    # The other roles had no (or too few) answers: their plans are as before.
    for role in after["roles"]:
        if role["role"] != "planner":
            assert role == next(r for r in baseline["roles"] if r["role"] == role["role"])
    ignored = json.loads(invoke(["plan", CURRICULUM, "--city", CITY, "-f", "json", "--ignore-needs"], cwd=surveyed).stdout)
    assert ignored == baseline
    coverage = json.loads(invoke(["competencies", CURRICULUM, "--city", CITY, "--role", "planner", "-f", "json"], cwd=surveyed).stdout)
    reached = {c["competency"]: c["status"] for c in coverage["roles"][0]["competencies"]}
    assert reached["decide-with-evidence"] == "met"


def test_a_bad_answer_stores_nothing_and_names_the_row(invoke, surveyed, tmp_path):
    data = questions(invoke, surveyed, "--role", "planner")
    column = data["questions"][0]["column"]
    bad = write(tmp_path / "responses.csv", f'Timestamp,Email address,Role,"{column}"\n'
                f"2027-02-02,a@x.example,planner,7\n2027-02-02,b@x.example,mayor,1\n")
    result = invoke(["survey", "import", str(bad), "--city", CITY], cwd=surveyed)
    assert result.exit_code == 1
    assert "responses.csv:2: answer '7' is not a number from 0 to 4" in result.output
    assert "responses.csv:3: unknown role 'mayor'" in result.output
    assert not (surveyed / "needs").exists()


def test_needs_without_a_survey_says_what_to_run(invoke, surveyed):
    result = invoke(["needs", "--city", CITY], cwd=surveyed)
    assert result.exit_code == 2
    assert "has no survey results yet" in result.output


# ------------------------------------------------------------- knapsack and move-on, directly


def test_knapsack_prefers_two_small_electives_to_one_large_and_breaks_ties_by_id():
    from citycourse.tailor import Score, _knapsack

    def score(total: float, hours: float) -> Score:
        return Score(focus=total / 3, level=0, theme=0, hours=hours)

    scores = {"a-large": score(5, 3), "b-small": score(3, 2), "c-small": score(3, 2)}
    assert _knapsack(scores, 8) == ["b-small", "c-small"]  # 6 beats 5 within 4 h
    assert _knapsack(scores, 6) == ["a-large"]  # 3 h: only one fits; the large one is worth more
    tie = {"x": score(3, 2), "y": score(3, 2)}
    assert _knapsack(tie, 4) == ["x"]  # equal value, room for one: the smaller id
    assert _knapsack(scores, 0) == []


def test_surveyed_need_adds_its_weight_to_the_fit():
    from citycourse.tailor import NEEDS_WEIGHT, Score

    plain = Score(0.5, 1.0, 1.0, 2.0)
    needed = Score(0.5, 1.0, 1.0, 2.0, need=0.5, evidence="3 of 4 planners …")
    assert needed.total == round(plain.total + NEEDS_WEIGHT * 0.5, 4)
    assert "survey need 0.50×3" in needed.explain() and needed.explain().endswith("survey: 3 of 4 planners …")
    assert "survey" not in plain.explain()


@pytest.mark.parametrize(("move_on", "expected"), [
    ("completed", [False, True, False, True]),
    ("passed", [False, False, True, True]),
    ("completed-and-passed", [False, False, False, True]),
    ("completed-or-passed", [False, True, True, True]),
])
def test_move_on_rules(move_on, expected):
    from citycourse.report import module_done

    cases = [(False, False), (True, False), (False, True), (True, True)]
    assert [module_done(move_on, c, p) for c, p in cases] == expected
