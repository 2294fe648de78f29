"""`citycourse validate`: every kind of bad input gets file:line, the field and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write

MODULE = Path(__file__).resolve().parent.parent / "cli/citycourse/scaffold/modules/smart-city-basics.yaml"


@pytest.fixture
def starter(tmp_path: Path, invoke) -> Path:
    """A fresh project from `citycourse init`."""
    result = invoke(["init", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    return tmp_path / "p"


def module_text(**replace: str) -> str:
    text = MODULE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def add_module(project: Path, module_id: str, text: str) -> Path:
    return write(project / "modules" / f"{module_id}.yaml", text.replace("id: smart-city-basics", f"id: {module_id}", 1))


def test_shipped_content_is_valid(invoke):
    result = invoke(["validate"], cwd=Path(__file__).resolve().parent.parent)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_init_then_validate(starter, invoke):
    result = invoke(["validate"], cwd=starter)
    assert result.exit_code == 0, result.output
    assert "1 modules, 1 curricula, 1 cities" in result.output
    assert (starter / "schemas" / "module.schema.json").exists()
    plan = invoke(["plan", "starter", "--city", "sample-town", "--format", "json"], cwd=starter)
    assert plan.exit_code == 0, plan.output
    assert json.loads(plan.stdout)["roles"][0]["modules"][0]["id"] == "smart-city-basics"


def test_init_refuses_non_empty_folder(tmp_path, invoke):
    write(tmp_path / "x" / "keep.txt", "mine")
    result = invoke(["init", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "is not empty" in result.output
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def check_error(invoke, project: Path, *expected: str) -> str:
    result = invoke(["validate"], cwd=project)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"
    return result.output


def test_malformed_yaml(starter, invoke):
    add_module(starter, "broken", module_text(**{"level: foundation": "level: [foundation"}))
    check_error(invoke, starter, "modules/broken.yaml:", "YAML syntax error", "hint:")


def test_wrong_type_names_line_and_field(starter, invoke):
    path = add_module(starter, "wrong-type", module_text(**{"hours: 2": "hours: two"}))
    line = path.read_text().splitlines().index("hours: two") + 1
    check_error(invoke, starter, f"modules/wrong-type.yaml:{line}:", "field: hours", "found: 'two'")


def test_missing_required_field(starter, invoke):
    add_module(starter, "no-summary", module_text(**{"summary: >-": "old_summary: >-"}))
    out = check_error(invoke, starter, "field: summary", "found: (missing)", "field: old_summary")
    assert "unknown fields are not allowed" in out


def test_vocabulary_error_lists_allowed_values(starter, invoke):
    add_module(starter, "bad-focus", module_text(**{"focus_areas: [civic-and-social": "focus_areas: [smart-parking"}))
    check_error(invoke, starter, "field: focus_areas[0]", "'civic-and-social'", "found: 'smart-parking'")


def test_unknown_prerequisite(starter, invoke):
    add_module(starter, "needs-ghost", module_text(**{"prerequisites: []": "prerequisites: [ghost-module]"}))
    check_error(invoke, starter, "modules/needs-ghost.yaml:", "unknown prerequisite 'ghost-module'", "field: prerequisites[0]")


def test_prerequisite_cycle_is_named(starter, invoke):
    add_module(starter, "alpha", module_text(**{"prerequisites: []": "prerequisites: [beta]"}))
    add_module(starter, "beta", module_text(**{"prerequisites: []": "prerequisites: [alpha]"}))
    check_error(invoke, starter, "prerequisite cycle: alpha → beta → alpha")


def test_duplicate_id(starter, invoke):
    write(starter / "modules" / "copy.yaml", module_text())
    out = check_error(invoke, starter, "duplicate module id 'smart-city-basics'")
    assert "does not match the file name" in out


def test_alias_bomb_fails_fast(starter, invoke):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    write(starter / "modules" / "bomb.yaml", "\n".join(lines) + "\nid: bomb\n")
    check_error(invoke, starter, "modules/bomb.yaml", "aliases expand to too many values")


def test_huge_file_refused(starter, invoke):
    write(starter / "modules" / "huge.yaml", module_text() + "\n# " + "x" * (3 * 1024 * 1024) + "\n")
    check_error(invoke, starter, "modules/huge.yaml", "over the 2,097,152-byte limit")


def test_non_utf8_reported_with_position(starter, invoke):
    path = starter / "modules" / "latin1.yaml"
    path.write_bytes(module_text().replace("id: smart-city-basics", "id: latin1").encode("utf-8").replace(b"plain introduction", b"plain intr\xe9duction"))
    check_error(invoke, starter, "modules/latin1.yaml:", "not valid UTF-8", "byte 0xe9", "re-save the file as UTF-8")


@pytest.mark.parametrize(
    "payload, reason",
    [
        ("<script>alert(1)</script>", "raw <script>"),
        ('<img src="x.png" onerror="alert(1)">', "event-handler attribute"),
        ("[click](javascript:alert(1))", "javascript:"),
    ],
)
def test_unsafe_markdown_in_lesson(starter, invoke, payload, reason):
    text = module_text(**{"      ASEAN leaders set up": f"      {payload}\n\n      ASEAN leaders set up"})
    add_module(starter, "unsafe", text)
    check_error(invoke, starter, "modules/unsafe.yaml:", "unsafe Markdown", reason, "field: lessons[0].body")


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "Upper-Case"])
def test_path_traversal_id_rejected(starter, invoke, bad_id):
    write(starter / "modules" / "escape.yaml", module_text(**{"id: smart-city-basics": f"id: '{bad_id}'"}))
    check_error(invoke, starter, "modules/escape.yaml:2:", "not a valid id", "field: id")


def test_python_object_tag_refused(starter, invoke):
    write(starter / "modules" / "evil.yaml", "id: !!python/object/apply:os.system ['echo pwned']\n")
    check_error(invoke, starter, "modules/evil.yaml:1:", "Python object tags")


def test_minutes_must_agree_with_hours(starter, invoke):
    add_module(starter, "too-long", module_text(**{"hours: 2": "hours: 1"}))
    check_error(invoke, starter, "modules/too-long.yaml:", "contradict the module's hours", "found: 120 minutes planned for 1 hours")


def test_curriculum_unknown_module(starter, invoke):
    path = starter / "curricula" / "starter.yaml"
    path.write_text(path.read_text().replace("required: [smart-city-basics]\n    electives: []", "required: [smart-city-basics]\n    electives: [no-such-module]"))
    check_error(invoke, starter, "curricula/starter.yaml:9:17", "unknown module 'no-such-module'", "field: tracks.planner.electives[0]")


def test_city_priority_outside_vocabulary(starter, invoke):
    path = starter / "curricula" / "cities" / "sample-town.yaml"
    path.write_text(path.read_text().replace("priorities: [civic-and-social", "priorities: [tourism"))
    check_error(invoke, starter, "curricula/cities/sample-town.yaml:", "field: priorities[0]", "found: 'tourism'")


def test_many_errors_all_reported(starter, invoke):
    add_module(starter, "one", module_text(**{"hours: 2": "hours: two"}))
    add_module(starter, "two", module_text(**{"level: foundation": "level: expert"}))
    out = check_error(invoke, starter, "modules/one.yaml", "modules/two.yaml")
    assert "2 error(s)" in out


def test_json_format_is_machine_readable(starter, invoke):
    add_module(starter, "wrong-type", module_text(**{"hours: 2": "hours: two"}))
    result = invoke(["validate", "--format", "json"], cwd=starter)
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["errors"] == 1
    problem = payload["problems"][0]
    assert problem["file"].endswith("wrong-type.yaml") and problem["field"] == "hours" and problem["line"] > 0


def test_validate_single_path_resolves_against_project(starter, invoke):
    result = invoke(["validate", "curricula/starter.yaml"], cwd=starter)
    assert result.exit_code == 0, result.output


def test_validate_missing_path_is_usage_error(starter, invoke):
    result = invoke(["validate", "nope.yaml"], cwd=starter)
    assert result.exit_code == 2
    assert "no such file or folder: nope.yaml" in result.output


def test_modules_new_validates(starter, invoke):
    result = invoke(["modules", "new", "flood-maps"], cwd=starter)
    assert result.exit_code == 0, result.output
    assert (starter / "modules" / "flood-maps.yaml").exists()
    assert invoke(["validate"], cwd=starter).exit_code == 0
    again = invoke(["modules", "new", "flood-maps"], cwd=starter)
    assert again.exit_code == 2 and "already exists" in again.output
    bad = invoke(["modules", "new", "../x"], cwd=starter)
    assert bad.exit_code == 2 and "not a valid module id" in bad.output


def test_modules_list_and_show(invoke):
    repo = Path(__file__).resolve().parent.parent
    listed = invoke(["modules", "list", "--level", "lead", "--format", "json"], cwd=repo)
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert rows and all(r["level"] == "lead" for r in rows)
    by_role = json.loads(invoke(["modules", "list", "--role", "finance-officer", "--format", "json"], cwd=repo).stdout)
    assert all("finance-officer" in r["roles"] for r in by_role)
    shown = invoke(["modules", "show", "smart-city-basics"], cwd=repo)
    assert shown.exit_code == 0 and "The six focus areas" in shown.output
    missing = invoke(["modules", "show", "nope"], cwd=repo)
    assert missing.exit_code == 2 and "unknown module 'nope'" in missing.output


def test_version(invoke):
    from citycourse import __version__

    result = invoke(["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_internal_error_has_no_traceback_without_debug(starter, invoke, monkeypatch):
    import citycourse.tailor as tailor_module

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(tailor_module, "tailor", boom)
    result = invoke(["plan", "starter", "--city", "sample-town"], cwd=starter)
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.output and "Traceback" not in result.output


def test_invalid_module_is_not_also_reported_as_unknown(starter, invoke):
    """Regression: a module that fails validation was reported again as 'unknown' by every curriculum naming it."""
    path = starter / "modules" / "smart-city-basics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: foundation", "level: beginner"), encoding="utf-8")
    out = check_error(invoke, starter, "field: level", "1 error(s)")
    assert "unknown module" not in out


def test_type_errors_say_what_is_expected(starter, invoke):
    path = starter / "curricula" / "cities" / "sample-town.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("hours_budget: 10", "hours_budget: 10 hours"), encoding="utf-8")
    check_error(invoke, starter, "field: hours_budget", "expected: a number, e.g. 12 or 2.5", "hint: write digits only, without units")
