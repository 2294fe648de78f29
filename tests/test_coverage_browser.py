"""The Competencies page in real headless Chromium at phone and desktop widths: axe finds no
violation, its tables fit (the site turns wide tables into cards on phones), no console error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_shipped_project
from test_site_reader_browser import _open, page  # noqa: F401 - shared page fixture (browser: conftest)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def coverage_sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """saen-dao (Thai: English statements marked lang="en") and puerto-alon (English), with the framework."""
    from citycourse.app import app

    project = tmp_path_factory.mktemp("coverage") / "project"
    copy_shipped_project(project, "competencies")
    out = project / "out"
    for city in ("saen-dao", "puerto-alon"):
        result = CliRunner().invoke(app, ["build", "smart-city-foundations", "--city", city, "--out", str(out),
                                          "-C", str(project)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("city", ["saen-dao", "puerto-alon"])
def test_coverage_page_is_accessible_and_fits(coverage_sites: Path, page, city: str) -> None:  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    site = coverage_sites / city
    _open(page, site, "coverage.html")
    assert not page.errors, page.errors  # type: ignore[attr-defined]
    wide = page.evaluate("""() => {
        const article = document.querySelector('article').getBoundingClientRect();
        return [...document.querySelectorAll('article table')].filter(t => {
            const box = t.getBoundingClientRect();
            return t.scrollWidth > t.clientWidth + 1 || box.right > article.right + 1 || box.left < article.left - 1;
        }).length;
    }""")
    assert wide == 0
    assert page.locator("article h2").count() >= 5  # one section per role of the plan
    english = page.locator('article span[lang="en"]').count()
    assert (english > 0) == (city == "saen-dao")
    violations = Axe().run(page).response["violations"]  # last: axe itself fetches stylesheets (console noise on file://)
    assert not violations, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
