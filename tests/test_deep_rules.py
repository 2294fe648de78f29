"""`citycourse validate` on deep modules: references, places, glossary, objectives, handouts, duplicate keys.

Each rule is broken once in a copy of tests/data/deep (one module in the deep
schema, two references, one place) and the exact message, file:line and field
are asserted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import write

DEEP = Path(__file__).resolve().parent / "data" / "deep"
MODULE = "modules/open-data-first-steps.yaml"


@pytest.fixture
def deep(tmp_path: Path) -> Path:
    target = tmp_path / "deep"
    shutil.copytree(DEEP, target)
    return target


def edit(project: Path, rel: str, old: str, new: str) -> Path:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return lines[nth - 1]


def validate(invoke, project: Path, exit_code: int = 1, *expected: str) -> str:
    result = invoke(["validate"], cwd=project)
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    return result.output


def test_fixture_is_valid_and_counts_references(deep, invoke):
    out = validate(invoke, deep, 0, "1 modules, 1 curricula, 1 cities, 2 references, 1 places")
    assert "warning" not in out


def test_kind_comes_from_the_references_folders(deep):
    from citycourse.loading import kind_of

    assert kind_of(deep / "references" / "sources" / "ph-data-privacy-act.yaml") == "reference"
    assert kind_of(deep / "references" / "places" / "kota-contoh.yaml") == "place"


# ------------------------------------------------------------------ duplicate keys


def test_duplicate_key_names_both_lines(deep, invoke):
    path = edit(deep, MODULE, "hours: 1\n", "hours: 1\nlevel: lead\n")
    first, second = line_of(path, "level: foundation"), line_of(path, "level: lead")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{second}:1: duplicate key 'level' (first at line {first}); only the last value would be kept",
        "field: level",
        f"found: 'level' at lines {first} and {second}",
    )


def test_duplicate_key_nested_and_in_a_reference(deep, invoke):
    path = edit(deep, MODULE, "    minutes: 15\n    body: |\n      A data set", "    minutes: 15\n    minutes: 20\n    body: |\n      A data set")
    ref = edit(deep, "references/sources/open-data-charter.yaml", "year: 2015\n", "year: 2015\nyear: 2016\n")
    out = validate(invoke, deep, 1, "field: lessons[0].minutes", f"{MODULE}:{line_of(path, 'minutes: 20')}:5")
    assert f"references/sources/open-data-charter.yaml:{line_of(ref, 'year: 2016')}:1: duplicate key 'year'" in out


def test_duplicate_key_found_in_a_file_with_anchors(deep, invoke):
    """Files with &anchors take PyYAML's own constructor; duplicates are still found."""
    edit(deep, MODULE, "hours: 1\n", "hours: 1\nx-note: &note plain\nhours: 1\n")
    validate(invoke, deep, 1, "duplicate key 'hours'")


def test_merge_key_override_is_not_a_duplicate():
    from citycourse.loading import duplicate_keys

    assert duplicate_keys("f.yaml", "base: &b {a: 1}\nother:\n  <<: *b\n  a: 2\n") == []


# ----------------------------------------------------------------- objectives


def test_unassessed_objective(deep, invoke):
    path = edit(deep, MODULE, "      answer: A resident's name, address or ID number.\n      objectives: [2]\n",
                "      answer: A resident's name, address or ID number.\n")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, 'verb: identify')}:5: objective 2 (identify personal data that must not be published) is not assessed",
        "field: objectives[1]",
        "expected: `objectives: [2]` on at least one question or rubric criterion",
    )


def test_objective_number_out_of_range(deep, invoke):
    path = edit(deep, MODULE, "      objectives: [2]\n", "      objectives: [2, 5]\n")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, 'objectives: [2, 5]')}:",
        "objective 5 does not exist: the module has 2 objective(s)",
        "field: assessment.questions[1].objectives[1]",
        "expected: a number from 1 to 2",
    )


def test_rubric_criteria_assess_objectives(deep, invoke):
    edit(deep, MODULE, "      answer: A resident's name, address or ID number.\n      objectives: [2]\n",
         "      answer: A resident's name, address or ID number.\n")
    edit(deep, MODULE, "  questions:\n", """  rubric:
    - criterion: Marks every personal-data column
      objectives: [2]
      points: 10
      meets: Every column marked.
      partly: Most columns marked.
      not_yet: Few or none marked.
  questions:
""")
    validate(invoke, deep, 0)


def test_choice_answer_must_start_with_a_choice(deep, invoke):
    path = edit(deep, MODULE, "      answer: A licence that lets anyone reuse it;", "      answer: Anyone may reuse it;")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, 'answer: Anyone may reuse it')}:",
        "the answer does not start with one of the question's choices",
        "field: assessment.questions[0].answer",
        "expected: one of: A licence that lets anyone reuse it / A page on the city website",
    )


def test_assessment_without_rubric_is_a_warning(deep, invoke):
    path = edit(deep, MODULE, "  kind: quiz\n", "  kind: project\n")
    validate(
        invoke, deep, 0,
        f"warning {MODULE}:{line_of(path, 'kind: project')}:",
        "a project assessment has no rubric",
    )


# ------------------------------------------------------------------- handouts


def test_activity_handout_must_exist(deep, invoke):
    path = edit(deep, MODULE, "    handouts: [column-checklist]", "    handouts: [column-checklist, data-inventory]")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, 'handouts: [column-checklist, data-inventory]')}:",
        "unknown handout 'data-inventory'",
        "field: activities[0].handouts[1]",
        "expected: the id of an entry in this module's handouts: column-checklist",
    )


def test_handout_ids_unique(deep, invoke):
    path = edit(deep, MODULE, "glossary:\n  - id: open-data", """  - id: column-checklist
    title: Another checklist
    body: Another.
glossary:
  - id: open-data""")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, '- id: column-checklist', 2)}:",
        f"handouts id 'column-checklist' is used twice (first at line {line_of(path, '- id: column-checklist')})",
        "field: handouts[1].id",
    )


# ------------------------------------------------------------- references/places


def test_unknown_reference_points_into_the_lesson(deep, invoke):
    path = edit(deep, MODULE, "{ref:ph-data-privacy-act}", "{ref:ph-data-privacy-law}")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, '{ref:ph-data-privacy-law}')}:",
        "unknown reference 'ph-data-privacy-law'",
        "field: lessons[1].body",
        "found: {ref:ph-data-privacy-law}",
        "hint: fix the id, or add references/sources/ph-data-privacy-law.yaml",
    )


def test_reference_file_errors_are_located(deep, invoke):
    path = edit(deep, "references/sources/open-data-charter.yaml", "last_checked: 2026-11-25", "last_checked: last week")
    validate(
        invoke, deep, 1,
        f"references/sources/open-data-charter.yaml:{line_of(path, 'last_checked')}:",
        "field: last_checked",
        "expected: a date such as 2027-03-01",
    )


def test_reference_id_must_match_file_name(deep, invoke):
    edit(deep, "references/sources/open-data-charter.yaml", "id: open-data-charter", "id: odc")
    validate(invoke, deep, 1, "references/sources/open-data-charter.yaml:1:", "id 'odc' does not match the file name")


def test_unknown_place(deep, invoke):
    path = edit(deep, MODULE, "  place: kota-contoh", "  place: kota-lain")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, 'place: kota-lain')}:",
        "unknown place 'kota-lain'",
        "field: worked_example.place",
        "expected: the id of a file in references/places/ or curricula/cities/",
    )


def test_place_may_be_a_city_profile(deep, invoke):
    edit(deep, MODULE, "  place: kota-contoh", "  place: sample-town")
    validate(invoke, deep, 0)


def test_one_name_one_place(deep, invoke):
    path = edit(deep, "curricula/cities/sample-town.yaml", "name: Sample Town", "name: Kota  Contoh")
    validate(
        invoke, deep, 1,
        f"curricula/cities/sample-town.yaml:{line_of(path, 'name:')}:",
        "'kota contoh' names two places: place 'kota-contoh' (references/places/kota-contoh.yaml) and city 'sample-town'",
        "field: name",
    )


# -------------------------------------------------------------------- glossary


def second_module(project: Path, glossary: str, body: str = "See [open data](glossary:open-data).") -> Path:
    text = (project / MODULE).read_text(encoding="utf-8").replace("id: open-data-first-steps", "id: open-data-next", 1)
    text = text.replace("title: Open data, first steps", "title: Open data, next steps", 1)
    head, _ = text.split("glossary:\n  - id: open-data", 1)
    text = head.replace("free of charge. The {ref:open-data-charter}", f"{body} The {{ref:open-data-charter}}", 1) + glossary
    return write(project / "modules" / "open-data-next.yaml", text)


def test_unknown_glossary_term(deep, invoke):
    path = edit(deep, MODULE, "[track](glossary:track)", "[track](glossary:tracks)")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, '(glossary:tracks)')}:",
        "unknown glossary term 'tracks'",
        "field: lessons[1].body",
        "found: [track](glossary:tracks)",
    )


def test_glossary_link_may_span_lines(deep, invoke):
    edit(deep, MODULE, "[track](glossary:track)", "[training\n      track](glossary:trak)")
    validate(invoke, deep, 1, "unknown glossary term 'trak'")


def test_term_defined_in_two_modules(deep, invoke):
    path = second_module(deep, "glossary:\n  - id: open-data\n    term: Open data\n    definition: Again.\n")
    validate(
        invoke, deep, 1,
        f"modules/open-data-next.yaml:{line_of(path, '- id: open-data')}:",
        "glossary term 'open-data' is also defined in module 'open-data-first-steps'"
        " (modules/open-data-first-steps.yaml, glossary[0])",
        "field: glossary[0].id",
    )


def test_term_may_be_linked_from_another_module(deep, invoke):
    second_module(deep, "glossary: []\n")
    validate(invoke, deep, 0)


def test_term_cannot_redefine_a_built_in_term(deep, invoke):
    edit(deep, MODULE, "  - id: open-data\n", "  - id: track\n    term: Track\n    definition: Again.\n  - id: open-data\n")
    validate(invoke, deep, 1, "glossary term 'track' is already a built-in term of the course glossary")


def test_unlinked_term_is_a_warning(deep, invoke):
    path = edit(deep, MODULE, "  - id: open-data\n", "  - id: licence\n    term: Licence\n    definition: Permission.\n  - id: open-data\n")
    validate(
        invoke, deep, 0,
        f"warning {MODULE}:{line_of(path, '- id: licence')}:",
        "glossary term 'licence' is never linked from this module's text",
        "expected: [Licence](glossary:licence) in a lesson",
    )


# -------------------------------------------------------------------- safety


def test_glossary_links_pass_the_markdown_safety_check(deep):
    from citycourse.loading import load_file

    _, _, problems = load_file(deep / MODULE)
    assert not [p for p in problems if "unsafe" in p.message]


def test_unsafe_markdown_in_a_handout_is_refused(deep, invoke):
    edit(deep, MODULE, "      - Does the column name a person?", "      - [click](javascript:alert(1))")
    validate(invoke, deep, 1, "unsafe Markdown", "field: handouts[0].body")


def test_validate_one_module_resolves_against_the_project(deep, invoke):
    result = invoke(["validate", MODULE], cwd=deep)
    assert result.exit_code == 0, result.output


def test_project_without_references_still_validates(deep, invoke):
    edit(deep, MODULE, " The {ref:open-data-charter} lists six principles.", "")
    edit(deep, MODULE, "the {ref:ph-data-privacy-act}\n", "the Data Privacy Act\n")
    edit(deep, MODULE, "  place: kota-contoh", "  place: sample-town")
    edit(deep, MODULE, "        - The charter was written by governments and experts together; see {ref:open-data-charter}.\n", "")
    shutil.rmtree(deep / "references")
    validate(invoke, deep, 0, "1 modules, 1 curricula, 1 cities")


def test_model_module_in_the_writing_guide_validates(deep, invoke):
    readme = (Path(__file__).resolve().parent.parent / "modules" / "README.md").read_text(encoding="utf-8")
    block = readme.split("## A model module", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    write(deep / MODULE, block)
    validate(invoke, deep, 0)


def test_unknown_reference_in_a_talking_point(deep, invoke):
    path = edit(deep, MODULE, "experts together; see {ref:open-data-charter}.", "experts together; see {ref:odc}.")
    validate(
        invoke, deep, 1,
        f"{MODULE}:{line_of(path, '{ref:odc}')}:",
        "unknown reference 'odc'",
        "field: lessons[0].facilitator.talking_points[1]",
    )


def test_lean_loader_matches_pyyaml():
    """The lean constructor gives exactly what PyYAML's safe loader gives, on every shipped file."""
    import yaml

    from citycourse.loading import _load_lean

    repo = Path(__file__).resolve().parent.parent
    files = [*repo.glob("modules/*.yaml"), *repo.glob("curricula/**/*.yaml"), *repo.glob("references/**/*.yaml")]
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _load_lean(text) == (yaml.load(text, Loader=yaml.CSafeLoader), False), path.name
    odd = "a: 1\nb: [2.5, true, null, 2027-03-01, 0x10, '3']\nc: {d: ~, 1: x}\n"
    assert _load_lean(odd)[0] == yaml.safe_load(odd)
