"""The reader's site in real headless Chromium at phone (390 px) and desktop (1280 px) widths:
tables that fit, the path through a track, search in Thai and Vietnamese, no console errors,
and the workbook printed to A4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, copy_shipped_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """puerto-alon (English), saen-dao (Thai) and ben-may (Vietnamese), built once."""
    from citycourse.app import app

    project = tmp_path_factory.mktemp("reader") / "project"
    copy_shipped_project(project)
    out = project / "out"
    exports = sorted((REPO / "examples" / "puerto-alon").glob("*.csv")) + sorted(
        (REPO / "examples" / "puerto-alon").glob("*.jsonl"))
    result = CliRunner().invoke(  # records, so puerto-alon's site has a Progress page
        app, ["records", "import", *map(str, exports), "--city", "puerto-alon", "-C", str(project)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    for city in ("puerto-alon", "saen-dao", "ben-may"):
        result = CliRunner().invoke(
            app, ["build", "smart-city-foundations", "--city", city, "--out", str(out), "-C", str(project)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
    return out



@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 844})
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def _open(page, site: Path, name: str) -> None:
    page.goto((site / name).as_uri())
    page.wait_for_load_state("load")


def _pages_of_every_type(site: Path) -> list[str]:
    track = sorted((site / "tracks").glob("*.html"))[0].name
    schedule = sorted((site / "schedule").glob("*.html"))[0].name
    pages = ["index.html", f"tracks/{track}", "modules/smart-city-basics.html", "schedule.html",
             f"schedule/{schedule}", "about.html", "glossary.html", f"workbooks/{track}"]
    return pages + (["progress.html"] if (site / "progress.html").exists() else [])


def test_the_english_site_has_a_progress_page(sites: Path) -> None:
    assert (sites / "puerto-alon" / "progress.html").exists()


@pytest.mark.parametrize("city", ["puerto-alon", "saen-dao"])
def test_axe_finds_no_violation_on_the_schedule_per_role_workbook_and_progress_pages(sites: Path, page, city: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    site = sites / city
    axe = Axe()
    for name in _pages_of_every_type(site)[4:]:
        if name in ("about.html", "glossary.html"):
            continue
        _open(page, site, name)
        violations = axe.run(page).response["violations"]
        assert not violations, (name, [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations])


@pytest.mark.parametrize("city", ["puerto-alon", "saen-dao"])
def test_no_table_is_wider_than_its_container_and_no_console_error(sites: Path, page, city: str) -> None:
    site = sites / city
    for name in _pages_of_every_type(site):
        _open(page, site, name)
        wide = page.evaluate("""() => {
            const article = document.querySelector('article').getBoundingClientRect();
            return [...document.querySelectorAll('article table')].filter(t => {
                const box = t.getBoundingClientRect();
                return t.scrollWidth > t.clientWidth + 1 || box.right > article.right + 1 || box.left < article.left - 1;
            }).map(t => t.innerText.slice(0, 60));
        }""")
        assert not wide, (name, page.viewport_size, wide)
    assert not page.errors, page.errors


def test_next_and_previous_follow_each_track_in_order(sites: Path, page) -> None:
    import json

    site = sites / "puerto-alon"
    order: dict[str, list[str]] = {}
    for track in sorted((site / "tracks").glob("*.html")):
        _open(page, site, f"tracks/{track.name}")
        hrefs = page.locator("article table a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        order[track.stem] = [Path(h).stem for h in hrefs]
    assert len(order) >= 2 and all(order.values())
    shared = [m for m in order[next(iter(order))] if sum(m in ids for ids in order.values()) > 1]
    assert shared, "the fixture city should share a module between tracks"
    role, ids = max(order.items(), key=lambda kv: len(kv[1]))
    module = ids[0]
    walked = [module]
    while True:  # follow "next" in this role's track from its first module to its last
        _open(page, site, f"modules/{module}.html")
        nxt = page.locator(f"article a.cc-next[data-track='{role}']")
        if nxt.count() == 0:
            break
        module = Path(nxt.get_attribute("href")).stem
        walked.append(module)
    assert walked == ids, json.dumps({"walked": walked, "track": ids})
    for i, module in enumerate(ids[1:], start=1):  # and "previous" points back
        _open(page, site, f"modules/{module}.html")
        prev = page.locator(f"article a.cc-prev[data-track='{role}']")
        assert Path(prev.get_attribute("href")).stem == ids[i - 1]
    # A module in several tracks shows a path for each, each with its own neighbours.
    _open(page, site, f"modules/{shared[0]}.html")
    tracks_shown = set(page.locator("article a.cc-next, article a.cc-prev").evaluate_all(
        "els => els.map(e => e.dataset.track)"))
    assert tracks_shown == {r for r, ids in order.items() if shared[0] in ids and len(ids) > 1}


def test_home_page_starts_each_role_at_its_first_module(sites: Path, page) -> None:
    site = sites / "puerto-alon"
    _open(page, site, "index.html")
    starts = page.locator("article a.cc-start").evaluate_all(
        "els => els.map(e => [e.dataset.track, e.getAttribute('href')])")
    assert starts
    for role, href in starts:
        _open(page, site, f"tracks/{role}.html")
        first = page.locator("article table a").first.get_attribute("href")
        assert Path(first).stem == Path(href).stem
        _open(page, site, "index.html")


def _search(page, words: str) -> list[str]:
    """Type into the search box as an input method does (text without key events); the result pages."""
    if page.viewport_size["width"] < 1220:
        page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.insert_text(words)
    items = page.locator(".md-search-result__item")
    items.first.wait_for(timeout=15000)
    page.wait_for_timeout(500)
    total = int(re.search(r"\d+", page.locator(".md-search-result__meta").inner_text() + " 1").group())
    wrap = page.locator(".md-search__scrollwrap")
    for _ in range(30):  # the theme shows ten results, then four more each time the list reaches its end
        if items.count() >= total:
            break
        wrap.evaluate("el => el.scrollTo(0, 0)")
        page.wait_for_timeout(100)
        wrap.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(200)
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.href)")
    return sorted({h.split("?")[0].split("#")[0] for h in hrefs})


def html_text(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _pages_containing(site: Path, word: str) -> set[str]:
    found = set()
    for html in site.rglob("*.html"):
        if html.name == "404.html" or "workbooks" in html.parts:
            continue
        text = html.read_text(encoding="utf-8")
        article = text.split("<article", 1)[-1].split("</article>", 1)[0]
        if word.casefold() in html_text(article).casefold():
            found.add(html.as_uri())
    return found


@pytest.mark.parametrize(("city", "word"), [
    ("saen-dao", "ข้อมูล"),       # "data": inside long runs of Thai text without spaces
    ("saen-dao", "นักผังเมือง"),   # "town planner": three dictionary words
    ("ben-may", "dữ liệu"),
])
def test_search_finds_the_pages_that_contain_a_word(sites: Path, page, city: str, word: str) -> None:
    site = sites / city
    _open(page, site, "index.html")
    found = set(_search(page, word))
    containing = _pages_containing(site, word)
    assert containing, word
    assert found <= containing | {(site / "index.html").as_uri()}, sorted(found - containing)
    assert len(found & containing) >= max(1, len(containing) // 2), (len(found), len(containing))
    assert not page.errors, page.errors


def test_workbook_prints_every_module_of_the_track_in_order_each_on_a_new_page(sites: Path, browser) -> None:
    from io import BytesIO

    pypdf = pytest.importorskip("pypdf")
    site = sites / "puerto-alon"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        track = max((site / "tracks").glob("*.html"), key=lambda p: p.read_text(encoding="utf-8").count("<tr>"))
        _open(pg, site, f"tracks/{track.name}")
        titles = pg.locator("article table a").evaluate_all("els => els.map(e => e.innerText.trim())")
        pg.locator("article a[href$='.html']", has_text="workbook").first.click()
        pg.wait_for_url(f"**/workbooks/{track.name}")
        pg.emulate_media(media="print")
        pdf = pypdf.PdfReader(BytesIO(pg.pdf(format="A4", print_background=True)))
    finally:
        context.close()
    pages = [" ".join((p.extract_text() or "").split()) for p in pdf.pages]
    starts = []
    for title in titles:  # the page where each module begins: its title at the top of the page
        where = [i for i, text in enumerate(pages) if text.startswith(" ".join(title.split()))]
        assert where, (title, [p[:60] for p in pages])
        starts.append(where[0])
    assert starts == sorted(starts) and len(set(starts)) == len(titles), starts
    assert all("City of Puerto Alon" in text for text in pages), "city name on every printed page"


def test_printed_module_shows_each_external_address_after_its_link(sites: Path, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        _open(pg, sites / "puerto-alon", "modules/smart-city-basics.html")
        pg.emulate_media(media="print")
        shown = pg.locator("article a[href^='http']").evaluate_all(
            "els => els.map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])")
        running = pg.locator(".cc-print-running").inner_text()
    finally:
        context.close()
    assert shown and all(href in content for href, content in shown), shown[:3]
    assert "City of Puerto Alon" in running and "Smart-city foundations" in running


def test_workbooks_hold_each_modules_built_page_once_with_unique_ids(sites: Path) -> None:
    site = sites / "puerto-alon"
    for workbook in sorted((site / "workbooks").glob("*.html")):
        text = workbook.read_text(encoding="utf-8")
        ids = re.findall(r'\bid="([^"]+)"', text)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})[:5]
        assert 'class="cc-wb-slot"' not in text  # every slot filled
        track = (site / "tracks" / workbook.name).read_text(encoding="utf-8")
        modules = re.findall(r'href="\.\./modules/([a-z0-9-]+)\.html"', track.split("<table>", 1)[1].split("</table>", 1)[0])
        assert re.findall(r'<section class="cc-wb-section" data-module="([a-z0-9-]+)">', text) == modules
        assert "citycourse:path" not in text
