"""What every command shares: consoles, error rendering, exit codes, input lookup.

Only the Typer layer imports this module; the core never prints.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from citycourse.errors import EXIT_BUILD, CitycourseError, InputError, Problem

if TYPE_CHECKING:
    from citycourse.loading import Library
    from citycourse.project import Project
    from citycourse.models import CityProfile, Curriculum

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
STATE: dict[str, Any] = {"debug": False, "json_errors": False}

#: The `-C/--project` option every command that reads a project takes.
ProjectOpt = Annotated[
    Optional[Path],
    typer.Option("--project", "-C", help="Project folder (default: the nearest one at or above the current folder)."),
]

#: The curriculum every course command starts from.
CurriculumArg = Annotated[str, typer.Argument(help="Curriculum id or path.")]
#: `--city` where a command needs one city.
CityOpt = Annotated[str, typer.Option("--city", help="City id or path.")]
#: `--city` where a command can also work on every city (`build --all`).
OptionalCityOpt = Annotated[Optional[str], typer.Option("--city", help="City id or path.")]
#: Tailoring that may exceed a city's hours budget.
AllowOverBudgetOpt = Annotated[
    bool, typer.Option("--allow-over-budget", help="Warn instead of failing when required hours exceed the budget.")
]

F = TypeVar("F", bound=Callable[..., Any])


def render_problem(problem: Problem) -> None:
    colour = "red" if problem.severity == "error" else "yellow"
    err_console.print(f"[bold {colour}]{problem.severity}[/] [bold]{escape(problem.location)}[/]: {escape(problem.message)}")
    for label in ("field", "found", "expected", "hint"):
        value = getattr(problem, label)
        if value:
            err_console.print(f"    [dim]{label}:[/] {escape(str(value))}")


def render_problems(problems: list[Problem]) -> None:
    for problem in problems:
        render_problem(problem)


def problems_json(problems: list[Problem]) -> str:
    return json.dumps(
        {
            "ok": not any(p.severity == "error" for p in problems),
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            "problems": [p.to_dict() for p in problems],
        },
        indent=2,
        ensure_ascii=False,
    )


def guarded(func: F) -> F:
    """Turn core errors into Rich messages and exit codes; no traceback unless --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except InputError as exc:
            if STATE["json_errors"]:
                console.print_json(problems_json(exc.problems))
            else:
                render_problems(exc.problems)
                err_console.print(f"[bold red]{escape(str(exc))}[/]")
            raise typer.Exit(exc.exit_code) from None
        except CitycourseError as exc:
            problems = getattr(exc, "problems", None) or []
            render_problems(problems)
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
            if exc.hint:
                err_console.print(f"    [dim]hint:[/] {escape(exc.hint)}")
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # disk full, permissions, a file where a folder should be, ...
            where = f" {exc.filename}" if exc.filename else ""
            err_console.print(f"[bold red]error:[/] cannot access{escape(str(where))}: {escape(exc.strerror or str(exc))}")
            err_console.print("    [dim]hint:[/] check the path, free disk space and permissions; nothing was left half-written")
            raise typer.Exit(EXIT_BUILD) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]interrupted; nothing was left half-written[/]")
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user
            if STATE["debug"]:
                raise
            err_console.print(f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}")
            err_console.print("    [dim]hint:[/] rerun with --debug for the traceback and report it")
            raise typer.Exit(EXIT_BUILD) from None

    return wrapper  # type: ignore[return-value]


def open_project(project_dir: Path | None) -> Project:
    from citycourse.project import Project

    return Project(project_dir.resolve()) if project_dir else Project.find()


def load_checked(project: Project) -> Library:
    """The whole project, validated; raises InputError listing every problem (warnings printed)."""
    from citycourse.inputs import load_valid

    return load_valid(project, on_warning=render_problem)


def resolve(library: Library, kind: str, ref: str) -> Any:
    """An id from the project, or a path to a file (which is loaded and validated)."""
    from citycourse.inputs import resolve as resolve_ref

    return resolve_ref(library, kind, ref)


def resolve_curriculum(library: Library, ref: str) -> Curriculum:
    """A curriculum by id or path, checked against the project's module library."""
    from citycourse.inputs import resolve_curriculum as resolve_cur

    return resolve_cur(library, ref)


def plan_inputs(
    project_dir: Path | None, curriculum_ref: str, city_ref: str
) -> tuple[Project, Library, Curriculum, CityProfile]:
    project = open_project(project_dir)
    library = load_checked(project)
    curriculum = resolve_curriculum(library, curriculum_ref)
    city = resolve(library, "city", city_ref)
    return project, library, curriculum, city


def is_terminal() -> bool:
    return sys.stdout.isatty()


class ReportFormat(str, Enum):
    """`--format` of the commands that print a report: a Rich table, CSV, JSON or Markdown."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"
