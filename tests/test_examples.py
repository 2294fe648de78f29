"""The shipped example records for Puerto Alon: import them as the README says, check by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO


def test_example_records_give_the_progress_worked_out_by_hand(invoke, project: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("CITYCOURSE_STORE", raising=False)
    shutil.copytree(REPO / "examples", project / "examples")
    files = sorted(str(p) for p in (project / "examples" / "puerto-alon").iterdir() if p.suffix != ".md")
    imported = invoke(["records", "import", *files, "--city", "puerto-alon"], cwd=project)
    assert imported.exit_code == 0, imported.output
    assert (project / ".citycourse" / "records.db").exists()

    result = invoke(["progress", "--city", "puerto-alon", "--curriculum", "smart-city-foundations", "--format", "json"], cwd=project)
    assert result.exit_code == 0, result.output
    progress = json.loads(result.stdout)
    by_email = {p["email"].split("@")[0]: p for p in progress["learners"]}
    # Ana: completed and passed the five required frontline modules and one elective.
    assert by_email["ana.reyes"]["track_complete"] is True
    assert by_email["ana.reyes"]["required"] == {"done": 5, "of": 5}
    # Ben: completed smart-city-basics; failed city-data-basics (a fail is not done);
    # marked absent in the attendance sheet, which adds nothing.
    assert by_email["ben.cruz"]["required"] == {"done": 1, "of": 5} and by_email["ben.cruz"]["track_complete"] is False
    # Carla passed smart-city-basics with 9/10; Dan attended it (attendance counts as completed).
    assert by_email["carla.diaz"]["required"]["done"] == 1
    assert by_email["dan.lim"]["required"] == {"done": 1, "of": 4}
    roles = {r["role"]: r for r in progress["roles"]}
    assert roles["frontline-staff"]["track_complete"] == 1 and roles["frontline-staff"]["staff"] == 18

    again = invoke(["records", "import", *files, "--city", "puerto-alon"], cwd=project)
    assert again.exit_code == 0 and json.loads(
        invoke(["progress", "--city", "puerto-alon", "--curriculum", "smart-city-foundations", "--format", "json"], cwd=project).stdout
    ) == progress

    built = invoke(["build", "smart-city-foundations", "--city", "puerto-alon"], cwd=project)
    assert built.exit_code == 0, built.output
    pages = list((project / "site" / "puerto-alon").rglob("*.html"))
    progress_page = [p for p in pages if "progress" in p.name]
    assert progress_page, [p.name for p in pages]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "Ana Reyes" not in text and "ana.reyes@" not in text  # no names without --show-learners


def test_progress_page_uses_the_store_of_the_project_named_with_C(invoke, project: Path, tmp_path: Path, monkeypatch):
    """Regression: with -C PROJECT from another folder, build looked for records in the current folder's project."""
    monkeypatch.delenv("CITYCOURSE_STORE", raising=False)
    shutil.copytree(REPO / "examples", project / "examples")
    files = sorted(str(p) for p in (project / "examples" / "puerto-alon").iterdir() if p.suffix != ".md")
    assert invoke(["records", "import", *files, "--city", "puerto-alon", "-C", str(project)], cwd=project).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    built = invoke(["build", "smart-city-foundations", "--city", "puerto-alon", "-C", str(project),
                    "--out", str(tmp_path / "out")], cwd=elsewhere)
    assert built.exit_code == 0, built.output
    assert list((tmp_path / "out" / "puerto-alon").rglob("progress*.html"))
