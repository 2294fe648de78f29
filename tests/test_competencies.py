"""Competency framework: validation of every id, coverage per role, Moodle CSV and IMS CASE exports."""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
from pathlib import Path

import pytest

from conftest import REPO, write

TINY_FRAMEWORK = """\
id: tiny-framework
title: Tiny framework
version: 1.0.0
last_changed: 2026-01-02
description: A framework small enough to work out by hand.
sources:
  - {title: A source, publisher: A publisher, year: 2022, url: "https://example.org/source", use: levels}
scale:
  - {level: 1, name: Foundation, digcomp: "1-2", description: Simple tasks with guidance.}
  - {level: 2, name: Intermediate, digcomp: "3-4", description: Routine tasks alone.}
  - {level: 3, name: Advanced, digcomp: "5-6", description: "Varied tasks; guides others."}
  - {level: 4, name: Highly specialised, digcomp: "7-8", description: "Complex problems; leads."}
competencies:
  - {id: data, code: D, theme: digital-infrastructure-and-data, statement: Work with data.}
  - {id: read-data, code: D.1, parent: data, statement: Read the city's data., focus_areas: [civic-and-social]}
  - {id: share-data, code: D.2, parent: data, statement: Share data safely.}
  - {id: planning, code: P, theme: planning-and-execution, statement: Plan projects.}
  - {id: define-problems, code: P.1, parent: planning, statement: Define a problem before a solution.}
"""
TINY_ROLES = """\
roles:
  planner: {read-data: 2, share-data: 1, define-problems: 1}
  frontline-staff: {read-data: 1}
"""


def add_competencies(module: Path, block: str) -> None:
    """Insert a `competencies:` block before `requires:` (as the shipped modules carry it)."""
    text = module.read_text(encoding="utf-8")
    assert "\nrequires:" in text
    module.write_text(text.replace("\nrequires:", "\n" + block.rstrip("\n") + "\nrequires:", 1), encoding="utf-8")


@pytest.fixture
def tiny(invoke, tmp_path: Path) -> Path:
    """`citycourse init` plus a hand-sized framework: one module (smart-city-basics) in the plan of both roles."""
    root = tmp_path / "tiny"
    assert invoke(["init", str(root)]).exit_code == 0
    write(root / "competencies" / "framework.yaml", TINY_FRAMEWORK)
    write(root / "competencies" / "roles.yaml", TINY_ROLES)
    add_competencies(root / "modules" / "smart-city-basics.yaml", "competencies:\n  read-data: 1\n  define-problems: 1\n")
    return root


def test_validate_accepts_the_shipped_framework(invoke):
    result = invoke(["validate", "-C", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "competencies/roles.yaml" not in result.output  # no error and no warning about role needs


def test_validate_reports_every_unknown_or_wrong_competency_with_its_line(invoke, tiny):
    add_competencies(tiny / "modules" / "smart-city-basics.yaml", "")  # no-op; keep the file shape
    text = (tiny / "modules" / "smart-city-basics.yaml").read_text(encoding="utf-8")
    text = text.replace("  read-data: 1\n", "  read-dta: 1\n  data: 1\n  share-data: 5\n")
    (tiny / "modules" / "smart-city-basics.yaml").write_text(text, encoding="utf-8")
    write(tiny / "competencies" / "roles.yaml", TINY_ROLES.replace("share-data: 1", "share-dat: 1"))
    result = invoke(["validate", "-f", "json"], cwd=tiny)
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    messages = {(Path(p["file"]).name, p["message"], p["field"]) for p in problems if p["severity"] == "error"}
    assert messages == {
        ("smart-city-basics.yaml", "unknown competency 'read-dta'", "competencies.read-dta"),
        ("smart-city-basics.yaml", "competency 'data' is a group", "competencies.data"),
        ("smart-city-basics.yaml", "level 5 is not on the scale", "competencies.share-data"),
        ("roles.yaml", "unknown competency 'share-dat'", "roles.planner.share-dat"),
    }
    lines = {p["field"]: p["line"] for p in problems}
    module_lines = (tiny / "modules" / "smart-city-basics.yaml").read_text(encoding="utf-8").splitlines()
    assert module_lines[lines["competencies.read-dta"] - 1].strip() == "read-dta: 1"
    assert lines["roles.planner.share-dat"] == 2


def test_framework_with_an_unknown_parent_is_an_input_error(invoke, tiny):
    write(tiny / "competencies" / "framework.yaml", TINY_FRAMEWORK.replace("parent: planning", "parent: plannning"))
    result = invoke(["validate"], cwd=tiny)
    assert result.exit_code == 1
    assert "competency 'define-problems' names unknown parent 'plannning'" in result.output


def test_coverage_worked_by_hand(invoke, tiny):
    """planner needs read-data 2, share-data 1, define-problems 1; its plan (smart-city-basics) develops
    read-data 1 and define-problems 1 → met 1 of 3: define-problems met, read-data partial, share-data gap."""
    result = invoke(["competencies", "starter", "--city", "sample-town", "-f", "json"], cwd=tiny)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    planner, frontline = data["roles"]
    assert (planner["role"], planner["needed"], planner["met"], planner["percent"]) == ("planner", 3, 1, 33.3)
    assert [(c["competency"], c["needed"], c["reached"], c["status"], c["modules"]) for c in planner["competencies"]] == [
        ("read-data", 2, 1, "partial", ["smart-city-basics"]),
        ("share-data", 1, 0, "gap", []),
        ("define-problems", 1, 1, "met", ["smart-city-basics"]),
    ]
    assert (frontline["role"], frontline["needed"], frontline["met"], frontline["percent"]) == ("frontline-staff", 1, 1, 100.0)
    table = invoke(["competencies", "starter", "--city", "sample-town"], cwd=tiny)
    assert "planner · 1 of 3 needed competencies met (33.3%)" in table.output
    rows = list(csv.reader(io.StringIO(invoke(["competencies", "starter", "--city", "sample-town", "-f", "csv"], cwd=tiny).stdout)))
    assert rows[0] == ["role", "competency", "code", "needed", "reached", "status", "modules"]
    assert rows[2] == ["planner", "share-data", "D.2", "1", "0", "gap", ""]


def test_coverage_without_a_framework_says_how_to_add_one(invoke, tiny):
    shutil.rmtree(tiny / "competencies")
    result = invoke(["competencies", "starter", "--city", "sample-town"], cwd=tiny)
    assert result.exit_code == 2
    assert "no competency framework at" in result.output


# ----------------------------------------------------------------------------- Moodle

MOODLE_HEADER = ('"Parent id number","Id number",Shortname,Description,"Description format","Scale values",'
                 '"Scale configuration","Rule type (optional)","Rule outcome (optional)","Rule config (optional)",'
                 '"Cross referenced competency id numbers","Exported id (optional)","Is framework",Taxonomy')


def moodle_import(text: str) -> tuple[dict, dict]:
    """What admin/tool/lpimportcsv's framework_importer builds: columns by position, the row with a truthy
    'Is framework' is the framework, the others are hung under the row whose id number is their parent id number."""
    reader = csv.reader(io.StringIO(text))
    next(reader)  # csv_import_reader: the first line is the header
    framework, flat = None, {}
    for row in reader:
        assert len(row) == 14, row
        get = lambda i: row[i] if i < len(row) else ""  # noqa: E731
        if get(12) not in ("", "0"):  # PHP truthiness
            assert framework is None, "a second framework row"
            framework = {"idnumber": get(1)[:100], "shortname": get(2)[:100], "scalevalues": get(5),
                         "scaleconfiguration": get(6), "taxonomies": get(13), "children": []}
        else:
            flat[get(1)] = {"parent": get(0), "idnumber": get(1), "shortname": get(2), "children": []}
    assert framework is not None

    def add_children(node: dict, parent: str) -> None:
        for competency in flat.values():
            if competency["parent"] == parent:
                node["children"].append(competency)
                add_children(competency, competency["idnumber"])

    add_children(framework, "")
    return framework, flat


def test_moodle_csv_is_what_moodles_importer_reads(invoke, tmp_path):
    out = tmp_path / "framework.csv"
    result = invoke(["competencies", "export", "--format", "moodle-csv", "--out", str(out), "-C", str(REPO)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == next(csv.reader(io.StringIO(MOODLE_HEADER)))
    framework, flat = moodle_import(text)
    shipped = __import__("yaml").safe_load((REPO / "competencies/framework.yaml").read_text(encoding="utf-8"))
    assert framework["idnumber"] == shipped["id"]
    assert framework["scalevalues"] == "Foundation,Intermediate,Advanced,Highly specialised"
    config = json.loads(framework["scaleconfiguration"])
    assert config[0] == {"scaleid": "1"} and [c["id"] for c in config[1:]] == [1, 2, 3, 4]
    assert sum(c["scaledefault"] for c in config[1:]) == 1
    assert framework["taxonomies"] == "domain,competency"
    assert set(flat) == {c["id"] for c in shipped["competencies"]}

    def reached(node: dict) -> set[str]:
        return {c["idnumber"] for c in node["children"]} | {i for c in node["children"] for i in reached(c)}

    assert reached(framework) == set(flat), "every parent id number resolves: each competency is in the tree"
    for competency in flat.values():
        assert competency["idnumber"] and competency["shortname"] and len(competency["shortname"]) <= 100
    top = [c["idnumber"] for c in framework["children"]]
    assert top == ["data-and-infrastructure", "planning-and-delivery", "community-and-services"]


def test_moodle_csv_worked_by_hand(invoke, tiny):
    result = invoke(["competencies", "export", "-f", "moodle-csv"], cwd=tiny)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [r[:3] for r in rows[1:]] == [
        ["", "tiny-framework", "Tiny framework"],
        ["", "data", "D Work with data."],
        ["", "planning", "P Plan projects."],
        ["data", "read-data", "D.1 Read the city's data."],
        ["data", "share-data", "D.2 Share data safely."],
        ["planning", "define-problems", "P.1 Define a problem before a solution."],
    ]
    assert rows[4][3] == "<p>Read the city&#x27;s data.</p><p>Focus areas: civic-and-social.</p>" or \
        rows[4][3] == "<p>Read the city's data.</p><p>Focus areas: civic-and-social.</p>"
    assert [r[12] for r in rows[1:]] == ["1", "", "", "", "", ""]


# ------------------------------------------------------------------------------- CASE


def test_case_package_validates_against_the_cfpackage_schema_and_is_stable(invoke, tmp_path):
    import jsonschema

    schema = json.loads((REPO / "tests/data/case/case-v1p0-cfpackage-schema.json").read_text(encoding="utf-8"))
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        assert invoke(["competencies", "export", "-f", "case-json", "--out", str(out), "-C", str(REPO)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    package = json.loads(first.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(package)
    items = {i["humanCodingScheme"]: i for i in package["CFItems"]}
    assert len(items) == 21 and {items["D"]["CFItemType"], items["D.2"]["CFItemType"]} == {"Domain", "Competency"}
    for identifier in [package["CFDocument"]["identifier"], *(i["identifier"] for i in package["CFItems"])]:
        assert uuid.UUID(identifier).version == 5
    by_id = {i["identifier"]: i for i in package["CFItems"]}
    children = {a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"] for a in package["CFAssociations"]}
    assert all(a["associationType"] == "isChildOf" for a in package["CFAssociations"])
    assert by_id[children[items["D.2"]["identifier"]]]["humanCodingScheme"] == "D"
    assert children[items["D"]["identifier"]] == package["CFDocument"]["identifier"]


def test_case_identifiers_follow_the_yaml_ids_not_the_wording(invoke, tiny):
    before = json.loads(invoke(["competencies", "export", "-f", "case-json"], cwd=tiny).stdout)
    path = tiny / "competencies" / "framework.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Share data safely.", "Share data lawfully."), encoding="utf-8")
    after = json.loads(invoke(["competencies", "export", "-f", "case-json"], cwd=tiny).stdout)
    assert [i["identifier"] for i in after["CFItems"]] == [i["identifier"] for i in before["CFItems"]]
    assert after["CFItems"][2]["fullStatement"] == "Share data lawfully."
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "https://citycourse.example/competencies/")
    document = uuid.uuid5(namespace, "tiny-framework")
    assert before["CFDocument"]["identifier"] == str(document)
    assert before["CFItems"][1]["identifier"] == str(uuid.uuid5(document, "read-data"))
