"""The site in the reader's language: plain About reasons, English fallback marked lang="en",
city display strings, a Khmer site, and axe-core in real Chromium in English, Vietnamese and Thai."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import copy_shipped_project

pytestmark = pytest.mark.slow
CURRICULUM = "smart-city-foundations"
FORMULA = re.compile(r"fit \d|×|per hour|focus \d|\d\.\d\d")


def article(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    return html[html.index("<article"):html.index("</article>")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def build(project: Path, city: str, *args: str):
    from citycourse.app import app

    return CliRunner().invoke(app, ["build", CURRICULUM, "--city", city, "-C", str(project), "--out",
                                    str(project / "out"), *args], catch_exceptions=False)


def plan_for(project: Path, city: str):
    from citycourse.loading import Project, load_project
    from citycourse.tailor import tailor

    library = load_project(Project(project))
    return tailor(library.curricula[CURRICULUM], library.cities[city], library.modules, allow_over_budget=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with ben-may (vi), saen-dao (th), puerto-alon (en) built, and ben-may's
    facilitator site; plus a Khmer city made from saen-dao."""
    root = tmp_path_factory.mktemp("languages") / "project"
    copy_shipped_project(root)
    khmer = yaml.safe_load((root / "curricula" / "cities" / "saen-dao.yaml").read_text(encoding="utf-8"))
    khmer.update(id="kampong-sela", name="Kampong Sela", country="KH", languages=["km", "en"],
                 strings={"contact": "ទាក់ទង"})
    (root / "curricula" / "cities" / "kampong-sela.yaml").write_text(yaml.safe_dump(khmer, allow_unicode=True), encoding="utf-8")
    for city in ("ben-may", "saen-dao", "puerto-alon", "kampong-sela"):
        result = build(root, city)
        assert result.exit_code == 0, result.output
    result = build(root, "ben-may", "--facilitator")
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("city", ["ben-may", "saen-dao", "puerto-alon", "kampong-sela"])
def test_about_page_has_plain_reasons_no_formula_no_ids(project: Path, city: str) -> None:
    plan = plan_for(project, city)
    text = text_of(article(project / "out" / city / "about.html"))
    assert not FORMULA.search(text), FORMULA.search(text)
    ids = [i for i in plan.considered if re.search(rf"(?<![\w/-]){re.escape(i)}(?![\w-])", text)]
    assert ids == [], f"raw module ids on the About page: {ids}"
    for role_plan in plan.roles:  # every kept module is named by its title
        for planned in role_plan.modules:
            assert planned.module.title in text or city != "puerto-alon"


def test_about_page_says_why_in_the_readers_words(project: Path) -> None:
    english = text_of(article(project / "out" / "puerto-alon" / "about.html"))
    assert re.search(r"Chosen because it matches your city's (first|second|third) priority, [A-Z][a-z]+", english)
    assert "Required for this role by the curriculum." in english
    vietnamese = text_of(article(project / "out" / "ben-may" / "about.html"))
    assert "Được chọn vì phù hợp với ưu tiên thứ" in vietnamese
    assert "Bắt buộc đối với vai trò này theo chương trình." in vietnamese
    assert "Required for this role" not in vietnamese and "chosen" not in vietnamese.lower()


def test_scoring_formula_only_on_the_facilitator_about_page(project: Path) -> None:
    facilitator = article(project / "out" / "ben-may-facilitator" / "about.html")
    assert FORMULA.search(text_of(facilitator))
    assert 'lang="en"' in facilitator and "Chưa được dịch sang" in facilitator


def test_english_fallback_is_marked_lang_en(project: Path) -> None:
    plan = plan_for(project, "ben-may")
    track = article(project / "out" / "ben-may" / "tracks" / plan.roles[0].role / "index.html") \
        if (project / "out" / "ben-may" / "tracks" / plan.roles[0].role / "index.html").exists() \
        else article(project / "out" / "ben-may" / "tracks" / f"{plan.roles[0].role}.html")
    from citycourse.translations import localize

    for planned in plan.roles[0].modules:
        if localize(planned.module, "vi").english("title"):
            assert f'<span lang="en">{planned.module.title}</span>' in track.replace("&amp;", "&")
    # A module with no Vietnamese at all: its h1, summary and paragraphs are marked.
    untranslated = next(p.module for p in plan.roles[0].modules if localize(p.module, "vi").state == "none")
    page = article(project / "out" / "ben-may" / "modules" / f"{untranslated.id}.html")
    assert re.search(r'<h1[^>]*lang="en"', page)
    assert page.count('lang="en"') > 10
    assert "Học phần này chưa có bản" in page


def test_english_facilitator_text_is_marked_and_noted(project: Path) -> None:
    plan = plan_for(project, "ben-may")
    from citycourse.translations import localize

    module = next(m for m in plan.modules.values() if m.facilitator_notes and localize(m, "vi").state == "none")
    page = article(project / "out" / "ben-may-facilitator" / "modules" / f"{module.id}.html")
    notes = page[page.index("Ghi chú cho giảng viên</p>", page.index("admonition facilitator", page.index("<h2", 1))):]
    assert "Chưa được dịch sang" in notes
    assert re.search(r'<p lang="en">', notes)


def test_contact_marked_fictional_in_the_site_language(project: Path) -> None:
    vietnamese = text_of(article(project / "out" / "ben-may" / "index.html"))
    assert "Liên hệ: Nguyễn Thị Lan (hư cấu)" in vietnamese and "(fictional)" not in vietnamese
    thai = text_of(article(project / "out" / "saen-dao" / "index.html"))
    assert "Somchai Wongdee (สมมติ)" in thai  # Royal Institute spelling


def test_khmer_site_is_khmer_and_city_strings_override(project: Path) -> None:
    html = (project / "out" / "kampong-sela" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="km"' in html
    body = text_of(article(project / "out" / "kampong-sela" / "index.html"))
    assert "ទាក់ទង:" in body and "(ប្រឌិត)" in body
    glossary = text_of(article(project / "out" / "kampong-sela" / "glossary.html"))
    assert "បណ្តាញទីក្រុងឆ្លាតវៃអាស៊ាន" in glossary


def test_unknown_city_string_key_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    copy_shipped_project(root)
    city = root / "curricula" / "cities" / "ben-may.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "strings:\n  fictional_markr: (giả định)\n", encoding="utf-8")
    from citycourse.app import app

    result = CliRunner().invoke(app, ["build", CURRICULUM, "--city", "ben-may", "-C", str(root), "--out", str(root / "out")])
    assert result.exit_code != 0
    assert "unknown key(s) under strings: fictional_markr" in result.output


# ------------------------------------------------------------------ real Chromium + axe-core




def pages_of(project: Path, city: str) -> list[str]:
    plan = plan_for(project, city)
    role = plan.roles[0]
    names = ["index.html", f"tracks/{role.role}.html", f"modules/{role.module_ids[0]}.html",
             f"modules/{role.module_ids[-1]}.html", "schedule.html", "about.html", "glossary.html"]
    if (project / "out" / city / "progress.html").exists():
        names.append("progress.html")
    return names


@pytest.mark.browser
@pytest.mark.parametrize("city", ["puerto-alon", "ben-may", "saen-dao"])
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation_of_any_impact(project: Path, browser, city: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    axe = Axe()
    found = []
    for name in pages_of(project, city):
        page.goto((project / "out" / city / name).as_uri())
        violations = axe.run(page).response["violations"]
        found += [(name, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    context.close()
    assert found == []


@pytest.mark.browser
def test_screen_reader_language_of_fallback_text_in_chromium(project: Path, browser) -> None:
    """What a screen reader sees: the computed language of an English title on a Vietnamese page is en."""
    plan = plan_for(project, "ben-may")
    from citycourse.translations import localize

    untranslated = next(p.module for p in plan.roles[0].modules if localize(p.module, "vi").state == "none")
    page = browser.new_page()
    page.goto((project / "out" / "ben-may" / "modules" / f"{untranslated.id}.html").as_uri())
    lang_of = "el => el.closest('[lang]').getAttribute('lang')"
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("article h1").evaluate(lang_of) == "en"
    assert page.locator("article h2").first.evaluate(lang_of) == "vi"
    assert page.locator("article p", has_text=untranslated.summary.split()[0]).first.evaluate(lang_of) == "en"
    page.close()
