"""cmi5 packages: cmi5.xml valid against the vendored CourseStructure.xsd (xmlschema), moveOn and masteryScore
from the curriculum; and a round trip — a loopback LMS/LRS launches an AU in real Chromium, the statements obey
cmi5's rules, and written out as an LRS's StatementResult they complete the module in `progress`, no mapping."""

from __future__ import annotations

import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_shipped_project, write
from lms_support import answer_self_check, chromium, package, right_choices, serve, unpack

NS = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"
XSD = Path(__file__).resolve().parent.parent / "cli" / "citycourse" / "package" / "schemas" / "cmi5" / "CourseStructure.xsd"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
ADL = "http://adlnet.gov/expapi/verbs/"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cmi5")
    project = copy_shipped_project(root / "project")
    code, output = package(project, root / "out", "cmi5", "--iri-base", "https://training.puerto-alon.example/course/")
    assert code == 0, output
    return project, root / "out"


def _structure(zip_path: Path) -> bytes:
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert "cmi5.xml" in names and not [n for n in names if n.endswith("/cmi5.xml")]
        structure = archive.read("cmi5.xml")
        root = ET.fromstring(structure)
        for au in root.iter(f"{NS}au"):  # every AU's url is a page in the zip
            assert au.findtext(f"{NS}url") in names
    return structure


def test_every_course_structure_is_valid_against_the_vendored_xsd(built: tuple[Path, Path]) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(XSD))
    zips = sorted(built[1].glob("*.zip"))
    assert [z.name for z in zips] == sorted(f"puerto-alon-{r}-cmi5.zip" for r in (
        "department-head", "planner", "it-officer", "finance-officer", "frontline-staff", "community-liaison"))
    for zip_path in zips:
        schema.validate(_structure(zip_path).decode("utf-8"))


def test_the_validator_is_real_it_refuses_a_broken_structure(built: tuple[Path, Path]) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(XSD))
    text = _structure(built[1] / "puerto-alon-planner-cmi5.zip").decode("utf-8")
    assert schema.is_valid(text)
    assert not schema.is_valid(text.replace('moveOn="CompletedOrPassed"', 'moveOn="Whenever"', 1))
    assert not schema.is_valid(re.sub(r"<url>[^<]*</url>", "", text, count=1))


def test_move_on_and_mastery_score_come_from_the_curriculum_and_pass_marks(built: tuple[Path, Path]) -> None:
    from citycourse.loading import load_file

    project, out = built
    curriculum = load_file(project / "curricula" / "smart-city-foundations.yaml", "curriculum")[0]
    assert curriculum.completion.move_on == "completed-or-passed"
    root = ET.fromstring(_structure(out / "puerto-alon-planner-cmi5.zip"))
    course = root.find(f"{NS}course").get("id")
    assert course == "https://training.puerto-alon.example/course/smart-city-foundations/puerto-alon/planner"
    aus = root.findall(f"{NS}au")
    assert len(aus) == 8
    for au in aus:
        module_id = au.get("id").rsplit("/", 1)[1]
        module = load_file(project / "modules" / f"{module_id}.yaml", "module")[0]
        assert au.get("id") == f"{course}/{module_id}"
        assert au.get("moveOn") == "CompletedOrPassed"  # never the default NotApplicable
        assert float(au.get("masteryScore")) == module.assessment.pass_mark
        assert au.findtext(f"{NS}url") == f"modules/{module_id}.html"


def test_a_module_without_a_self_check_moves_on_when_completed(tmp_path: Path) -> None:
    """A rule that needs a pass becomes Completed for an AU that cannot report one, and has no masteryScore."""
    from citycourse.package.cmi5 import move_on
    from citycourse.package.content import PackageModule

    graded = PackageModule("a", "A", "en", "s", "en", "modules/a.html", 0.7, True, "https://x.example/a")
    project_only = PackageModule("b", "B", "en", "s", "en", "modules/b.html", 0.7, False, "https://x.example/b")
    assert [move_on(rule, graded) for rule in ("completed", "passed", "completed-and-passed", "completed-or-passed")] \
        == ["Completed", "Passed", "CompletedAndPassed", "CompletedOrPassed"]
    assert {move_on(rule, project_only) for rule in ("passed", "completed-and-passed", "completed-or-passed")} == {"Completed"}


# ------------------------------------------------------------------------------------------ round trip


class LoopbackLMS:
    """The LMS side of a cmi5 launch: a one-time fetch URL, LMS.LaunchData, a statements endpoint."""

    def __init__(self, actor: dict, registration: str, activity_id: str, publisher_id: str, mastery: float) -> None:
        self.actor, self.registration, self.activity_id = actor, registration, activity_id
        self.token = "Y2l0eWNvdXJzZTp0ZXN0"
        self.fetched = 0
        self.session = "5d1b2f0e-9c3a-4a57-8e1f-0b6c2d4e8a91"
        self.publisher_id, self.mastery = publisher_id, mastery
        self.statements: list[dict] = []
        self.problems: list[str] = []

    def launch_data(self) -> dict:
        return {"contextTemplate": {"contextActivities": {"grouping": [{"id": self.publisher_id}]},
                                    "extensions": {SESSION: self.session}},
                "launchMode": "Normal", "moveOn": "CompletedOrPassed", "masteryScore": self.mastery}

    def launched(self) -> None:
        """cmi5 §9.3.1: the LMS records "launched" before launching the AU."""
        template = self.launch_data()["contextTemplate"]
        self.statements.append({
            "id": "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", "timestamp": "2026-03-02T01:00:00.000Z",
            "actor": self.actor, "verb": {"id": ADL + "launched", "display": {"en-US": "launched"}},
            "object": {"id": self.activity_id, "objectType": "Activity"},
            "context": {**template, "registration": self.registration,
                        "contextActivities": {**template["contextActivities"], "category": [{"id": CMI5}]},
                        "extensions": {**template["extensions"], "https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Normal",
                                       "https://w3id.org/xapi/cmi5/context/extensions/moveon": "CompletedOrPassed",
                                       MASTERY: self.mastery}},
        })

    def _authorised(self, request) -> bool:
        ok = (request.headers.get("Authorization") == f"Basic {self.token}"
              and request.headers.get("X-Experience-API-Version", "").startswith("1.0"))
        if not ok:
            self.problems.append(f"unauthorised {request.command} {request.path}")
        return ok

    def _json(self, request, status: int, body: object) -> bool:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
        return True

    def handle(self, request, method: str) -> bool:
        url = urllib.parse.urlsplit(request.path)
        if url.path == "/lms/fetch/k1":
            if method != "POST":
                self.problems.append("fetch URL requested with GET (cmi5 §8.2.1 requires POST)")
                return self._json(request, 405, {})
            self.fetched += 1
            if self.fetched > 1:
                return self._json(request, 200, {"error-code": "1", "error-text": "The authorization token has already been returned."})
            return self._json(request, 200, {"auth-token": self.token})
        if url.path == "/xapi/activities/state":
            query = dict(urllib.parse.parse_qsl(url.query))
            if not self._authorised(request):
                return self._json(request, 401, {})
            expected = {"stateId": "LMS.LaunchData", "activityId": self.activity_id, "registration": self.registration}
            if {k: query.get(k) for k in expected} != expected or json.loads(query.get("agent", "{}")) != self.actor:
                self.problems.append(f"state request with the wrong parameters: {query}")
                return self._json(request, 404, {})
            return self._json(request, 200, self.launch_data())
        if url.path == "/xapi/statements" and method in ("POST", "PUT"):
            if not self._authorised(request):
                return self._json(request, 401, {})
            body = json.loads(request.rfile.read(int(request.headers["Content-Length"])))
            items = body if isinstance(body, list) else [body]
            self.statements.extend(items)
            return self._json(request, 200, [s.get("id") for s in items])
        return False


def check_cmi5_rules(lms: LoopbackLMS) -> list[str]:
    """The AU's statements against cmi5 §9 (order, verbs, result, context); returns the verbs in order."""
    au = [s for s in lms.statements if s["verb"]["id"] != ADL + "launched"]
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in au]
    assert verbs[0] == "initialized" and verbs[-1] == "terminated"  # §9.3 first and last
    assert len(verbs) == len(set(verbs))  # no verb twice in a session
    assert sum(v in ("passed", "failed") for v in verbs) <= 1
    stamps = [s["timestamp"] for s in au]
    assert stamps == sorted(stamps) and all(t.endswith("Z") for t in stamps)  # UTC (§9.7), in order
    assert len({s["id"] for s in au}) == len(au) and all(UUID.match(s["id"]) for s in au)  # §9.1
    for st, verb in zip(au, verbs):
        assert st["actor"] == lms.actor
        assert st["object"]["id"] == lms.activity_id  # §9.4: the launch activityId
        ctx = st["context"]
        assert ctx["registration"] == lms.registration
        assert ctx["extensions"][SESSION] == lms.session  # from the context template
        assert {"id": lms.publisher_id} in ctx["contextActivities"]["grouping"]
        categories = [a["id"] for a in ctx["contextActivities"]["category"]]
        assert CMI5 in categories
        result = st.get("result", {})
        assert (MOVEON in categories) == ("success" in result or "completion" in result)  # §9.6.2.2
        assert ("completion" in result) == (verb == "completed") and result.get("completion", True) is True
        assert ("success" in result) == (verb in ("passed", "failed"))
        assert ("score" in result) <= (verb in ("passed", "failed"))  # §9.5.1
        if verb in ("completed", "passed", "failed", "terminated"):
            assert re.fullmatch(r"PT\d+(\.\d+)?S", result["duration"])  # §9.5.4.1
        if verb == "passed":
            assert result["success"] is True and result["score"]["scaled"] >= lms.mastery
            assert ctx["extensions"][MASTERY] == lms.mastery  # §9.6.3.2
            assert result["score"]["min"] <= result["score"]["raw"] <= result["score"]["max"]
    return verbs


@pytest.mark.browser
@pytest.mark.slow
def test_an_au_launched_by_a_loopback_lms_completes_the_module_in_progress(built: tuple[Path, Path], tmp_path: Path) -> None:
    project, out = built
    module_id = "city-data-basics"
    folder = unpack(out / "puerto-alon-planner-cmi5.zip", tmp_path / "content")
    root = ET.fromstring((folder / "cmi5.xml").read_bytes())
    au = next(a for a in root.iter(f"{NS}au") if a.get("id").endswith("/" + module_id))
    actor = {"objectType": "Agent", "name": "Maria Santos", "account": {"homePage": "https://lms.puerto-alon.example", "name": "msantos"}}
    lms = LoopbackLMS(actor, "9b0c7e2a-3f4d-4e5a-8b6c-7d8e9f0a1b2c",
                      "https://lms.puerto-alon.example/activities/au-0007", au.get("id"), float(au.get("masteryScore")))
    with serve(folder, lms.handle) as base, chromium() as browser:
        query = urllib.parse.urlencode({"endpoint": f"{base}/xapi/", "fetch": f"{base}/lms/fetch/k1",
                                        "actor": json.dumps(actor), "registration": lms.registration,
                                        "activityId": lms.activity_id})
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        lms.launched()
        page.goto(f"{base}/{au.findtext(f'{NS}url')}?{query}")
        page.wait_for_selector("html[data-cmi5=initialized]")
        page.locator("#cc-module-end").scroll_into_view_if_needed()
        page.wait_for_function("document.getElementById('cc-lms-finish') !== null")
        answer_self_check(page, module_id, right_choices(module_id))
        page.locator("#cc-lms-finish").click()
        page.wait_for_selector("html[data-cmi5=terminated]")
        page.close()
    assert errors == [] and lms.problems == [] and lms.fetched == 1
    assert check_cmi5_rules(lms) == ["initialized", "completed", "passed", "terminated"]

    # What an LRS export of the session looks like: one StatementResult page.
    export = write(tmp_path / "lrs-export.json", json.dumps({"statements": lms.statements, "more": ""}, indent=2))
    roster = write(tmp_path / "staff.csv", "Email,Name,Role,Staff ID\nmaria@puerto-alon.example.gov,Maria Santos,planner,msantos\n")
    store = str(tmp_path / "records.db")
    from citycourse.app import app

    runner = CliRunner()
    result = runner.invoke(app, ["records", "import", str(roster), str(export), "--city", "puerto-alon",
                                 "--store", store, "-C", str(project), "-o", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # exit 1 would mean rows were quarantined (no module matched)
    summary = json.loads(result.output)
    assert summary["totals"]["quarantined"] == 0 and summary["totals"]["new"] >= 2
    result = runner.invoke(app, ["progress", "--city", "puerto-alon", "--curriculum", "smart-city-foundations",
                                 "--by", "learner", "--format", "json", "--store", store, "-C", str(project)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    learners = {p["email"]: p for p in json.loads(result.output)["learners"]}
    assert learners["maria@puerto-alon.example.gov"]["modules"] == {module_id: "complete"}
