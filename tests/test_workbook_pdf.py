"""`render/workbook_pdf.py`: a track's workbook as PDF with WeasyPrint (the optional `pdf` extra)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_shipped_project

pytestmark = [pytest.mark.slow]


def test_workbook_pdf_has_every_module_of_the_track_in_order_each_from_a_new_page(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint", reason="optional extra: pip install -e '.[pdf]'")
    pypdf = pytest.importorskip("pypdf")
    from citycourse.app import app
    from citycourse.render.workbook_pdf import workbook_pdfs

    project = tmp_path / "project"
    copy_shipped_project(project)
    out = project / "out"
    result = CliRunner().invoke(app, ["build", "smart-city-foundations", "--city", "puerto-alon", "--out", str(out),
                                      "-C", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = out / "puerto-alon"
    track = (site / "tracks" / "planner.html").read_text(encoding="utf-8")
    titles = [t.split("</a>")[0] for t in track.split("<table>", 1)[1].split('.html">')[1:]]
    assert titles
    [pdf_path] = workbook_pdfs(site, roles=["planner"])
    assert pdf_path == site / "workbooks" / "planner.pdf"
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf_path).pages]
    starts = []
    for title in titles:
        title = " ".join(title.replace("&amp;", "&").split())
        where = [i for i, text in enumerate(pages) if text.startswith(title)]
        assert where, (title, [p[:60] for p in pages[:5]])
        starts.append(where[0])
    assert starts == sorted(starts) and len(set(starts)) == len(titles)
    assert pages[0].startswith("Workbook: Planners") and all("City of Puerto Alon" in text for text in pages)


def test_build_pdf_without_weasyprint_builds_the_site_and_says_how_to_get_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from citycourse.app import app

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if the extra were not installed
    project = tmp_path / "project"
    copy_shipped_project(project)
    out = project / "out"
    result = CliRunner().invoke(app, ["build", "smart-city-foundations", "--city", "puerto-alon", "--out", str(out),
                                      "--pdf", "-C", str(project)])
    assert result.exit_code == 0, result.output
    assert "PDF workbooks skipped: WeasyPrint is not installed" in result.output
    assert 'pip install "citycourse[pdf]"' in result.output
    assert (out / "puerto-alon" / "workbooks" / "planner.html").exists()
    assert not list((out / "puerto-alon" / "workbooks").glob("*.pdf"))
