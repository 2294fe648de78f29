"""Facts kept in one place: the reference library, fictional places and glossary terms.

Modules cite a reference as `{ref:ID}` and link a glossary term as
`[text](glossary:ID)`. This module finds those tokens in a module's text,
checks across the whole library that every one resolves (and that a place
name or a glossary term means one thing only), and gathers what the site
needs to render them (`SiteFacts`). The checks run after every file has
loaded, so they cost one regex pass over the module text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citycourse.errors import Problem

if TYPE_CHECKING:
    from citycourse.loading import Library
    from citycourse.models import CityProfile, Module, Place, Reference

#: `{ref:ID}` in Markdown text.
REF = re.compile(r"\{ref:([^{}\s]*)\}")
#: `[text](glossary:ID)`: group 1 the text, group 2 the id.
GLOSSARY_LINK = re.compile(r"\[([^\]]*)\]\(\s*glossary:([^)\s]*)\s*\)")
#: Reference kinds whose text changes: facilitators are told to check the current text.
CHECK_CURRENT = ("law", "regulation", "policy")


def module_texts(module: Module) -> Iterator[tuple[list[Any], str]]:
    """Every Markdown field of a module that may cite references or link glossary terms."""
    for i, lesson in enumerate(module.lessons):
        yield ["lessons", i, "body"], lesson.body
    if module.worked_example is not None:
        yield ["worked_example", "body"], module.worked_example.body
    for i, handout in enumerate(module.handouts):
        yield ["handouts", i, "body"], handout.body
    for i, activity in enumerate(module.activities):
        yield ["activities", i, "instructions"], activity.instructions
        if activity.self_study:
            yield ["activities", i, "self_study"], activity.self_study
    for lang, units in module.translations.items():
        for unit_path, unit in units.items():
            if "#p" in unit_path:  # a paragraph of a Markdown field (see citycourse.translations)
                yield ["translations", lang, unit_path, "text"], unit.text


def facilitator_texts(module: Module) -> Iterator[tuple[list[Any], str]]:
    """Facilitator-only plain text that may cite references (rendered escaped, so no glossary links)."""
    for i, lesson in enumerate(module.lessons):
        if lesson.facilitator is not None:
            for j, point in enumerate(lesson.facilitator.talking_points):
                yield ["lessons", i, "facilitator", "talking_points", j], point
            yield ["lessons", i, "facilitator", "question"], lesson.facilitator.question
    for i, activity in enumerate(module.activities):
        if activity.facilitator_tips:
            yield ["activities", i, "facilitator_tips"], activity.facilitator_tips
    if module.facilitator_notes:
        yield ["facilitator_notes"], module.facilitator_notes


def linked_terms(module: Module) -> set[str]:
    """Glossary ids a module's text links to."""
    return {m.group(2) for _, text in module_texts(module) if "glossary:" in text for m in GLOSSARY_LINK.finditer(text)}


@lru_cache(maxsize=1)
def builtin_terms() -> tuple[dict[str, str], ...]:
    """The course's own glossary (render/i18n/en.yaml `glossary_terms`): id, term, definition."""
    import yaml

    path = Path(__file__).parent / "render" / "i18n" / "en.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(
        {"id": str(t["id"]), "term": str(t["term"]), "definition": str(t["definition"])}
        for t in data.get("glossary_terms", [])
    )


# ---------------------------------------------------------------------- checking


def _ref_problem(library: Library, module_id: str, loc: list[Any], token: str, message: str, **kw: str) -> Problem:
    from citycourse.loading import problem_at

    return problem_at(library, "module", module_id, loc, message, needle=token, found=token, **kw)


def check_references(library: Library) -> None:
    """Cross-file rules: refs, glossary links and places resolve; names and terms mean one thing."""
    from citycourse.loading import problem_at

    builtin = {t["id"] for t in builtin_terms()}
    defined: dict[str, tuple[str, int]] = {}  # term id → (module id, index in its glossary)
    for module_id, module in sorted(library.modules.items()):
        for i, term in enumerate(module.glossary):
            if term.id in builtin:
                library.problems.add(problem_at(
                    library, "module", module_id, ["glossary", i, "id"],
                    f"glossary term {term.id!r} is already a built-in term of the course glossary",
                    found=term.id,
                    hint="link to the built-in term as [text](glossary:" + term.id + ") and remove this entry",
                ))
            elif term.id in defined:
                other, j = defined[term.id]
                library.problems.add(problem_at(
                    library, "module", module_id, ["glossary", i, "id"],
                    f"glossary term {term.id!r} is also defined in module {other!r}"
                    f" ({library.source('module', other)}, glossary[{j}])",
                    found=term.id,
                    hint="define each term in one module only; the other modules link to it",
                ))
            else:
                defined[term.id] = (module_id, i)
    terms = builtin | set(defined)
    places = _place_names(library)
    for module_id, module in sorted(library.modules.items()):
        for loc, text in [*module_texts(module), *facilitator_texts(module)]:
            if "{ref:" in text:
                for match in REF.finditer(text):
                    if match.group(1) not in library.references:
                        library.problems.add(_ref_problem(
                            library, module_id, loc, match.group(0),
                            f"unknown reference {match.group(1)!r}",
                            expected="the id of a file in references/sources/",
                            hint="fix the id, or add references/sources/" + (match.group(1) or "ID") + ".yaml",
                        ))
            if "glossary:" in text:
                for match in GLOSSARY_LINK.finditer(text):
                    if match.group(2) not in terms:
                        library.problems.add(_ref_problem(
                            library, module_id, loc, match.group(0),
                            f"unknown glossary term {match.group(2)!r}",
                            expected="the id of a term in some module's glossary: or the built-in glossary",
                            hint="fix the id, or define the term in the glossary: of the module that introduces it",
                        ))
        example = module.worked_example
        if example is not None and example.place not in library.places and example.place not in library.cities:
            library.problems.add(problem_at(
                library, "module", module_id, ["worked_example", "place"],
                f"unknown place {example.place!r}",
                found=example.place,
                expected="the id of a file in references/places/ or curricula/cities/",
                hint="register the fictional place in references/places/ (name, country, population)",
            ))
    for name, owners in sorted(places.items()):
        if len(owners) > 1:
            (kind1, id1), (kind2, id2) = owners[0], owners[1]
            library.problems.add(problem_at(
                library, kind2, id2, ["name"],
                f"{name!r} names two places: {kind1} {id1!r} ({library.source(kind1, id1)}) and {kind2} {id2!r}",
                found=name,
                hint="a name means one place only: rename one, or use the existing place's id",
            ))


def _place_names(library: Library) -> dict[str, list[tuple[str, str]]]:
    names: dict[str, list[tuple[str, str]]] = {}
    for kind, table in (("place", library.places), ("city", library.cities)):
        for item_id, item in sorted(table.items()):
            names.setdefault(" ".join(item.name.split()).casefold(), []).append((kind, item_id))
    return {name: owners for name, owners in names.items() if owners}


# ---------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    definition: str
    module: str | None = None  # None for built-in terms


@dataclass(frozen=True)
class PlaceInfo:
    """What a worked example shows about its place."""

    name: str
    country: str
    population: int
    fictional: bool


@dataclass(frozen=True)
class SiteFacts:
    """What pages need beyond the plan. Picklable: it travels to build worker processes."""

    references: dict[str, Reference] = field(default_factory=dict)
    places: dict[str, PlaceInfo] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)


def place_info(item: Place | CityProfile) -> PlaceInfo:
    from citycourse.models import CityProfile

    fictional = item.illustrative if isinstance(item, CityProfile) else True
    return PlaceInfo(item.name, item.country, item.population, fictional)


def site_facts(library: Library) -> SiteFacts:
    """References, places (registered places and city profiles) and every glossary term."""
    places = {pid: place_info(p) for pid, p in library.cities.items()}
    places.update({pid: place_info(p) for pid, p in library.places.items()})
    terms = {t["id"]: Term(t["id"], t["term"], t["definition"]) for t in builtin_terms()}
    for module_id, module in sorted(library.modules.items()):
        for term in module.glossary:
            terms.setdefault(term.id, Term(term.id, term.term, term.definition, module_id))
    return SiteFacts(dict(library.references), places, terms)
