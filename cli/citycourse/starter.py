"""`citycourse init` and `citycourse modules new`: files that validate from the first minute."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from citycourse.errors import UsageError
from citycourse.fsutil import atomic_write_text
from citycourse.loading import Project
from citycourse.models import SLUG_PATTERN

SCAFFOLD_PACKAGE = "citycourse.scaffold"


def _scaffold_files() -> dict[str, str]:
    """Relative path → text of every file in the packaged scaffold."""
    root = resources.files(SCAFFOLD_PACKAGE)
    out: dict[str, str] = {}

    def walk(node: object, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):  # type: ignore[attr-defined]
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, name + "/")
            elif not child.name.endswith((".py", ".pyc")):
                out[name] = child.read_text(encoding="utf-8")

    walk(root, "")
    return out


def scaffold(directory: Path) -> list[Path]:
    """Create a new project in `directory`, which must be new or empty."""
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(
            f"{directory} is not empty",
            hint="choose a new folder name, e.g. `citycourse init my-course`",
        )
    written = []
    for relative, text in _scaffold_files().items():
        target = directory / relative
        atomic_write_text(target, text)
        written.append(target)
    from citycourse.schemas import write_schemas

    written += write_schemas(directory / "schemas")  # the files' $schema comments point here
    (directory / "site").mkdir(exist_ok=True)
    return written


MODULE_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/module.schema.json
# A new citycourse module. Replace every TODO, then run `citycourse validate`.
# Field reference: README.md ("Module files") or `citycourse schema`.
id: {id}                       # must match the file name
title: TODO a short, plain title
version: 1.0.0
summary: >-
  TODO two sentences: what staff will be able to do after this module, and why it matters.
# focus areas of the ASEAN Smart Cities Framework: civic-and-social, health-and-well-being,
# safety-and-security, quality-environment, built-infrastructure, industry-and-innovation
focus_areas: [civic-and-social]
# themes: digital-infrastructure-and-data, planning-and-execution, community-participation
themes: [planning-and-execution]
# roles: department-head, planner, it-officer, finance-officer, frontline-staff,
#        community-liaison, policy-adviser
roles: [planner]
level: foundation                # foundation | practitioner | lead
hours: 2                         # 0.5–6; lesson + activity + assessment minutes must be 80–100 % of this
min_maturity: 1                  # lowest city digital maturity (1–5) the module suits
prerequisites: []                # ids of modules to take first
objectives:
  - verb: identify               # a measurable Bloom verb (see `citycourse schema`)
    text: TODO what the learner can do
lessons:
  - title: TODO first lesson
    minutes: 60
    # In Markdown, cite a law as {{ref:ID}} (references/sources/ID.yaml) and link a term
    # as [term](glossary:ID) (a module's glossary: or the built-in glossary).
    body: |
      TODO Markdown for the lesson (about 20 words per minute). Short sentences.
    facilitator:                 # facilitator view only
      talking_points: [TODO the points to make, in order]
      question: TODO one question to ask the room
      timing: TODO e.g. 40 min talk, 20 min question
activities:
  - title: TODO an exercise using the learner's own city
    kind: group                  # individual | pair | group | field-visit | discussion | role-play
    minutes: 30
    instructions: |
      TODO step-by-step instructions.
    self_study: |
      TODO the same exercise for one learner working alone, without a facilitator.
assessment:
  kind: quiz                     # quiz | project | observation | reflection
  description: TODO what learners do and how it is judged.
  minutes: 10
  pass_mark: 0.7                 # scaled score 0–1
  questions:
    - prompt: TODO a question
      answer: TODO the model answer (facilitator view only)
      objectives: [1]            # numbers of the objectives this question assesses
facilitator_notes: |
  TODO timings and tips for the facilitator (facilitator view only).
resources:
  - title: ASEAN Smart Cities Framework
    url: https://asean.org/wp-content/uploads/2019/02/ASCN-ASEAN-Smart-Cities-Framework.pdf
    publisher: ASEAN Secretariat
    year: 2018
requires:
  connectivity: any              # any | online (needs reliable internet)
"""


def new_module(project: Project, module_id: str) -> Path:
    if not re.match(SLUG_PATTERN, module_id) or len(module_id) > 64:
        raise UsageError(
            f"{module_id!r} is not a valid module id",
            hint="use lower-case letters, digits and single hyphens, e.g. flood-maps-101",
        )
    path = project.modules_dir / f"{module_id}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists", hint="choose another id or edit the existing file")
    atomic_write_text(path, MODULE_TEMPLATE.format(id=module_id))
    return path
