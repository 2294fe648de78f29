"""The competency framework in formats other systems import.

- **Moodle** (`admin/tool/lpimportcsv`): a CSV whose 14 columns Moodle reads by
  position (the header is for people); one row with *Is framework* = 1 that
  carries the scale, then one row per competency whose *Parent id number* is
  its parent's *Id number* (empty at the top). Moodle builds the tree by
  matching those two columns, and skips a row without an id number or short
  name, so both are always filled (and cut to Moodle's 100 characters).
  Scale: the framework's levels; the first is the default, levels from
  Intermediate (2) up count as proficient.
- **IMS CASE 1.0** `CFPackage` JSON: a `CFDocument`, one `CFItem` per
  competency and one `isChildOf` `CFAssociation` per parent link (top-level
  competencies are children of the document). Identifiers are UUIDv5 derived
  from the YAML ids, and `lastChangeDateTime` is the framework's
  `last_changed`, so the same framework gives the same file on every run.
"""

from __future__ import annotations

import csv
import html
import io
import uuid
from typing import Any

from citycourse.competency import Framework

MOODLE_COLUMNS = [
    "Parent id number", "Id number", "Shortname", "Description", "Description format", "Scale values",
    "Scale configuration", "Rule type (optional)", "Rule outcome (optional)", "Rule config (optional)",
    "Cross referenced competency id numbers", "Exported id (optional)", "Is framework", "Taxonomy",
]
MOODLE_TEXT_MAX = 100  # shorten_text(..., 100) in Moodle's framework_importer
#: Namespace of every UUID this project derives (uuid5 of the project's URL).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://citycourse.example/competencies/")
PROFICIENT_FROM = 2


def _short(text: str) -> str:
    return text if len(text) <= MOODLE_TEXT_MAX else text[: MOODLE_TEXT_MAX - 1].rstrip() + "…"


def _html(*paragraphs: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def moodle_scale(framework: Framework) -> tuple[str, str]:
    """(Scale values, Scale configuration) as Moodle writes them; scaleid is replaced on import."""
    import json

    values = ",".join(level.name for level in framework.scale)
    config: list[dict[str, Any]] = [{"scaleid": "1"}]
    for level in framework.scale:
        config.append({"id": level.level, "scaledefault": 1 if level.level == 1 else 0,
                       "proficient": 1 if level.level >= PROFICIENT_FROM else 0})
    return values, json.dumps(config, separators=(",", ":"))


def moodle_rows(framework: Framework) -> list[list[str]]:
    """Header, the framework row, then competencies parents first (file order within a parent)."""
    values, config = moodle_scale(framework)
    depth = max((framework.depth(c.id) for c in framework.competencies), default=0) + 1
    taxonomy = ",".join(["domain"] + ["competency"] * (depth - 1))
    sources = "; ".join(f"{s.title} ({s.publisher}, {s.year})" for s in framework.sources)
    rows = [MOODLE_COLUMNS, [
        "", framework.id, _short(framework.title), _html(framework.description, f"Based on: {sources}."), "1",
        values, config, "", "", "", "", "", "1", taxonomy,
    ]]
    ordered = sorted(framework.competencies, key=lambda c: framework.depth(c.id))
    for exported, c in enumerate(ordered, 1):
        focus = f"Focus areas: {', '.join(c.focus_areas)}." if c.focus_areas else ""
        rows.append([
            c.parent or "", c.id, _short(f"{c.code} {c.statement}"),
            _html(c.statement, focus, f"Source: {c.source}." if c.source else ""), "1",
            "", "", "", "0", "null", "", str(exported), "", "",
        ])
    return rows


def moodle_csv(framework: Framework) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(moodle_rows(framework))
    return out.getvalue()


# --------------------------------------------------------------------------- CASE


def case_id(framework: Framework, name: str = "") -> str:
    """A stable UUIDv5: of the framework id for the document, of `name` within it otherwise."""
    document = uuid.uuid5(NAMESPACE, framework.id)
    return str(document if not name else uuid.uuid5(document, name))


def case_package(framework: Framework, base_uri: str = "urn:uuid:") -> dict[str, Any]:
    """An IMS CASE 1.0 CFPackage (see the module docstring); `uri` is `base_uri` + identifier."""
    changed = f"{framework.last_changed.isoformat()}T00:00:00+00:00"
    document_id = case_id(framework)

    def link(identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": base_uri + identifier}

    document_link = link(document_id, framework.title)
    sources = "; ".join(f"{s.title} ({s.publisher}, {s.year}, {s.url})" for s in framework.sources)
    document = {
        "identifier": document_id, "uri": base_uri + document_id, "creator": "citycourse",
        "title": framework.title, "lastChangeDateTime": changed, "description": framework.description,
        "language": "en", "version": framework.version, "adoptionStatus": "Draft",
        "notes": f"Based on: {sources}. Proficiency scale: "
                 + "; ".join(f"{s.level} {s.name} (DigComp 2.2 levels {s.digcomp})" for s in framework.scale),
    }
    items, links = [], {}
    for c in framework.competencies:
        identifier = case_id(framework, c.id)
        links[c.id] = link(identifier, f"{c.code} {c.statement}")
        item: dict[str, Any] = {
            "identifier": identifier, "fullStatement": c.statement, "humanCodingScheme": c.code,
            "CFItemType": "Domain" if c.parent is None else "Competency", "uri": base_uri + identifier,
            "lastChangeDateTime": changed, "language": "en", "CFDocumentURI": document_link,
        }
        if c.focus_areas:
            item["conceptKeywords"] = list(c.focus_areas)
        if c.source:
            item["notes"] = f"Source: {c.source}"
        items.append(item)
    associations = []
    siblings: dict[str, int] = {}
    for c in framework.competencies:
        parent = c.parent or ""
        siblings[parent] = siblings.get(parent, 0) + 1
        identifier = case_id(framework, f"{c.id} isChildOf {parent or framework.id}")
        associations.append({
            "identifier": identifier, "associationType": "isChildOf", "sequenceNumber": siblings[parent],
            "uri": base_uri + identifier, "originNodeURI": links[c.id],
            "destinationNodeURI": links[parent] if parent else document_link,
            "lastChangeDateTime": changed, "CFDocumentURI": document_link,
        })
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}
