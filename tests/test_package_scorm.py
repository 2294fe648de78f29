"""SCORM 1.2 packages: Moodle's upload checks, the manifest's structure, and a SCO in real Chromium talking
to a SCORM 1.2 API that records every call."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from conftest import copy_shipped_project
from lms_support import answer_self_check, chromium, package, right_choices, serve, unpack

CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("scorm")
    project = copy_shipped_project(root / "project")
    code, output = package(project, root / "planner.zip", "scorm12", "--role", "planner")
    assert code == 0, output
    assert "planner.zip (scorm12, 8 modules" in " ".join(output.split())
    return project, root / "planner.zip"


def _plan_modules(project: Path, role: str) -> list[str]:
    from typer.testing import CliRunner

    from citycourse.app import app

    result = CliRunner().invoke(app, ["plan", "smart-city-foundations", "--city", "puerto-alon", "--role", role,
                                      "-f", "json", "-C", str(project)])
    assert result.exit_code == 0, result.output
    return [m["id"] for m in json.loads(result.output)["roles"][0]["modules"]]


def test_the_zip_passes_moodles_upload_checks(built: tuple[Path, Path]) -> None:
    """mod/scorm/locallib.php scorm_validate_package: imsmanifest.xml at the root, not in a folder; then
    the manifest parses and every href and file it names is in the zip, and every file in the zip is named."""
    _, zip_path = built
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        manifest = archive.read("imsmanifest.xml")
    assert "imsmanifest.xml" in names and not [n for n in names if n.endswith("/imsmanifest.xml")]
    root = ET.fromstring(manifest)
    named = [f.get("href") for f in root.iter(f"{CP}file")]
    hrefs = [r.get("href") for r in root.iter(f"{CP}resource") if r.get("href")]
    assert hrefs and named
    assert [h for h in [*hrefs, *named] if h not in names] == []
    assert sorted(set(names) - {"imsmanifest.xml"}) == sorted(named)  # each file listed exactly once
    assert len(named) == len(set(named))


def test_the_manifest_has_one_organization_and_one_sco_per_module_in_plan_order(built: tuple[Path, Path]) -> None:
    project, zip_path = built
    root = ET.fromstring(zipfile.ZipFile(zip_path).read("imsmanifest.xml"))
    assert root.tag == f"{CP}manifest"
    assert root.findtext(f"{CP}metadata/{CP}schema") == "ADL SCORM"
    assert root.findtext(f"{CP}metadata/{CP}schemaversion") == "1.2"
    organizations = root.find(f"{CP}organizations")
    orgs = organizations.findall(f"{CP}organization")
    assert len(orgs) == 1 and organizations.get("default") == orgs[0].get("identifier")
    resources = {r.get("identifier"): r for r in root.iter(f"{CP}resource")}
    items = orgs[0].findall(f"{CP}item")
    expected = _plan_modules(project, "planner")
    assert [resources[i.get("identifierref")].get("href") for i in items] == [f"modules/{m}.html" for m in expected]
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(ids) == len(set(ids))
    from citycourse.loading import load_file

    for item, module_id in zip(items, expected):
        resource = resources[item.get("identifierref")]
        assert resource.get("type") == "webcontent" and resource.get(f"{ADLCP}scormtype") == "sco"
        assert item.findtext(f"{CP}title")
        module = load_file(project / "modules" / f"{module_id}.yaml", "module")[0]
        assert item.findtext(f"{ADLCP}masteryscore") == str(round(module.assessment.pass_mark * 100))
        for dep in resource.findall(f"{CP}dependency"):
            assert resources[dep.get("identifierref")].get(f"{ADLCP}scormtype") == "asset"


def test_the_same_inputs_give_the_same_zip(built: tuple[Path, Path], tmp_path: Path) -> None:
    project, zip_path = built
    code, output = package(project, tmp_path / "again.zip", "scorm12", "--role", "planner")
    assert code == 0, output
    assert (tmp_path / "again.zip").read_bytes() == zip_path.read_bytes()
    import os
    import stat

    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "again.zip").stat().st_mode) == 0o644 & ~umask  # not mkstemp's private 0600


def test_without_role_one_zip_per_track_into_a_folder_and_usage_errors(built: tuple[Path, Path], tmp_path: Path) -> None:
    project, _ = built
    code, output = package(project, tmp_path / "one.zip", "scorm12")
    assert code == 2
    assert "6 role tracks" in output and "cannot go into one file" in output
    code, output = package(project, tmp_path / "x.zip", "scorm12", "--role", "policy-adviser")
    assert code == 2 and "no track for policy-adviser" in " ".join(output.split())
    code, output = package(project, tmp_path / "x.zip", "scorm12", "--role", "planner", "--iri-base", "not an iri")
    assert code == 2 and "is not an absolute IRI" in output
    assert not list(tmp_path.glob("*.zip"))  # nothing half-written


@pytest.mark.browser
@pytest.mark.slow
def test_a_sco_in_an_lms_frame_reports_incomplete_completed_passed_with_the_score(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    _, zip_path = built
    module_id = "city-data-basics"
    folder = unpack(zip_path, tmp_path / "lms")
    (folder / "harness.html").write_text(f"""<!doctype html><html><head><meta charset="utf-8"><title>LMS</title>
<script>
window.calls = [];
var data = {{"cmi.core.lesson_status": "not attempted", "cmi.core.student_id": "u1", "cmi.core.student_name": "Doe, Ana"}};
function record(name, args, value) {{ window.calls.push([name].concat(Array.prototype.slice.call(args))); return value; }}
window.API = {{
  LMSInitialize: function () {{ return record("LMSInitialize", arguments, "true"); }},
  LMSFinish: function () {{ return record("LMSFinish", arguments, "true"); }},
  LMSGetValue: function (k) {{ return record("LMSGetValue", arguments, data[k] || ""); }},
  LMSSetValue: function (k, v) {{ data[k] = v; return record("LMSSetValue", arguments, "true"); }},
  LMSCommit: function () {{ return record("LMSCommit", arguments, "true"); }},
  LMSGetLastError: function () {{ return "0"; }},
  LMSGetErrorString: function () {{ return "No error"; }},
  LMSGetDiagnostic: function () {{ return ""; }}
}};
window.data = data;
</script></head><body><iframe id="sco" title="module" src="modules/{module_id}.html" style="width:1000px;height:700px"></iframe></body></html>
""", encoding="utf-8")
    rights = right_choices(module_id)
    with serve(folder) as base, chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/harness.html")
        page.wait_for_function("window.calls.some(c => c[0] === 'LMSCommit')")
        frame = page.frame_locator("#sco")
        assert page.evaluate("window.data['cmi.core.lesson_status']") == "incomplete"
        frame.locator("#cc-module-end").scroll_into_view_if_needed()
        page.wait_for_function("window.data['cmi.core.lesson_status'] === 'completed'")
        wrong = [(rights[0] + 1) % 2, *rights[1:]]  # one wrong of three: 67 % < 75 %
        answer_self_check(frame, module_id, wrong)
        page.wait_for_function("window.data['cmi.core.lesson_status'] === 'failed'")
        assert page.evaluate("window.data['cmi.core.score.raw']") == str(round(100 * (len(rights) - 1) / len(rights)))
        frame.locator(f"#cc-quiz-{module_id} button[type=reset]").click()
        answer_self_check(frame, module_id, rights)
        page.wait_for_function("window.data['cmi.core.lesson_status'] === 'passed'")
        frame.locator("#cc-lms-finish").click()
        page.wait_for_function("window.calls.some(c => c[0] === 'LMSFinish')")
        calls = page.evaluate("window.calls")
        data = page.evaluate("window.data")
        page.close()
    assert errors == []
    names = [c[0] for c in calls]
    assert names[0] == "LMSInitialize" and calls[0] == ["LMSInitialize", ""]
    assert names[-1] == "LMSFinish" and names[-2] == "LMSCommit" and names.count("LMSFinish") == 1
    statuses = [c[2] for c in calls if c[0] == "LMSSetValue" and c[1] == "cmi.core.lesson_status"]
    assert statuses == ["incomplete", "completed", "failed", "passed"]
    scores = [(c[1], c[2]) for c in calls if c[0] == "LMSSetValue" and c[1].startswith("cmi.core.score.")]
    assert scores[-3:] == [("cmi.core.score.min", "0"), ("cmi.core.score.max", "100"), ("cmi.core.score.raw", "100")]
    # every status change is committed before the next one
    for i, c in enumerate(calls):
        if c[:2] == ["LMSSetValue", "cmi.core.lesson_status"]:
            assert "LMSCommit" in names[i + 1:]
    assert data["cmi.core.lesson_status"] == "passed" and data["cmi.core.score.raw"] == "100"
    assert data["cmi.core.session_time"].count(":") == 2


@pytest.mark.browser
@pytest.mark.slow
def test_a_sco_opened_outside_an_lms_works_without_errors(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, zip_path = built
    folder = unpack(zip_path, tmp_path / "disk")
    with chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((folder / "modules" / "city-data-basics.html").as_uri())
        answer_self_check(page, "city-data-basics", right_choices("city-data-basics"))
        assert "you reached the pass mark" in page.locator(".cc-quiz-result").inner_text()
        assert page.locator("#cc-lms-finish").count() == 0  # no LMS: no Finish button
        page.close()
    assert errors == []
