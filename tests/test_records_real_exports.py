"""Tabular exports as real systems write them: US-locale dates, Moodle overrides and other languages,
Excel workbooks, Microsoft Forms quizzes. Files are written from the sources' formats
(Moodle report/progress/index.php and lang/en/completion.php; Google and Microsoft Forms downloads;
workbooks written with openpyxl)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from citycourse.records import RowError
from citycourse.records._common import locale_order
from citycourse.records.detect import detect, reader_for


def read_all(path: Path, **context: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    ctx: dict[str, Any] = dict(context)
    fmt = detect(path, ctx)
    return list(reader_for(fmt)(path, ctx)), ctx


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- dates

GOOGLE_US = """Timestamp,Email Address,Score,Name
11/12/2026 9:14:03,lan@x.example,8 / 10,Lan
11/13/2026 10:02:41,binh@x.example,9 / 10,Binh
"""


def test_google_forms_us_dates_are_read_month_first_from_the_whole_column(tmp_path: Path) -> None:
    rows, ctx = read_all(write(tmp_path / "Data quiz (Responses).csv", GOOGLE_US))
    assert [r["timestamp"] for r in rows] == ["2026-11-12T09:14:03Z", "2026-11-13T10:02:41Z"]
    assert "month first" in ctx["notes"][0] and "line 3 has 11/13/2026" in ctx["notes"][0]


def test_a_column_that_fits_both_orders_follows_the_option_then_the_city_locale(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", "Timestamp,Email Address,Score\n03/04/26 9:14:03,lan@x.example,8 / 10\n")
    rows, ctx = read_all(path)
    assert rows[0]["timestamp"] == "2026-04-03T09:14:03Z" and "day first is the common order" in ctx["notes"][0]
    rows, ctx = read_all(path, date_order="mdy")
    assert rows[0]["timestamp"] == "2026-03-04T09:14:03Z" and "--date-order" in ctx["notes"][0]
    rows, ctx = read_all(path, project_date_order="mdy")
    assert rows[0]["timestamp"] == "2026-03-04T09:14:03Z" and "project setting" in ctx["notes"][0]
    rows, ctx = read_all(path, locale="en_PH")
    assert rows[0]["timestamp"] == "2026-03-04T09:14:03Z" and "locale (en_PH)" in ctx["notes"][0]
    rows, _ = read_all(path, locale="vi_VN")
    assert rows[0]["timestamp"] == "2026-04-03T09:14:03Z"


def test_the_values_win_over_the_option(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", "Timestamp,Email Address,Score\n13/11/2026 9:00,lan@x.example,8 / 10\n")
    rows, ctx = read_all(path, date_order="mdy")
    assert rows[0]["timestamp"] == "2026-11-13T09:00:00Z"
    assert "--date-order mdy does not fit" in ctx["notes"][0]


def test_a_column_mixing_both_orders_is_refused_naming_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", "Timestamp,Email Address,Score\n13/11/2026,a@x.example,1 / 2\n"
                                     "11/14/2026,b@x.example,1 / 2\n")
    with pytest.raises(RowError) as info:
        read_all(path)
    assert "line 2: 13/11/2026" in info.value.message and "line 3: 11/14/2026" in info.value.message


def test_locales_from_cldr() -> None:
    assert locale_order("en_PH") == "mdy" and locale_order("vi_VN") == "dmy" and locale_order("th_TH") == "dmy"
    assert locale_order("xx_YY") is None


# ------------------------------------------------------------------------------- Moodle

# report/progress/index.php, csv download: name, identity fields, then per activity its state and its date.
MOODLE_ACTIVITY = """,Email address,Open data basics,,Smart city basics,
Lan Nguyen,lan@x.example,Completed (set by Grace Lim),"Saturday, 14 March 2026, 10:15 AM",Completed (achieved pass grade),"Sunday, 15 March 2026, 9:00 AM"
Binh Tran,binh@x.example,Not completed (set by Grace Lim),"Monday, 16 March 2026, 8:00 AM",Completed (did not achieve pass grade),"Sunday, 15 March 2026, 9:30 AM"
Chi Le,chi@x.example,Not completed,,Completed,"Sunday, 15 March 2026, 9:45 AM"
"""


def test_moodle_overrides_in_both_directions(tmp_path: Path) -> None:
    rows, _ = read_all(write(tmp_path / "progress-smartcity.csv", MOODLE_ACTIVITY))
    evidence = [(r["email"], r["refs"][0], r["verb"]) for r in rows if r["kind"] == "record"]
    assert evidence == [
        ("lan@x.example", "Open data basics", "completed"),
        ("lan@x.example", "Smart city basics", "passed"),
        ("binh@x.example", "Smart city basics", "failed"),
        ("chi@x.example", "Smart city basics", "completed"),
    ]
    skipped = [r for r in rows if r["kind"] == "skip"]
    assert len(skipped) == 2 and {r["reason"] for r in skipped} == {"not completed"}  # un-ticked box with a date


def test_vietnamese_moodle_states_are_built_in_and_other_languages_are_mapped(tmp_path: Path) -> None:
    vi = MOODLE_ACTIVITY.replace("Not completed (set by", "Chưa hoàn thành (set by").replace(
        "Completed (set by", "Đã hoàn thành (set by").replace("Completed (achieved pass grade)", "Đã hoàn thành (được điểm đạt)")
    vi = vi.replace("Completed (did not achieve pass grade)", "Đã hoàn thành (không được điểm đạt)")
    vi = vi.replace(",Not completed,", ",Chưa hoàn thành,").replace(",Completed,", ",Đã hoàn thành,")
    rows, _ = read_all(write(tmp_path / "vi.csv", vi))
    assert [r["verb"] for r in rows if r["kind"] == "record"] == ["completed", "passed", "failed", "completed"]

    indonesian = MOODLE_ACTIVITY.replace("Completed (set by Grace Lim)", "Selesai (diatur oleh Grace Lim)")
    path = write(tmp_path / "id.csv", indonesian)
    with pytest.raises(RowError) as info:
        read_all(path)
    assert "unknown completion state 'Selesai (diatur oleh Grace Lim)'" in info.value.message
    assert "moodle_states" in info.value.hint
    rows, _ = read_all(path, moodle_states={"Selesai (diatur oleh {name})": "completed"})
    assert rows[0]["verb"] == "completed"


def test_state_and_date_in_one_cell(tmp_path: Path) -> None:
    text = ",Email address,Open data basics,\nLan,lan@x.example,Completed 2026-03-14 10:15:00,\n"
    rows, _ = read_all(write(tmp_path / "p.csv", text))
    assert rows[0]["timestamp"] == "2026-03-14T10:15:00Z"


# ------------------------------------------------------------------------------ workbooks


def ms_forms_workbook(path: Path, rows: list[list[Any]]) -> Path:
    """Microsoft Forms' quiz download: an .xlsx with these columns, dates as real date cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["Id", "Start time", "Completion time", "Email", "Name", "Total points", "Quiz feedback",
                  "Which dataset is open?", "Points - Which dataset is open?", "Feedback - Which dataset is open?"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_microsoft_forms_workbook_needs_the_maximum_and_quarantines_anonymous(tmp_path: Path) -> None:
    path = ms_forms_workbook(tmp_path / "Open data basics(1-3).xlsx", [
        [1, dt.datetime(2026, 11, 12, 9, 10), dt.datetime(2026, 11, 12, 9, 14, 3), "lan@x.example", "Lan", 8, "", "A", 1, ""],
        [2, dt.datetime(2026, 11, 12, 9, 11), dt.datetime(2026, 11, 12, 9, 20), "anonymous", "anonymous", 5, "", "B", 0, ""],
    ])
    assert detect(path) == "quiz-csv"
    with pytest.raises(RowError) as info:
        read_all(path)
    assert "--max-score" in info.value.hint and info.value.line == 2
    rows, ctx = read_all(path, max_score=10)
    assert rows[0]["score"] == 0.8 and rows[0]["timestamp"] == "2026-11-12T09:14:03Z"  # a date cell: no guessing
    assert rows[0]["refs"][0] == "Open data basics"
    assert rows[1]["anonymous"] and rows[1]["email"] is None
    assert not ctx.get("notes")  # date cells need no order


def test_microsoft_forms_text_dates_two_digit_years(tmp_path: Path) -> None:
    path = ms_forms_workbook(tmp_path / "quiz.xlsx", [
        [1, "11/12/26 9:10:00", "11/12/26 9:14:03", "lan@x.example", "Lan", 8, "", "A", 1, ""],
        [2, "11/13/26 9:10:00", "11/13/26 9:20:00", "binh@x.example", "Binh", 6, "", "A", 1, ""],
    ])
    rows, _ = read_all(path, max_score=10)
    assert [r["timestamp"] for r in rows] == ["2026-11-12T09:14:03Z", "2026-11-13T09:20:00Z"]


def test_any_tabular_format_as_a_workbook_and_a_named_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("Roster")
    sheet.append(["Email", "Name", "Role", "Username"])
    sheet.append(["lan@x.example", "Lan", "IT officer", "lnguyen"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    rows, _ = read_all(path, sheet="Roster")
    assert rows == [{"kind": "roster", "line": 2, "email": "lan@x.example", "name": "Lan",
                     "learner_id": "lnguyen", "role": "it-officer", "city": None}]
    with pytest.raises(RowError) as info:
        read_all(path, sheet="Staff")
    assert "Roster" in info.value.hint


def test_moodle_activity_report_as_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in MOODLE_ACTIVITY.strip().splitlines():
        import csv
        sheet.append(next(csv.reader([line])))
    path = tmp_path / "progress.xlsx"
    book.save(path)
    assert detect(path) == "moodle-activity"
    rows, _ = read_all(path)
    assert len([r for r in rows if r["kind"] == "record"]) == 4


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice Calc saves), written by hand: zip + content.xml."""
    import zipfile
    from xml.sax.saxutils import escape

    cells = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>' for c in row
        ) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_attendance_sheet_as_ods(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "attendance.ods", [
        ["Date", "Email", "Module", "Present"],
        ["03/04/2026", "lan@x.example", "Open data basics", "yes"],
        ["13/04/2026", "binh@x.example", "Open data basics", "no"],
    ])
    assert detect(path) == "attendance"
    rows, ctx = read_all(path)
    assert rows[0]["timestamp"] == "2026-04-03T00:00:00Z" and rows[1]["kind"] == "skip"
    assert "day first" in ctx["notes"][0]
