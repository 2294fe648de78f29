"""The site for a deep module: references, glossary links, handouts, worked example, self-study,
rubrics, and facilitator text kept out of the learner site. Real, strict MkDocs builds of tests/data/deep."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO

pytestmark = pytest.mark.slow
DEEP = Path(__file__).resolve().parent / "data" / "deep"
MODULE_ID = "open-data-first-steps"
RUBRIC = """  rubric:
    - criterion: Marks every personal-data column
      objectives: [2]
      points: 10
      meets: Every personal-data column is marked.
      partly: Most personal-data columns are marked.
      not_yet: Few or no personal-data columns are marked.
  questions:
"""


def build(project: Path, *args: str):
    from citycourse.app import app

    result = CliRunner().invoke(app, ["build", "deep", "--city", "sample-town", "-C", str(project), "--out", str(project / "out"), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def article(path: Path) -> str:
    """The page's main content (no navigation, no search index)."""
    html = path.read_text(encoding="utf-8")
    return html[html.index("<article"): html.index("</article>")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("deep") / "project"
    shutil.copytree(DEEP, project)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    module = project / "modules" / f"{MODULE_ID}.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace("  questions:\n", RUBRIC, 1), encoding="utf-8")
    build(project)
    build(project, "--facilitator")
    return project / "out"


def test_references_are_links_with_a_list(site: Path) -> None:
    page = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    link = '<a href="https://privacy.gov.ph/data-privacy-act/">Data Privacy Act of 2012 (Republic Act No. 10173)</a>'
    assert page.count(link) == 2  # in the lesson and in the References list
    assert "{ref:" not in page
    assert re.search(r'<h2 id="references">References</h2>', page)
    assert "Check the current text" not in page  # facilitator-only


def test_facilitators_are_told_to_check_laws(site: Path) -> None:
    page = article(site / "sample-town-facilitator" / "modules" / f"{MODULE_ID}.html")
    assert "Check the current text (last checked Nov 25, 2026). Implementing Rules and Regulations issued in 2016." in page
    # a standard is not a law: no reminder for it
    charter = page[page.index("International Open Data Charter (2015)</a> — Open Data Charter"):]
    assert "Check the current text" not in charter.split("</li>")[0]


def test_glossary_links_and_page(site: Path) -> None:
    page = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    assert '<a href="../glossary.html#open-data">open data</a>' in page
    assert '<a href="../glossary.html#track">track</a>' in page
    assert "glossary:" not in page
    glossary = article(site / "sample-town" / "glossary.html")
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', glossary)
    assert ("open-data", "Open data") in headings and ("track", "Track") in headings  # module and built-in terms
    terms = [term for _, term in headings]
    assert terms == sorted(terms, key=str.casefold)
    assert f'href="modules/{MODULE_ID}.html"' in glossary


def test_worked_example_section(site: Path) -> None:
    page = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    assert '<h2 id="worked-example">Worked example</h2>' in page
    assert "Kota Contoh, Indonesia · population 185,000 · <em>fictional place" in page
    assert "240 bus stops" in page


def test_self_study_and_handout(site: Path) -> None:
    page = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    assert '<h4 id="on-your-own">On your own</h4>' in page
    assert "Take one data set from your own department" in page
    assert f'<a href="../handouts/{MODULE_ID}/column-checklist.html">Column checklist</a>' in page
    handout = article(site / "sample-town" / "handouts" / MODULE_ID / "column-checklist.html")
    assert "<h1" in handout and "Column checklist" in handout
    assert '<h2 id="before-you-publish">Before you publish</h2>' in handout
    assert f'href="../../modules/{MODULE_ID}.html"' in handout and "cc-noprint" in handout


def test_rubric_table(site: Path) -> None:
    learner = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    facilitator = article(site / "sample-town-facilitator" / "modules" / f"{MODULE_ID}.html")
    for page in (learner, facilitator):
        assert re.search(r"<td[^>]*>Marks every personal-data column</td>", page) and re.search(r"<td[^>]*>10</td>", page)
    assert "Most personal-data columns are marked." in facilitator
    assert "Most personal-data columns are marked." not in learner


def test_facilitator_text_hidden_from_learners(site: Path) -> None:
    learner = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    facilitator = article(site / "sample-town-facilitator" / "modules" / f"{MODULE_ID}.html")
    secret = ["Open is about permission", "Which data set would residents ask for first?", "10 min talk, 5 min question",
              "Bring printed copies", "A licence that lets anyone reuse it; a web page"]
    for text in secret:
        assert text in facilitator, text
        assert text not in learner, text
    assert "Facilitator script" in facilitator and re.search(r"Assesses objective(\(s\):|s?) 1\b", facilitator)


def test_author_headings_fit_under_the_lesson(site: Path) -> None:
    page = article(site / "sample-town" / "modules" / f"{MODULE_ID}.html")
    levels = [int(n) for n in re.findall(r"<h(\d)", page)]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels  # never skips a level
    assert '<h4 id="licences">Licences</h4>' in page  # the author's ###
    assert '<h5 id="attribution">Attribution</h5>' in page  # the author's #####, not h6


def test_editing_a_reference_rebuilds_the_site(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(DEEP, project)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    build(project)
    again = build(project)
    assert "unchanged since the last build" in again.output
    ref = project / "references" / "sources" / "ph-data-privacy-act.yaml"
    ref.write_text(ref.read_text(encoding="utf-8").replace("cite_as: Data Privacy Act of 2012", "cite_as: The Data Privacy Act of 2012"), encoding="utf-8")
    changed = build(project)
    assert "unchanged" not in changed.output
    assert ">The Data Privacy Act of 2012 (Republic Act No. 10173)</a>" in article(project / "out" / "sample-town" / "modules" / f"{MODULE_ID}.html")


@pytest.mark.parametrize(
    "body, expected",
    [
        ("### A\n\ntext\n\n#### B", "#### A\n\ntext\n\n##### B"),
        ("# A\n\n### B\n\n## C", "#### A\n\n##### B\n\n##### C"),
        ("##### Only", "#### Only"),
        ("```\n# not a heading\n```\n\n## Real", "```\n# not a heading\n```\n\n#### Real"),
        ("## A\n\n###### F", "#### A\n\n##### F"),
    ],
)
def test_shift_headings(body: str, expected: str) -> None:
    from citycourse.render.pages import shift_headings

    assert shift_headings(body, 4) == expected


def test_shift_headings_never_below_h6() -> None:
    from citycourse.render.pages import shift_headings

    assert shift_headings("# A\n## B\n### C\n#### D", 5) == "##### A\n###### B\n###### C\n###### D"


def test_translated_built_in_terms_keep_the_english_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """A translator may copy glossary_terms without ids; links to glossary.md#track must still land."""
    from citycourse.references import SiteFacts
    from citycourse.render import i18n
    from citycourse.render.pages import glossary_terms

    english = i18n._load("en")["glossary_terms"]
    translated = [{"term": f"T{i}", "definition": "d"} for i, _ in enumerate(english)]
    monkeypatch.setitem(i18n._load("vi"), "glossary_terms", translated)
    plan = type("P", (), {"module_ids": [], "modules": {}})()
    ids = {term.id for term in glossary_terms(plan, SiteFacts(), i18n.Strings("vi"))}
    assert ids == {item["id"] for item in english}


def test_a_list_right_after_a_paragraph_line_renders_as_a_list() -> None:
    """Regression: CommonMark lets a list follow a paragraph line; Python-Markdown printed '- item' as text."""
    import markdown

    from citycourse.render.pages import lists_may_interrupt_paragraphs

    source = "**Check your own work:**\n- one\n- two\n\nSteps:\n1. first\n2. second\n\n```\nnot:\n- a list\n```"
    html = markdown.markdown(lists_may_interrupt_paragraphs(source), extensions=["fenced_code"])
    assert html.count("<li>") == 4 and "- one" not in html
    assert "- a list" in html  # code stays as written
    assert lists_may_interrupt_paragraphs("- a\n- b\n  continued") == "- a\n- b\n  continued"


def test_list_items_marked_english_stay_one_list() -> None:
    from citycourse.render.pages import lists_may_interrupt_paragraphs, mark_english

    marked = mark_english("- one\n- two")
    assert lists_may_interrupt_paragraphs(marked) == marked
