"""A command's inputs: the validated project, and a curriculum or city named by id or by path.

Shared by the Typer layer and the core (`render.build`, `render.preview`); never prints —
warnings go to a callback. Light to import: YAML and pydantic load inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citycourse.errors import InputError, Problem, ProblemList, UsageError

if TYPE_CHECKING:
    from citycourse.loading import Library
    from citycourse.models import Curriculum
    from citycourse.project import Project


def load_valid(project: Project, on_warning: Callable[[Problem], None] | None = None) -> Library:
    """The whole project, validated; raises InputError listing every problem, warnings go to `on_warning`."""
    from citycourse.loading import load_project

    library = load_project(project)
    if on_warning is not None:
        for warning in (p for p in library.problems.items if p.severity == "warning"):
            on_warning(warning)
    library.problems.raise_if_errors()
    return library


def resolve(library: Library, kind: str, ref: str) -> Any:
    """An id from the project, or a path to a file (which is loaded and validated)."""
    from citycourse.loading import load_file

    table = library.curricula if kind == "curriculum" else library.cities
    if ref in table:
        return table[ref]
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise UsageError(f"{kind} file {ref} not found", hint="check the path")
        model, _, problems = load_file(path, kind)
        if model is None or any(p.severity == "error" for p in problems):
            raise InputError(problems)
        return model
    known = ", ".join(sorted(table)) or "none"
    raise UsageError(f"unknown {kind} {ref!r}", hint=f"known {kind} ids: {known}; or give a path to a YAML file")


def resolve_curriculum(library: Library, ref: str) -> Curriculum:
    """A curriculum by id or path, checked against the project's module library."""
    curriculum = resolve(library, "curriculum", ref)
    problems = ProblemList()
    for module_id in curriculum.module_ids:
        if module_id not in library.modules:
            problems.add(Problem(ref, f"curriculum names unknown module {module_id!r}", hint="add the module or fix the id"))
    problems.raise_if_errors()
    return curriculum
