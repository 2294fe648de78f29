"""A cohort worked out by hand: a roster, a Moodle activity-completion export with teacher overrides
(one un-ticked box that still carries a date), a Google Forms quiz with US dates and a failed attempt
followed by a passing retake, a single-statement xAPI file naming the learner by LMS account, and a
StatementResult page whose voiding statement comes before the statement it voids.

Curriculum `test-course`, move_on completed-and-passed. Pass marks: intro-basics 0.7, data-basics 0.8,
privacy 0.6, open-data 0.5. Tracks: planner = intro-basics + data-basics required, 1 elective;
it-officer = intro-basics + privacy required.

By hand (status per module; absent = no evidence that counts):
- Lan (planner): intro-basics complete (Moodle: achieved pass grade); data-basics in progress (ticked by
  a teacher = completed, never passed); privacy in progress (quiz 9/10 passes, nothing completes it);
  open-data complete (xAPI, account lnguyen → roster Staff ID, completed with 0.9). Track: no.
- Budi (planner): intro-basics absent (the teacher un-ticked it: a date, but not evidence);
  data-basics complete (achieved pass grade). Track: no.
- Maria (it-officer): intro-basics complete; privacy complete (Moodle: completed, did not achieve pass
  grade; quiz 4/10 on 11/02 fails, retake 8/10 on 11/13 passes). Track: yes.
- Somchai (planner): intro-basics absent (voided); data-basics complete (xAPI, 0.85 ≥ 0.8). Track: no.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write
from test_records_common import make_project, store_url  # noqa: F401

ADL = "http://adlnet.gov/expapi/verbs/"

EXPECTED = {
    "lan@testville.example.gov": ({"intro-basics": "complete", "data-basics": "in-progress",
                                   "privacy": "in-progress", "open-data": "complete"}, False),
    "budi@testville.example.gov": ({"data-basics": "complete"}, False),
    "maria@testville.example.gov": ({"intro-basics": "complete", "privacy": "complete"}, True),
    "somchai@testville.example.gov": ({"data-basics": "complete"}, False),
}


def _exports(folder: Path) -> list[Path]:
    roster = write(folder / "staff.csv", "Email,Name,Role,Staff ID\n"
                   "lan@testville.example.gov,Nguyen Thi Lan,planner,lnguyen\n"
                   "BUDI@testville.example.gov,Budi Santoso,Planner,bsantoso\n"
                   "maria@testville.example.gov,Maria Santos,IT officer,msantos\n"
                   "somchai@testville.example.gov,Somchai Prasert,planner,sprasert\n")
    moodle = write(folder / "progress-testville.csv",
                   ",Email address,Smart city basics,,Data your city holds,,Privacy basics,\n"
                   'Nguyen Thi Lan,lan@testville.example.gov,Completed (achieved pass grade),"Monday, 9 March 2026, 10:15 AM",'
                   'Completed (set by Grace Lim),"Tuesday, 10 March 2026, 9:00 AM",Not completed,\n'
                   'Budi Santoso,budi@testville.example.gov,Not completed (set by Grace Lim),"Wednesday, 11 March 2026, 8:00 AM",'
                   'Completed (achieved pass grade),"Tuesday, 10 March 2026, 9:30 AM",Not completed,\n'
                   'Maria Santos,maria@testville.example.gov,Completed (achieved pass grade),"Monday, 9 March 2026, 11:00 AM",'
                   'Not completed,,Completed (did not achieve pass grade),"Thursday, 12 March 2026, 2:00 PM"\n'
                   "Somchai Prasert,somchai@testville.example.gov,Not completed,,Not completed,,Not completed,\n")
    quiz = write(folder / "Privacy basics (Responses).csv",
                 "Timestamp,Email Address,Score,Name\n"
                 "11/02/2026 9:14:03,maria@testville.example.gov,4 / 10,Maria Santos\n"
                 "11/13/2026 10:00:00,maria@testville.example.gov,8 / 10,Maria Santos\n"
                 "11/13/2026 11:00:00,lan@testville.example.gov,9 / 10,Nguyen Thi Lan\n")
    single = write(folder / "statement.json", json.dumps({
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.testville.example.gov", "name": "lnguyen"}},
        "verb": {"id": ADL + "completed", "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": "https://lms.testville.example.gov/course/open-data"},
        "result": {"completion": True, "score": {"scaled": 0.9}},
        "timestamp": "2026-03-20T08:30:00.250+07:00",
    }, indent=2))
    voided_id = "2f6d1e0a-7b54-4c3e-9f1a-8d2b6c4e5a71"
    page = write(folder / "lrs-page.json", json.dumps({"statements": [
        {"id": "c5a1b9e2-0d4f-4a8b-9e3c-1f2a3b4c5d6e", "actor": {"mbox": "mailto:lrs@testville.example.gov"},
         "verb": {"id": ADL + "voided"}, "object": {"objectType": "StatementRef", "id": voided_id},
         "stored": "2026-03-21T00:00:00Z"},
        {"id": voided_id, "actor": {"mbox": "mailto:somchai@testville.example.gov"},
         "verb": {"id": ADL + "passed"}, "object": {"id": "https://lms.testville.example.gov/course/intro-basics"},
         "result": {"success": True, "completion": True, "score": {"raw": 9, "min": 0, "max": 10}},
         "stored": "2026-03-20T00:00:00Z"},
        {"id": "0b7f3a2c-5d6e-4f70-8192-a3b4c5d6e7f8", "actor": {"mbox": "mailto:somchai@testville.example.gov"},
         "verb": {"id": ADL + "completed"}, "object": {"id": "https://lms.testville.example.gov/course/data-basics"},
         "result": {"completion": True, "score": {"scaled": 0.85}}},
    ], "more": ""}))
    return [roster, moodle, quiz, single, page]


def _progress(invoke, root: Path) -> dict:
    result = invoke(["progress", "--city", "testville", "--curriculum", "test-course", "--by", "learner",
                     "--format", "json"], cwd=root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return {p["email"]: (p["modules"], p["track_complete"]) for p in data["learners"]}


@pytest.mark.parametrize("order", ["given", "reversed", "one-file-at-a-time-reversed"])
def test_progress_equals_the_table_worked_out_by_hand(invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     store_url: str, order: str) -> None:  # noqa: F811
    monkeypatch.setenv("CITYCOURSE_STORE", store_url)
    root = make_project(tmp_path)
    files = _exports(tmp_path / "cohort")
    if order == "given":
        batches = [files]
    elif order == "reversed":
        batches = [files[::-1]]
    else:  # the roster first (it says who is who), then the rest one import at a time, last file first
        batches = [[files[0]], *[[f] for f in files[:0:-1]]]
    for batch in batches:
        result = invoke(["records", "import", *map(str, batch), "--city", "testville"], cwd=root)
        assert result.exit_code == 0, result.output
    assert _progress(invoke, root) == EXPECTED
    again = invoke(["records", "import", *map(str, files), "--city", "testville", "-o", "json"], cwd=root)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["totals"]["new"] == 0
    assert _progress(invoke, root) == EXPECTED


def test_the_summary_says_how_dates_were_read_and_why_rows_were_skipped(invoke, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       store_url: str) -> None:  # noqa: F811
    monkeypatch.setenv("CITYCOURSE_STORE", store_url)
    root = make_project(tmp_path)
    files = _exports(tmp_path / "cohort")
    result = invoke(["records", "import", *map(str, files), "--city", "testville"], cwd=root, terminal_width=200)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "column 'Timestamp' read month first (MM/DD/YYYY): line 3 has 11/13/2026" in out
    assert "skipped in progress-testville.csv: 7 not completed" in out
