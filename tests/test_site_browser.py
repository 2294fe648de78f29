"""The built site in real headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_shipped_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """puerto-alon (English) built once with --zip; returns the output folder."""
    from citycourse.app import app

    project = tmp_path_factory.mktemp("browser") / "project"
    copy_shipped_project(project)
    out = project / "out"
    result = CliRunner().invoke(
        app, ["build", "smart-city-foundations", "--city", "puerto-alon", "--zip", "--out", str(out), "-C", str(project)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out



@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Fail loudly on any network request that is not a local file.
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    pg = context.new_page()
    yield pg
    context.close()
    assert not requests, f"network requests from an offline site: {requests}"


def test_home_to_module_by_the_nav(site: Path, page) -> None:
    page.goto((site / "puerto-alon" / "index.html").as_uri())
    assert "City of Puerto Alon" in page.title()
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="Planners").first.click()
    page.wait_for_url("**/tracks/planner.html")
    page.locator("article table a").first.click()
    page.wait_for_url("**/modules/*.html")
    assert page.locator("article h2", has_text="Lessons").count() == 1


def search_and_follow(page, words: str) -> str:
    """Type into the site's search box, open the first result, return the article's text."""
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(words, delay=20)
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=15000)
    result.click()
    page.wait_for_url("**/*.html*")
    return page.locator("article").inner_text()


def test_search_for_a_lesson_word_and_follow_the_result(site: Path, page) -> None:
    page.goto((site / "puerto-alon" / "index.html").as_uri())
    assert "sensors" in search_and_follow(page, "sensors").lower()
    assert "/modules/" in page.url


def test_print_media_hides_navigation(site: Path, page) -> None:
    page.goto((site / "puerto-alon" / "modules" / "smart-city-basics.html").as_uri())
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".md-sidebar--primary").is_visible()
    page.emulate_media(media="print")
    for selector in (".md-sidebar--primary", ".md-header", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("article h1").is_visible()


def test_site_from_the_zip_works_from_disk(site: Path, page, tmp_path: Path) -> None:
    zipfile.ZipFile(site / "puerto-alon.zip").extractall(tmp_path)
    page.goto((tmp_path / "puerto-alon" / "index.html").as_uri())
    page.locator("nav.md-nav--primary a.md-nav__link[href='schedule.html']").first.click()
    page.wait_for_url("**/schedule.html")
    assert page.locator("a[href$='.ics']").count() >= 1
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("focus areas", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)


def test_axe_finds_no_serious_or_critical_violations(site: Path, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for name in ("index.html", "modules/smart-city-basics.html", "schedule.html", "about.html"):
        page.goto((site / "puerto-alon" / name).as_uri())
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, (name, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad])


@pytest.fixture(scope="module")
def vi_site(site: Path) -> Path:
    """ben-may (Vietnamese) built into the same project as `site`."""
    from citycourse.app import app

    project = site.parent
    result = CliRunner().invoke(
        app, ["build", "smart-city-foundations", "--city", "ben-may", "--out", str(site), "-C", str(project)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return site / "ben-may"


def test_vietnamese_site_reads_in_vietnamese_and_searches(vi_site: Path, page) -> None:
    page.goto((vi_site / "modules" / "smart-city-basics.html").as_uri())
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("article h1").inner_text().startswith("Thành phố thông minh là gì")
    # (lesson paragraphs whose English changed since translation are shown in English: search a current unit)
    assert "lĩnh vực trọng tâm" in search_and_follow(page, "lĩnh vực trọng tâm").lower()  # a module or the glossary
