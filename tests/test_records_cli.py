"""The records commands and `progress` as a user runs them (Typer's CliRunner), plus the site page."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pytest

from conftest import write
from test_records_common import SAMPLES, make_project, plan_for, store_url  # noqa: F401


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str) -> Path:
    monkeypatch.setenv("CITYCOURSE_STORE", store_url)
    return make_project(tmp_path)


def _files(root: Path) -> list[str]:
    return [str(root.parent / "exports" / n) for n in SAMPLES]


def test_import_quarantine_map_retry_progress(invoke, proj: Path) -> None:
    result = invoke(["records", "import", *_files(proj), "--city", "testville"], cwd=proj)
    assert result.exit_code == 1, result.output
    assert "3 row(s) quarantined" in result.output
    result = invoke(["records", "import", *_files(proj), "--city", "testville", "--allow-quarantine",
                     "--output", "json"], cwd=proj)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert summary["totals"]["new"] == 0 and summary["totals"]["quarantined"] == 3

    quarantined = json.loads(invoke(["records", "quarantine", "--format", "json"], cwd=proj).stdout)
    assert sorted(q["module"] for q in quarantined) == ["Open data quiz", "Welcome forum", "Welcome forum"]
    assert all("no module matches" in q["reason"] for q in quarantined)

    assert invoke(["records", "map", "Welcome forum", "--ignore"], cwd=proj).exit_code == 0
    assert invoke(["records", "map", "Open data quiz", "no-such-module"], cwd=proj).exit_code == 2
    assert invoke(["records", "map", "Open data quiz", "open-data"], cwd=proj).exit_code == 0
    listed = json.loads(invoke(["records", "map", "--format", "json"], cwd=proj).stdout)
    assert listed == [{"title": "Open data quiz", "module": "open-data"}, {"title": "Welcome forum", "module": "-"}]
    assert invoke(["records", "map", "Stray title", "--ignore"], cwd=proj).exit_code == 0
    assert invoke(["records", "map", "stray TITLE", "--remove"], cwd=proj).exit_code == 0  # case-insensitive
    assert invoke(["records", "map", "Stray title", "--remove"], cwd=proj).exit_code == 2
    result = invoke(["records", "quarantine", "--retry"], cwd=proj)
    assert result.exit_code == 0 and "0 still quarantined" in result.output

    data = json.loads(invoke(["progress", "--city", "testville", "--format", "json"], cwd=proj).stdout)
    assert data["format"] == "citycourse-progress/1"
    assert list(data) == ["format", "curriculum", "city", "totals", "learners", "modules", "roles"]
    assert data["totals"] == {"learners": 5, "track_complete": 1}
    maria = next(lp for lp in data["learners"] if lp["email"].startswith("maria@"))
    assert maria == {
        "email": "maria@testville.example.gov", "name": "Santos, Maria", "role": "it-officer",
        "required": {"done": 2, "of": 2}, "electives": {"done": 0, "needed": 0}, "percent": 100.0,
        "track_complete": True,
        "modules": {"intro-basics": "complete", "open-data": "in-progress", "privacy": "complete"},
    }
    budi = next(lp for lp in data["learners"] if lp["email"].startswith("budi@"))
    # the released form score (9/10 ≥ .5) is a pass, but completed-and-passed also needs a completion
    assert budi["modules"]["open-data"] == "in-progress"

    for by in ("learner", "module", "role"):
        for fmt in ("table", "csv", "md"):
            result = invoke(["progress", "--city", "testville", "--by", by, "--format", fmt], cwd=proj)
            assert result.exit_code == 0, result.output


def test_progress_csv_is_safe_against_formula_injection(invoke, proj: Path) -> None:
    exports = proj.parent / "exports"
    write(exports / "evil.csv", "Email,Name,Role,City\n"
          "eve@testville.example.gov,=HYPERLINK(\"http://x\"),planner,testville\n"
          "mal@testville.example.gov,+1+2,planner,testville\n"
          "at@testville.example.gov,@SUM(A1),planner,testville\n"
          "dash@testville.example.gov,-3,planner,testville\n")
    assert invoke(["records", "import", str(exports / "evil.csv")], cwd=proj).exit_code == 0
    out = invoke(["progress", "--city", "testville", "--format", "csv"], cwd=proj).stdout
    rows = list(csv.reader(io.StringIO(out)))
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["eve@testville.example.gov"] == "'=HYPERLINK(\"http://x\")"
    assert names["mal@testville.example.gov"] == "'+1+2"
    assert names["at@testville.example.gov"] == "'@SUM(A1)"
    assert names["dash@testville.example.gov"] == "'-3"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_dry_run_and_bad_file_exit_codes(invoke, proj: Path) -> None:
    exports = proj.parent / "exports"
    result = invoke(["records", "import", str(exports / "roster.csv"), "--dry-run"], cwd=proj)
    assert result.exit_code == 0 and "dry run" in result.output
    bad = write(exports / "bad.jsonl", "{\"id\": 1\n")
    result = invoke(["records", "import", str(bad)], cwd=proj)
    assert result.exit_code == 1
    assert "bad.jsonl:" in result.output and "nothing was stored" in result.output
    assert invoke(["records", "import", str(exports / "roster.csv"), "--city", "atlantis"], cwd=proj).exit_code == 2


def test_site_page_is_aggregate_unless_asked(tmp_path: Path, store_url: str) -> None:
    from citycourse.report import site_progress_markdown
    from citycourse.store import import_files, open_store
    from test_records_common import module_titles

    root = make_project(tmp_path)
    plan = plan_for(root)
    assert site_progress_markdown(plan, str(tmp_path / "none.db")) is None
    assert not (tmp_path / "none.db").exists()  # never created by the site build
    with open_store(store_url) as store:
        assert site_progress_markdown(plan, store_url) is None  # empty store
        import_files(store, [root.parent / "exports" / n for n in SAMPLES[:4]], module_titles(root), city="testville")
    page = site_progress_markdown(plan, store_url)
    assert page is not None and "| Planners | 3 | 3 | 0 | 0% | 0% |" in page and "(modules/intro-basics.md)" in page
    assert "@" not in page and "Santos" not in page and "Nguyen" not in page
    named = site_progress_markdown(plan, store_url, show_learners=True)
    assert named is not None and "maria@testville\\.example\\.gov" in named and "Santos, Maria" in named


def test_shipped_curriculum_end_to_end(invoke, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped content: first required module of a city's first role, completed and passed by one person."""
    from citycourse.loading import Project, load_project
    from citycourse.tailor import tailor

    monkeypatch.setenv("CITYCOURSE_STORE", str(tmp_path / "e2e.db"))
    library = load_project(Project(project))
    assert not library.problems.errors and library.cities and library.curricula
    cur_id = sorted(library.curricula)[0]
    city_id = sorted(library.cities)[0]
    plan = tailor(library.curricula[cur_id], library.cities[city_id], library.modules, allow_over_budget=True)
    role = plan.roles[0]
    module_id = role.modules[0].id
    write(tmp_path / "roster.csv", f"email,name,role,city\nstaff@city.example.org,Staff One,{role.role},{city_id}\n")
    statement = {
        "id": str(uuid.uuid4()), "actor": {"mbox": "mailto:staff@city.example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"https://courses.example.org/{city_id}/modules/{module_id}/"},
        "result": {"score": {"scaled": 1.0}, "success": True, "completion": True},
        "timestamp": "2026-01-10T08:00:00Z",
    }
    write(tmp_path / "s.json", json.dumps([statement]))
    result = invoke(["records", "import", str(tmp_path / "roster.csv"), str(tmp_path / "s.json"),
                     "--city", city_id], cwd=project)
    assert result.exit_code == 0, result.output
    result = invoke(["progress", "--city", city_id, "--curriculum", cur_id, "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.output
    [learner] = json.loads(result.stdout)["learners"]
    assert learner["modules"] == {module_id: "complete"} and learner["role"] == role.role


def test_default_store_is_in_the_project(invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITYCOURSE_STORE", raising=False)
    root = make_project(tmp_path)
    result = invoke(["records", "import", str(root.parent / "exports" / "roster.csv")], cwd=root)
    assert result.exit_code == 0, result.output
    assert (root / ".citycourse" / "records.db").is_file()
    result = invoke(["progress", "--city", "testville", "--by", "role", "--format", "csv"], cwd=root)
    assert result.stdout.splitlines()[1:] == ["planner,3,3,0,0,0", "it-officer,2,2,0,0,0"]


def test_certificates_only_for_completed_tracks(invoke, proj: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    exports = proj.parent / "exports"
    names = ["roster.csv", "xapi-statements.json", "xapi-page.json", "xapi-void.jsonl"]
    assert invoke(["records", "import", *(str(exports / n) for n in names), "--city", "testville"], cwd=proj).exit_code == 0
    out = tmp_path / "certs"
    monkeypatch.setenv("CITYCOURSE_KEYS", str(tmp_path / "keys"))
    assert invoke(["keys", "init", "--name", "Testville Training Unit"], cwd=proj).exit_code == 0
    result = invoke(["certificates", "--city", "testville", "--out", str(out)], cwd=proj)
    assert result.exit_code == 0 and "wrote 1 certificate(s)" in result.output, result.output
    [page] = sorted(out.glob("*.html"))
    assert page.name == "maria-testville-example-gov.html"
    text = page.read_text()
    assert "Santos, Maria" in text and "IT officers" in text and "Privacy basics" in text and "http" not in text
