"""The programme view across cities: hand-worked figures, counts only, no names or emails anywhere."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from conftest import REPO, write
from test_competencies import tiny  # noqa: F401 - the hand-sized project fixture


def _records(invoke, root: Path) -> None:
    """Three planners on the roster; two attended the one required module (attendance counts as done)."""
    roster = write(root / "in" / "roster.csv", "Email;Name;Role;City\n"
                   "ana@st.example.org;Ana Reyes;planner;sample-town\n"
                   "ben@st.example.org;Ben Cruz;planner;sample-town\n"
                   "cho@st.example.org;Cho Lim;planner;sample-town\n")
    attendance = write(root / "in" / "attendance.csv", "Date;Name;Session;Present\n"
                       "02.03.2026;Ana Reyes;What a smart city is, and what it is not;yes\n"
                       "02.03.2026;Ben Cruz;What a smart city is, and what it is not;yes\n"
                       "02.03.2026;Cho Lim;What a smart city is, and what it is not;no\n")
    result = invoke(["records", "import", str(roster), str(attendance), "--city", "sample-town"], cwd=root)
    assert result.exit_code == 0, result.output


def test_programme_worked_by_hand(invoke, tiny):  # noqa: F811
    """sample-town: planner 12 staff, plan 2 h, 1 of 3 needed competencies met, 3 learners, 2 complete
    (2 of 12 staff = 16.7 %); frontline staff 40, 1 of 1 met, nobody with records (0 of 40 = 0 %)."""
    _records(invoke, tiny)
    result = invoke(["programme", "-f", "json"], cwd=tiny)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {"rows": 2, "cities": 1, "staff": 52, "track_complete": 2}
    rows = [(r["role"], r["staff"], r["plan_hours"], r["competencies_needed"], r["competencies_met"], r["coverage_percent"],
             r["learners"], r["track_complete"], r["completion_percent_of_staff"]) for r in data["rows"]]
    assert rows == [("planner", 12, 2.0, 3, 1, 33.3, 3, 2, 16.7), ("frontline-staff", 40, 2.0, 1, 1, 100.0, 0, 0, 0.0)]
    table = list(csv.reader(io.StringIO(invoke(["programme", "-f", "csv"], cwd=tiny).stdout)))
    assert table[1] == ["starter", "sample-town", "planner", "12", "2", "3", "1", "33.3", "", "", "", "3", "2", "16.7"]
    page = invoke(["programme", "-f", "md"], cwd=tiny).stdout
    assert "| sample-town | planner | 12 | 2 | 1/3 | — | — | — | 3 | 2 | 16.7% |" in page
    assert 'aria-label="starter: needed competencies covered per city: sample-town 50%"' in page
    for text in (result.stdout, page, *(r[0] for r in table)):
        assert "@" not in text and "Ana" not in text and "Reyes" not in text


def test_programme_without_records_or_survey_shows_coverage_only(invoke):
    result = invoke(["programme", "--curriculum", "smart-city-foundations", "-f", "json", "-C", str(REPO),
                     "--store", "sqlite:////nonexistent/records.db"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    cities = {p.stem for p in (REPO / "curricula" / "cities").glob("*.yaml")}
    assert {r["city"] for r in rows} == cities
    assert all(r["learners"] is None and r["survey_respondents"] is None for r in rows)
    assert all(0 <= r["competencies_met"] <= r["competencies_needed"] for r in rows)


def test_no_names_or_emails_in_any_built_page(invoke, tiny, tmp_path):  # noqa: F811
    """With records (names, emails) in the store, the built site (progress and Competencies pages included)
    names nobody: only aggregate figures are published."""
    _records(invoke, tiny)
    out = tmp_path / "site"
    result = invoke(["build", "starter", "--city", "sample-town", "--out", str(out)], cwd=tiny)
    assert result.exit_code == 0, result.output
    site = out / "sample-town"
    assert (site / "coverage.html").is_file() and (site / "progress.html").is_file()
    coverage = (site / "coverage.html").read_text(encoding="utf-8")
    assert "Covered: 1 of 3 needed competencies." in coverage
    email = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for name in ("Ana Reyes", "Ben Cruz", "Cho Lim", "st.example.org"):
            assert name not in text, (page, name)
        assert not [m for m in email.findall(text) if m.endswith("st.example.org")], page
