"""cmi5 course package: `cmi5.xml` at the zip root, one AU per module of the track, in plan order.

The course structure conforms to the cmi5 `v1/CourseStructure.xsd` (vendored
in `schemas/cmi5/`, Apache-2.0). Each `<au>` takes

* `id`: the module's publisher IRI, `<course IRI>/<module id>`. The LMS makes its
  own activity id for the AU (cmi5 §8.1.5 forbids reusing the publisher id) but
  puts the publisher id in `contextActivities.grouping` of every statement's
  context template (§9.6.2.3); `records import` matches that IRI's last segment
  to the module, so exported statements need no mapping.
* `moveOn`: from the curriculum's completion rule — never the schema default
  `NotApplicable`, which would count a module done before it is opened. A module
  without a self-check cannot be passed in the AU, so a rule that needs a pass
  becomes `Completed` for it (and the LMS is told so by the package, not guessed).
* `masteryScore`: the module's pass mark (0–1), where the AU can report a score.

The AU runtime (`assets/lms-cmi5.js`) reads the launch parameters, fetches the
auth token, reads `LMS.LaunchData`, and sends initialized, completed and/or
passed/failed, then terminated (cmi5 §8–§10).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from citycourse.package.content import PackageContent, PackageModule

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
COURSE_STRUCTURE = "cmi5.xml"
XSD = Path(__file__).parent / "schemas" / "cmi5" / "CourseStructure.xsd"
#: The curriculum's `completion.move_on` → cmi5 moveOn.
MOVE_ON = {
    "completed": "Completed",
    "passed": "Passed",
    "completed-and-passed": "CompletedAndPassed",
    "completed-or-passed": "CompletedOrPassed",
}


def move_on(rule: str, module: PackageModule) -> str:
    """cmi5 moveOn for one AU: the curriculum's rule, or Completed where the AU cannot report a pass."""
    if not module.has_self_check and rule in ("passed", "completed-and-passed", "completed-or-passed"):
        return "Completed"
    return MOVE_ON[rule]


def _text(parent: ET.Element, tag: str, value: str, lang: str) -> None:
    holder = ET.SubElement(parent, f"{{{NS}}}{tag}")
    ET.SubElement(holder, f"{{{NS}}}langstring", {"lang": lang}).text = value


def course_structure(content: PackageContent) -> bytes:
    """cmi5.xml for `content`."""
    ET.register_namespace("", NS)
    plan = content.plan
    lang = content.language
    rule = plan.curriculum.completion.move_on
    root = ET.Element(f"{{{NS}}}courseStructure")
    course = ET.SubElement(root, f"{{{NS}}}course", {"id": content.course_iri})
    _text(course, "title", f"{content.title} · {plan.city.name} · {content.role_name}", lang)
    _text(course, "description", " ".join(content.description.split()), lang)
    for module in content.modules:
        attrs = {"id": module.iri, "moveOn": move_on(rule, module)}
        if module.has_self_check:
            attrs["masteryScore"] = f"{module.pass_mark:.4f}".rstrip("0").rstrip(".")
        au = ET.SubElement(root, f"{{{NS}}}au", attrs)
        _text(au, "title", module.title, module.title_lang)
        _text(au, "description", " ".join(module.summary.split()), module.summary_lang)
        ET.SubElement(au, f"{{{NS}}}url").text = module.page
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def write(content: PackageContent, path: Path) -> None:
    """The cmi5 zip: the site's files and cmi5.xml at the root."""
    from citycourse.package.content import write_zip

    write_zip(path, {**content.files, COURSE_STRUCTURE: course_structure(content)})
