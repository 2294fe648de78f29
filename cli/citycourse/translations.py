"""Translatable text of modules and curricula as units a translator works on, and gettext PO files.

Why PO (not XLIFF 2.0): Poedit, Weblate, Crowdin, OmegaT and every CAT tool read it, volunteers know it,
`msgctxt` carries where a string lives, and babel (already a dependency) reads and writes it.

A *unit* is one translatable piece: a title, an objective, one paragraph of a lesson (Markdown kept
intact; paragraphs are separated by blank lines), a talking point, a question, a choice, a rubric
level, a glossary term... Its *path* names where it lives and is stable while the English keeps its
shape: `lessons[1].body#p3`, `handouts[inventory-template].title`, `glossary[dataset].definition`.
Its *fingerprint* is a short hash of the English source; a translation records the fingerprint of the
text it was made from, so a changed English paragraph makes exactly that unit stale.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from citycourse.models import Curriculum, Module


@dataclass(frozen=True)
class Unit:
    path: str
    source: str
    note: str  # what the translator is looking at

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.source)


def fingerprint(text: str) -> str:
    """Short, stable hash of an English source text (whitespace at the ends ignored)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def paragraphs(text: str) -> list[str]:
    """Markdown blocks separated by blank lines (a list stays one block when its items are adjacent)."""
    blocks, current = [], []
    for line in text.strip("\n").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _text(path: str, text: str, note: str) -> Iterator[Unit]:
    if text and text.strip():
        yield Unit(path, text.strip(), note)


def _markdown(path: str, text: str, note: str) -> Iterator[Unit]:
    for n, block in enumerate(paragraphs(text or ""), 1):
        yield Unit(f"{path}#p{n}", block, f"{note}, paragraph {n}")


def module_units(module: Module) -> list[Unit]:
    """Every translatable field of a module, in reading order."""
    out: list[Unit] = []
    add = out.extend
    add(_text("title", module.title, "Module title"))
    add(_text("summary", module.summary, "Module summary"))
    for i, objective in enumerate(module.objectives):
        add(_text(f"objectives[{i}]", f"{objective.verb} {objective.text}", f"Objective {i + 1} (verb and text)"))
    for i, lesson in enumerate(module.lessons):
        where = f"Lesson {i + 1}"
        add(_text(f"lessons[{i}].title", lesson.title, f"{where} title"))
        add(_markdown(f"lessons[{i}].body", lesson.body, f"{where} text"))
        if lesson.facilitator:
            for j, point in enumerate(lesson.facilitator.talking_points):
                add(_text(f"lessons[{i}].facilitator.talking_points[{j}]", point, f"{where}: facilitator talking point"))
            add(_text(f"lessons[{i}].facilitator.question", lesson.facilitator.question, f"{where}: question for the room"))
            add(_text(f"lessons[{i}].facilitator.timing", lesson.facilitator.timing, f"{where}: timing"))
    for i, activity in enumerate(module.activities):
        where = f"Activity {i + 1}"
        add(_text(f"activities[{i}].title", activity.title, f"{where} title"))
        add(_markdown(f"activities[{i}].instructions", activity.instructions, f"{where} instructions"))
        add(_markdown(f"activities[{i}].self_study", activity.self_study, f"{where}, self-study version"))
        add(_markdown(f"activities[{i}].facilitator_tips", activity.facilitator_tips, f"{where}: facilitator tips"))
    a = module.assessment
    add(_markdown("assessment.description", a.description, "Assessment description"))
    for i, q in enumerate(a.questions):
        add(_text(f"assessment.questions[{i}].prompt", q.prompt, f"Question {i + 1}"))
        for j, choice in enumerate(q.choices):
            add(_text(f"assessment.questions[{i}].choices[{j}]", choice, f"Question {i + 1}, choice {j + 1}"))
        add(_text(f"assessment.questions[{i}].answer", q.answer,
                  f"Question {i + 1}, model answer (a choice question's answer starts with the translated choice)"))
    for i, c in enumerate(a.rubric):
        for part in ("criterion", "meets", "partly", "not_yet"):
            add(_text(f"assessment.rubric[{i}].{part}", getattr(c, part), f"Rubric criterion {i + 1}: {part}"))
    if module.worked_example:
        add(_text("worked_example.title", module.worked_example.title, "Worked example title"))
        add(_markdown("worked_example.body", module.worked_example.body, "Worked example"))
    for h in module.handouts:
        add(_text(f"handouts[{h.id}].title", h.title, f"Handout {h.id}: title"))
        add(_markdown(f"handouts[{h.id}].body", h.body, f"Handout {h.id}"))
    for g in module.glossary:
        add(_text(f"glossary[{g.id}].term", g.term, f"Glossary term {g.id}"))
        add(_text(f"glossary[{g.id}].definition", g.definition, f"Glossary definition of {g.id}"))
    add(_markdown("facilitator_notes", module.facilitator_notes, "Facilitator notes"))
    return out


def curriculum_units(curriculum: Curriculum) -> list[Unit]:
    return [*_text("title", curriculum.title, "Curriculum title"),
            *_text("description", curriculum.description, "Curriculum description")]


def write_po(lang: str, entries: list[tuple[str, str, Unit, str | None]]) -> bytes:
    """A PO file: entries are (kind:id, file location, unit, existing translation or None)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po as babel_write_po

    catalog = Catalog(locale=lang, project="citycourse", fuzzy=False)
    for owner, location, unit, translated in entries:
        catalog.add(unit.source, string=translated or "", context=f"{owner}|{unit.path}",
                    locations=[(location, 0)] if location else [],
                    auto_comments=[unit.note, f"source fingerprint {unit.fingerprint}",
                                   "Keep Markdown, {ref:...} placeholders and (glossary:...) link targets unchanged."])
    buffer = io.BytesIO()
    babel_write_po(buffer, catalog, width=0, include_lineno=False, omit_header=False)
    return buffer.getvalue()


def read_po(data: bytes) -> Any:
    from babel.messages.pofile import read_po as babel_read_po

    return babel_read_po(io.BytesIO(data))
