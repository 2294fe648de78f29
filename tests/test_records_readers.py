"""Readers, detection and the spreadsheet helpers, without a store."""

from __future__ import annotations

import codecs
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citycourse.records import RowError, normalise_email
from citycourse.records.csvio import CellError, parse_bool, parse_datetime, parse_score
from citycourse.records.detect import detect, reader_for
from citycourse.report import csv_safe
from test_records_common import DATA

UTC = dt.timezone.utc


@pytest.mark.parametrize("text,expected", [
    ("2026-03-14", dt.datetime(2026, 3, 14, tzinfo=UTC)),
    ("2026-03-14T10:15:00Z", dt.datetime(2026, 3, 14, 10, 15, tzinfo=UTC)),
    ("2026-03-14T17:15:00+07:00", dt.datetime(2026, 3, 14, 10, 15, tzinfo=UTC)),
    ("14/03/2026", dt.datetime(2026, 3, 14, tzinfo=UTC)),
    ("14.03.2026", dt.datetime(2026, 3, 14, tzinfo=UTC)),
    ("14/03/26, 10:15", dt.datetime(2026, 3, 14, 10, 15, tzinfo=UTC)),  # Moodle strftimedatetimeshort
    ("2026/03/14 10:15:00", dt.datetime(2026, 3, 14, 10, 15, tzinfo=UTC)),
    ("16 March 2026  10:20 PM", dt.datetime(2026, 3, 16, 22, 20, tzinfo=UTC)),  # Moodle quiz report
    ("Monday, 16 March 2026, 12:05 AM", dt.datetime(2026, 3, 16, 0, 5, tzinfo=UTC)),
    ("16 Mar 2026", dt.datetime(2026, 3, 16, tzinfo=UTC)),
])
def test_dates(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["03/14/2026", "31/02/2026", "yesterday", ""])
def test_bad_dates(text: str) -> None:
    with pytest.raises(CellError):
        parse_datetime(text)


@pytest.mark.parametrize("text,maximum,expected", [
    ("8 / 10", None, 0.8), ("8/10", None, 0.8), ("7,5 / 10", None, 0.75), ("80%", None, 0.8),
    ("0.8", None, 0.8), ("8.00", 10.0, 0.8), ("-", None, None), ("", None, None), ("45", None, 0.45),
])
def test_scores(text: str, maximum: float | None, expected: float | None) -> None:
    assert parse_score(text, maximum) == expected


@pytest.mark.parametrize("text", ["11 / 10", "abc", "250"])
def test_bad_scores(text: str) -> None:
    with pytest.raises(CellError):
        parse_score(text)


def test_booleans_and_emails() -> None:
    assert parse_bool("Present") and parse_bool("x") and not parse_bool("absent") and not parse_bool("")
    assert normalise_email(" MAILTO:Lan.Nguyen@City.GOV.vn ") == "lan.nguyen@city.gov.vn"
    assert normalise_email("not an email") is None


@given(st.text(max_size=20))
def test_csv_cells_never_start_a_formula(text: str) -> None:
    assert not csv_safe(text).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_safe(text).lstrip("'") == text.lstrip("'") or csv_safe(text) == "'" + text


def test_detection_uses_content_not_the_extension(tmp_path: Path) -> None:
    expected = {
        "roster.csv": "roster", "xapi-statements.json": "xapi", "xapi-page.json": "xapi",
        "xapi-void.jsonl": "xapi", "completion-testville-data.csv": "moodle-completion",
        "progress-testville.csv": "moodle-activity", "Testville-Public communication-grades.csv": "moodle-quiz",
        "Open data quiz (Responses).csv": "quiz-csv", "attendance-week3.csv": "attendance",
    }
    for i, (name, fmt) in enumerate(expected.items()):
        disguised = tmp_path / f"export{i}.txt"  # misleading extension
        shutil.copy(DATA / name, disguised)
        assert detect(disguised) == fmt, name


def test_moodle_excel_variant_is_utf16_tab_separated() -> None:
    raw = (DATA / "progress-testville.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE) and "\t".encode("utf-16-le") in raw
    items = list(reader_for("moodle-activity")(DATA / "progress-testville.csv", None))
    [done] = [i for i in items if i["kind"] == "record"]
    assert (done["email"], done["name"], done["refs"], done["verb"], done["timestamp"]) == (
        "maria@testville.example.gov", "Santos, Maria", ["Open data"], "completed", "2026-03-15T09:00:00Z")


def test_cp1252_attendance_and_semicolons() -> None:
    items = list(reader_for("attendance")(DATA / "attendance-week3.csv", None))
    names = [i.get("name") for i in items if i["kind"] == "record"]
    assert "Zoë Tan" in names and len(names) == 3


def test_quoted_newline_keeps_row_numbers() -> None:
    [item] = list(reader_for("quiz-csv")(DATA / "Open data quiz (Responses).csv", None))
    assert item["line"] == 3 and item["score"] == 0.9 and item["refs"][0] == "Open data quiz"


def test_moodle_completion_cells_and_dates() -> None:
    items = list(reader_for("moodle-completion")(DATA / "completion-testville-data.csv", None))
    records = [(i["email"].split("@")[0], i["refs"][0], i["verb"], i["success"]) for i in items if i["kind"] == "record"]
    assert records == [
        ("budi", "Data your city holds", "passed", True), ("budi", "Welcome forum", "completed", None),
        ("budi", "testville-data", "completed", None), ("somchai", "Welcome forum", "completed", None),
    ]


def test_moodle_quiz_grades_skip_unfinished_and_average() -> None:
    items = list(reader_for("moodle-quiz")(DATA / "Testville-Public communication-grades.csv", None))
    got = [(i["email"].split("@")[0], i["score"]) for i in items if i["kind"] == "record"]
    assert got == [("somchai", 0.8), ("lan", 0.6)]
    assert items[0]["refs"][0] == "Public communication"


def test_unknown_moodle_state_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("ID,Name,Email address,Quiz,Quiz - Completion date,Course complete\n1,A,a@b.org,Maybe,,\n")
    with pytest.raises(RowError) as info:
        list(reader_for("moodle-completion")(path, None))
    assert info.value.line == 2 and "Maybe" in info.value.message


def test_xapi_score_from_raw_and_statement_result_streaming(tmp_path: Path) -> None:
    items = list(reader_for("xapi")(DATA / "xapi-statements.json", None))
    scores = {i["key"][-2:]: i["score"] for i in items if i["kind"] == "record"}
    assert scores["04"] == 0.9 and scores["06"] == 0.5
    page = list(reader_for("xapi")(DATA / "xapi-page.json", None))
    assert [i["key"][-2:] for i in page] == ["08", "09", "12"]
    assert "https://training.example.org/modules/intro-basics" in page[0]["refs"]  # parent activity
