"""Queries over the module library used by `modules list` and `modules show`."""

from __future__ import annotations

from collections.abc import Iterable

from citycourse.loading import Library
from citycourse.models import Module


def filter_modules(
    modules: Iterable[Module], *, focus: str | None = None, role: str | None = None, level: str | None = None
) -> list[Module]:
    """Modules matching every given filter, ordered by level then id."""
    from citycourse.models import LEVEL_RANK

    found = [
        m
        for m in modules
        if (focus is None or focus in m.focus_areas)
        and (role is None or role in m.roles)
        and (level is None or m.level == level)
    ]
    return sorted(found, key=lambda m: (LEVEL_RANK[m.level], m.id))


def describe_module(library: Library, module_id: str) -> str:
    """A Markdown summary of one module for the terminal."""
    m = library.modules[module_id]
    used_in = [
        f"{c.id} ({role}, {'required' if module_id in t.required else 'elective'})"
        for c in library.curricula.values()
        for role, t in c.tracks.items()
        if module_id in t.required or module_id in t.electives
    ]
    needed_by = sorted(other.id for other in library.modules.values() if module_id in other.prerequisites)
    lines = [
        f"# {m.title}",
        f"`{m.id}` v{m.version} · {m.level} · {m.hours:g} h · maturity ≥ {m.min_maturity} · "
        f"connectivity: {m.requires.connectivity}",
        "",
        m.summary,
        "",
        f"**Focus areas:** {', '.join(m.focus_areas)}  ",
        f"**Themes:** {', '.join(m.themes)}  ",
        f"**Roles:** {', '.join(m.roles)}  ",
        f"**Prerequisites:** {', '.join(m.prerequisites) or 'none'}  ",
        f"**Needed by:** {', '.join(needed_by) or 'none'}  ",
        f"**Used in:** {', '.join(used_in) or 'no curriculum'}  ",
        f"**Languages:** {', '.join(['en', *sorted(m.translations)])}  ",
        f"**Source:** {library.source('module', m.id)}",
        "",
        "## Objectives",
        *[f"- {o.verb.capitalize()} {o.text}" for o in m.objectives],
        "",
        "## Lessons",
        *[f"{i}. {lesson.title} ({lesson.minutes} min)" for i, lesson in enumerate(m.lessons, 1)],
        "",
        "## Activities",
        *[f"- {a.title} ({a.kind}, {a.minutes} min)" for a in m.activities],
        "",
        f"## Assessment\n{m.assessment.kind}, pass mark {m.assessment.pass_mark:.0%}, {len(m.assessment.questions)} questions",
    ]
    return "\n".join(lines) + "\n"
