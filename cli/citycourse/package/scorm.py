"""SCORM 1.2 package: `imsmanifest.xml` at the zip root, one SCO per module of the track, in plan order.

The manifest follows the IMS Content Packaging 1.1.2 binding with the ADL
SCORM 1.2 extensions (`adlcp_rootv1p2`): `<metadata>` says `ADL SCORM` /
`1.2`; one `<organization>` holds one `<item identifierref>` per module with
`<adlcp:masteryscore>` (0–100, the module's pass mark as a percentage, which an
LMS compares with `cmi.core.score.raw`); each item's `<resource
type="webcontent" adlcp:scormtype="sco">` names the module page and depends on
one `asset` resource that lists every other file, so every file in the zip is
listed once. Moodle refuses a package whose `imsmanifest.xml` is not at the root
(`mod/scorm/locallib.php`, `scorm_validate_package`).

The SCO runtime (`assets/lms-scorm12.js`) finds the LMS's `API` object on the
parent frames, then the opener; see the README for the calls it makes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from citycourse.package.content import PackageContent

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
MANIFEST = "imsmanifest.xml"
SHARED = "RES-shared"


def _id(prefix: str, module_id: str) -> str:
    """An XML ID (NCName) for a module: slugs may start with a digit, so a prefix comes first."""
    return f"{prefix}-{module_id}"


def manifest(content: PackageContent) -> bytes:
    """The imsmanifest.xml for `content` (its files must already include every page and asset)."""
    ET.register_namespace("", IMSCP)
    ET.register_namespace("adlcp", ADLCP)
    cp = lambda tag: f"{{{IMSCP}}}{tag}"  # noqa: E731
    plan = content.plan
    identifier = f"citycourse-{plan.curriculum.id}-{plan.city.id}-{content.role}"
    root = ET.Element(cp("manifest"), {"identifier": identifier, "version": plan.curriculum.version})
    metadata = ET.SubElement(root, cp("metadata"))
    ET.SubElement(metadata, cp("schema")).text = "ADL SCORM"
    ET.SubElement(metadata, cp("schemaversion")).text = "1.2"
    organizations = ET.SubElement(root, cp("organizations"), {"default": "ORG"})
    organization = ET.SubElement(organizations, cp("organization"), {"identifier": "ORG"})
    ET.SubElement(organization, cp("title")).text = f"{content.title} · {plan.city.name} · {content.role_name}"
    for module in content.modules:
        item = ET.SubElement(organization, cp("item"), {"identifier": _id("ITEM", module.id),
                                                         "identifierref": _id("RES", module.id)})
        ET.SubElement(item, cp("title")).text = module.title
        if module.has_self_check:  # a pass mark the SCO can report a score against
            ET.SubElement(item, f"{{{ADLCP}}}masteryscore").text = str(round(module.pass_mark * 100))
    resources = ET.SubElement(root, cp("resources"))
    pages = {m.page for m in content.modules}
    for module in content.modules:
        resource = ET.SubElement(resources, cp("resource"), {
            "identifier": _id("RES", module.id), "type": "webcontent", f"{{{ADLCP}}}scormtype": "sco", "href": module.page})
        ET.SubElement(resource, cp("file"), {"href": module.page})
        ET.SubElement(resource, cp("dependency"), {"identifierref": SHARED})
    shared = ET.SubElement(resources, cp("resource"), {"identifier": SHARED, "type": "webcontent",
                                                         f"{{{ADLCP}}}scormtype": "asset"})
    for path in sorted(content.files):
        if path not in pages and path != MANIFEST:
            ET.SubElement(shared, cp("file"), {"href": path})
    ET.indent(root, "  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def write(content: PackageContent, path: Path) -> None:
    """The SCORM 1.2 zip: the site's files and imsmanifest.xml at the root."""
    from citycourse.package.content import write_zip

    write_zip(path, {**content.files, MANIFEST: manifest(content)})
