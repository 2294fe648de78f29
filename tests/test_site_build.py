"""The course site: real, strict MkDocs builds of the shipped cities, asserted on the files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, copy_shipped_project

pytestmark = pytest.mark.slow
CURRICULUM = "smart-city-foundations"
CITIES = sorted(p.stem for p in (REPO / "curricula" / "cities").glob("*.yaml"))
EXTERNAL_ASSET = re.compile(
    r"<(?:link|script|img|source|iframe|audio|video)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)
CSS_EXTERNAL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?:https?:)?//", re.IGNORECASE)


def run_build(project: Path, *args: str):
    from citycourse.app import app

    return CliRunner().invoke(app, ["build", CURRICULUM, "-C", str(project), *args], catch_exceptions=False)


def plan_for(project: Path, city: str):
    from citycourse.loading import Project, load_project
    from citycourse.tailor import tailor

    library = load_project(Project(project))
    return tailor(library.curricula[CURRICULUM], library.cities[city], library.modules, allow_over_budget=True)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def words(text: str, n: int = 5) -> str:
    """A run of plain words from `text` (no punctuation, so Markdown escaping cannot change it)."""
    runs = re.findall(r"[^\W\d_]+(?: [^\W\d_]+){%d,}" % (n - 1), text)  # letters of any script
    assert runs, text
    return max(runs, key=len)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped city (learner view, --all --jobs 2) and ben-may's facilitator view, built once."""
    project = copy_shipped_project(tmp_path_factory.mktemp("site") / "project")
    out = project / "out"
    result = run_build(project, "--all", "--jobs", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    result = run_build(project, "--city", "ben-may", "--facilitator", "--out", str(out))
    assert result.exit_code == 0, result.output
    return project


@pytest.mark.parametrize("city", CITIES)
def test_every_kept_module_has_a_page_and_no_dropped_one(built: Path, city: str) -> None:
    plan = plan_for(built, city)
    pages = {p.stem for p in (built / "out" / city / "modules").glob("*.html")}
    assert pages == set(plan.module_ids)
    dropped = {d.module_id for r in plan.roles for d in r.decisions if not d.kept} - set(plan.module_ids)
    assert not dropped & pages
    for name in ("index", "schedule", "about", "glossary", *(f"tracks/{r.role}" for r in plan.roles)):
        assert (built / "out" / city / f"{name}.html").is_file(), name
    assert (built / "out" / city / "assets" / "citycourse" / f"{city}.ics").is_file()


def test_facilitator_text_only_in_facilitator_view(built: Path) -> None:
    plan = plan_for(built, "ben-may")
    learner, facilitator = built / "out" / "ben-may", built / "out" / "ben-may-facilitator"
    from citycourse.render.pages import localized_module

    checked = 0
    for module_id in plan.module_ids:
        module = localized_module(plan.modules[module_id], plan.city.language)[0]  # as the Vietnamese site shows it
        secrets = []
        if module.facilitator_notes:
            secrets.append(words(module.facilitator_notes))
        four_words = r"(?:[^\W\d_]+ ){3}[^\W\d_]+"
        secrets += [words(a.facilitator_tips, 4) for a in module.activities if re.search(four_words, a.facilitator_tips)]
        secrets += [words(q.answer, 4) for q in module.assessment.questions
                    if not q.choices and re.search(four_words, q.answer)]
        page = f"modules/{module_id}.html"
        learner_html = (learner / page).read_text(encoding="utf-8")
        facilitator_html = (facilitator / page).read_text(encoding="utf-8")
        for secret in secrets:
            if secret in " ".join(l.body for l in module.lessons):
                continue  # the same words also appear in a lesson
            assert secret not in learner_html, (module_id, secret)
            assert secret in facilitator_html, (module_id, secret)
            checked += 1
    assert checked >= 5
    # Nowhere else in the learner site either (search index included).
    everything = "".join(p.read_text(encoding="utf-8", errors="replace") for p in learner.rglob("*") if p.suffix in (".html", ".js", ".json"))
    assert "Facilitator view" not in everything
    assert "facilitator" not in (learner / "index.html").read_text(encoding="utf-8").lower()


def test_translated_module_appears_translated(built: Path) -> None:
    plan = plan_for(built, "ben-may")
    module = plan.modules["smart-city-basics"]
    html = (built / "out" / "ben-may" / "modules" / "smart-city-basics.html").read_text(encoding="utf-8")
    assert module.translations["vi"]["title"].text in html
    assert module.translations["vi"]["lessons[0].title"].text in html
    assert "Trang chủ" in html  # UI strings in Vietnamese
    assert 'lang="vi"' in html
    # A module without a Vietnamese translation is in English, with a visible note.
    other = next(m for m in plan.module_ids if "vi" not in plan.modules[m].translations)
    other_html = (built / "out" / "ben-may" / "modules" / f"{other}.html").read_text(encoding="utf-8")
    assert "chưa có bản" in other_html
    # The Indonesian city.
    rimbanusa = plan_for(built, "rimbanusa")
    if "smart-city-basics" in rimbanusa.module_ids and "id" in module.translations:
        html = (built / "out" / "rimbanusa" / "modules" / "smart-city-basics.html").read_text(encoding="utf-8")
        assert module.translations["id"]["title"].text in html
        assert "Beranda" in html


def test_laws_are_cited_by_their_official_name_in_the_site_language(built: Path) -> None:
    from citycourse.loading import Project, load_project

    refs = load_project(Project(built)).references
    law = refs["vn-personal-data-law"]
    assert law.cite("vi") != law.cite_as
    plan = plan_for(built, "ben-may")
    citing = [m for m in plan.module_ids if "{ref:vn-personal-data-law}" in plan.modules[m].model_dump_json()]
    assert citing, "a Vietnamese-site module should cite Viet Nam's personal data law"
    translated = [m for m in citing if "vi" in plan.modules[m].translations]
    assert translated, "a translated module should cite Viet Nam's personal data law"
    html = (built / "out" / "ben-may" / "modules" / f"{translated[0]}.html").read_text(encoding="utf-8")
    assert law.cite("vi") in html and law.cite_as not in html
    # An English paragraph (no Vietnamese translation) cites in English, inside its lang="en" text.
    english = [(m, r) for m in plan.module_ids if "vi" not in plan.modules[m].translations
               for r in refs.values() if "vi" in r.cite_as_in and "{ref:%s}" % r.id in plan.modules[m].model_dump_json()]
    assert english, "an untranslated module on the Vietnamese site should cite a reference that has a Vietnamese name"
    module_id, ref = english[0]
    html = (built / "out" / "ben-may" / "modules" / f"{module_id}.html").read_text(encoding="utf-8")
    assert ref.cite_as.split(" (")[0] in html


@pytest.mark.parametrize("city", CITIES)
def test_no_external_asset_urls(built: Path, city: str) -> None:
    site = built / "out" / city
    for path in site.rglob("*"):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert not EXTERNAL_ASSET.search(text), (path, EXTERNAL_ASSET.search(text).group(0))
            assert "fonts.googleapis" not in text and "unpkg.com" not in text
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not CSS_EXTERNAL.search(text), path


def test_same_inputs_give_byte_identical_site_and_rebuild_is_skipped(built: Path, tmp_path: Path) -> None:
    result = run_build(built, "--city", "ben-may", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert tree_digest(tmp_path / "ben-may") == tree_digest(built / "out" / "ben-may")
    again = run_build(built, "--city", "ben-may", "--out", str(tmp_path))
    assert again.exit_code == 0
    assert "unchanged since the last build, skipped" in again.output


def test_zip_is_deterministic_and_holds_the_site(built: Path, tmp_path: Path) -> None:
    import zipfile

    for n in (1, 2):
        result = run_build(built, "--city", "saen-dao", "--zip", "--out", str(tmp_path / str(n)))
        assert result.exit_code == 0, result.output
    first, second = (tmp_path / "1" / "saen-dao.zip").read_bytes(), (tmp_path / "2" / "saen-dao.zip").read_bytes()
    assert first == second
    names = zipfile.ZipFile(tmp_path / "1" / "saen-dao.zip").namelist()
    assert "saen-dao/index.html" in names and "saen-dao/search/search_index.js" in names


def test_broken_link_fails_naming_the_page_and_keeps_previous_site(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(project, "--city", "puerto-alon", "--out", str(out)).exit_code == 0
    before = tree_digest(out / "puerto-alon")
    path = project / "modules" / "smart-city-basics.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "    body: |\n"  # the first lesson's text, whatever the writers put in it
    assert marker in text
    path.write_text(text.replace(marker, marker + "      See [the missing page](missing-page.md).\n\n", 1), encoding="utf-8")
    result = run_build(project, "--city", "puerto-alon", "--out", str(out))
    assert result.exit_code == 3, result.output
    assert "modules/smart-city-basics.md" in result.output
    assert "missing-page.md" in result.output
    assert tree_digest(out / "puerto-alon") == before
    assert sorted(p.name for p in out.iterdir()) == ["puerto-alon"]  # no staging folder left behind


def test_interpolated_text_cannot_inject_html(project: Path, tmp_path: Path) -> None:
    path = project / "modules" / "smart-city-basics.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: What a smart city is, and what it is not",
                        'title: "What a smart city is </title><script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"', 1)
    path.write_text(text, encoding="utf-8")
    result = run_build(project, "--city", "puerto-alon", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "puerto-alon" / "modules" / "smart-city-basics.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html.split("</head>", 1)[1] and "<script>alert" not in html and 'href="javascript:' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_city_colour_and_illustrative_note(built: Path) -> None:
    css = (built / "out" / "ben-may" / "assets" / "citycourse" / "city.css").read_text(encoding="utf-8")
    assert "#0B6E4F" in css
    home = (built / "out" / "ben-may" / "index.html").read_text(encoding="utf-8")
    assert "Số liệu minh họa" in home
    assert "Thành phố Bến Mây" in home


def test_build_needs_city_or_all(project: Path) -> None:
    result = run_build(project)
    assert result.exit_code == 2
    assert "give either --city CITY or --all" in result.output


def test_scaffold_mkdocs_matches_root() -> None:
    assert (REPO / "cli" / "citycourse" / "scaffold" / "mkdocs.yml").read_bytes() == (REPO / "mkdocs.yml").read_bytes()


def test_fast_skip_notices_an_edited_module(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(project, "--city", "puerto-alon", "--out", str(out)).exit_code == 0
    assert "skipped" in run_build(project, "--city", "puerto-alon", "--out", str(out)).output
    path = project / "modules" / "smart-city-basics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("The six focus areas", "The six ASCN focus areas"), encoding="utf-8")
    again = run_build(project, "--city", "puerto-alon", "--out", str(out))
    assert again.exit_code == 0 and "skipped" not in again.output
    assert "The six ASCN focus areas" in (out / "puerto-alon" / "modules" / "smart-city-basics.html").read_text(encoding="utf-8")


def test_curriculum_title_follows_the_city_language(project: Path) -> None:
    from citycourse.render.pages import render_pages

    vi = render_pages(plan_for(project, "ben-may")).files["index.md"].decode("utf-8")
    assert "Kiến thức nền tảng về thành phố thông minh" in vi and "Smart-city foundations" not in vi
    en = render_pages(plan_for(project, "puerto-alon")).files["index.md"].decode("utf-8")
    assert "Smart-city foundations for all city staff" in en


def test_unwritable_output_is_a_clear_io_error(project: Path, tmp_path: Path) -> None:
    """Regression: a file where the output folder should be gave 'internal error: NotADirectoryError'."""
    (tmp_path / "a-file").write_text("x")
    result = run_build(project, "--city", "puerto-alon", "--out", str(tmp_path / "a-file" / "site"))
    assert result.exit_code == 3
    assert "cannot access" in result.output and "Not a directory" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_a_site_built_by_other_code_is_not_skipped(project: Path) -> None:
    """Regression: the no-change skip keyed on the version number only, so new templates never reached old sites."""
    import os

    import citycourse
    from citycourse.render.freshness import inputs_key

    before = inputs_key(project, "puerto-alon", {}, None)
    template = Path(citycourse.__file__).parent / "render" / "templates" / "home.md.j2"
    st = template.stat()
    try:
        os.utime(template, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert inputs_key(project, "puerto-alon", {}, None) != before
    finally:
        os.utime(template, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert inputs_key(project, "puerto-alon", {}, None) == before
