"""The Typer command line: parse arguments, call the core, print. Nothing else.

Heavy modules (pydantic models, mkdocs, SQLAlchemy) are imported inside the
commands that need them so `citycourse --help` stays fast.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from citycourse import __version__
from citycourse.clikit import (
    STATE,
    AllowOverBudgetOpt,
    CityOpt,
    CurriculumArg,
    ProjectOpt,
    console,
    err_console,
    guarded,
    open_project,
    plan_inputs,
)

app = typer.Typer(
    name="citycourse",
    help="Build tailored capacity-building courses for city staff from YAML modules.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
modules_app = typer.Typer(help="Browse the module library and start new modules.", no_args_is_help=True)
app.add_typer(modules_app, name="modules")



class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


class PlanFormat(str, Enum):
    table = "table"
    yaml = "yaml"
    json = "json"
    md = "md"


def _version(value: bool) -> None:
    if value:
        console.print(f"citycourse {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks for internal errors.")] = False,
) -> None:
    """citycourse: modules + curriculum + city profile → a tailored course site and progress reports.

    Exit codes: 0 ok · 1 invalid input · 2 usage error · 3 build or I/O failure.
    """
    STATE["debug"] = debug


# ------------------------------------------------------------------------------ init


@app.command()
@guarded
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create (must be empty or new).")] = Path("."),
) -> None:
    """Scaffold a working project: base mkdocs.yml, one module, one curriculum, one city."""
    from citycourse.starter import scaffold

    written = scaffold(directory)
    console.print(f"Created a citycourse project in [bold]{directory}[/] ({len(written)} files).")
    console.print(f"Next: [bold]cd {directory} && citycourse validate && citycourse plan starter --city sample-town[/]")


# -------------------------------------------------------------------------- validate


@app.command()
@guarded
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the whole project).")] = None,
    output: Annotated[TextOrJson, typer.Option("--format", "-f", help="text for people, json for scripts.")] = TextOrJson.text,
    project_dir: ProjectOpt = None,
) -> None:
    """Check modules, curricula and cities; report every problem with file:line:col."""
    from citycourse.clikit import problems_json, render_problems
    from citycourse.errors import UsageError
    from citycourse.loading import cross_check, load_library, load_project

    if paths:
        missing = [p for p in paths if not p.exists()]
        if missing:
            err_console.print(f"[bold red]error:[/] no such file or folder: {missing[0]}")
            raise typer.Exit(2)
        library = load_library(paths, check=False)
        # Resolve references against the surrounding project, when there is one.
        try:
            project = open_project(project_dir)
            library.merge_from(load_project(project, check=False))
        except UsageError:  # no project around the paths: check them alone
            pass
        cross_check(library)
    else:
        library = load_project(open_project(project_dir))
    problems = library.problems.items
    errors = library.problems.errors
    if output is TextOrJson.json:
        console.print_json(problems_json(problems))
    else:
        render_problems(problems)
        counts = f"{len(library.modules)} modules, {len(library.curricula)} curricula, {len(library.cities)} cities"
        if library.references or library.places:
            counts += f", {len(library.references)} references, {len(library.places)} places"
        if errors:
            err_console.print(f"[bold red]{len(errors)} error(s)[/] in {library.files_read} files ({counts} valid)")
        else:
            console.print(f"[green]OK[/]: {library.files_read} files valid ({counts})")
    raise typer.Exit(1 if errors else 0)


# ---------------------------------------------------------------------------- schema


@app.command()
@guarded
def schema(
    out: Annotated[Optional[Path], typer.Option("--out", help="Write <kind>.schema.json files into this folder.")] = None,
) -> None:
    """JSON Schema for modules, curricula and cities (for editor autocompletion)."""
    from citycourse.schemas import json_schemas, write_schemas

    if out is None:
        console.print_json(json.dumps(json_schemas(), ensure_ascii=False))
        return
    for path in write_schemas(out):
        console.print(f"wrote {path}")


# --------------------------------------------------------------------------- modules


@modules_app.command("list")
@guarded
def modules_list(
    focus: Annotated[Optional[str], typer.Option(help="Only modules with this focus area.")] = None,
    role: Annotated[Optional[str], typer.Option(help="Only modules for this role.")] = None,
    level: Annotated[Optional[str], typer.Option(help="foundation, practitioner or lead.")] = None,
    output: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
    project_dir: ProjectOpt = None,
) -> None:
    """List modules, optionally filtered."""
    from rich.table import Table

    from citycourse.catalogue import filter_modules
    from citycourse.clikit import load_checked

    library = load_checked(open_project(project_dir))
    found = filter_modules(library.modules.values(), focus=focus, role=role, level=level)
    if output is TableOrJson.json:
        rows = [
            {
                "id": m.id, "title": m.title, "level": m.level, "hours": m.hours,
                "min_maturity": m.min_maturity, "focus_areas": list(m.focus_areas),
                "themes": list(m.themes), "roles": list(m.roles), "prerequisites": list(m.prerequisites),
                "languages": ["en", *sorted(m.translations)],
            }
            for m in found
        ]
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("id", "title", "level", "hours", "maturity", "focus areas", title=f"{len(found)} modules")
    for m in found:
        table.add_row(m.id, m.title, m.level, f"{m.hours:g}", str(m.min_maturity), ", ".join(m.focus_areas))
    console.print(table)


@modules_app.command("show")
@guarded
def modules_show(
    module_id: Annotated[str, typer.Argument(metavar="ID")],
    project_dir: ProjectOpt = None,
) -> None:
    """Show one module: metadata, objectives, lessons and where it is used."""
    from rich.markdown import Markdown

    from citycourse.catalogue import describe_module
    from citycourse.clikit import load_checked
    from citycourse.errors import UsageError

    library = load_checked(open_project(project_dir))
    if module_id not in library.modules:
        raise UsageError(f"unknown module {module_id!r}", hint="see `citycourse modules list`")
    console.print(Markdown(describe_module(library, module_id)))


@modules_app.command("new")
@guarded
def modules_new(
    module_id: Annotated[str, typer.Argument(metavar="ID", help="Slug: lower-case letters, digits, hyphens.")],
    project_dir: ProjectOpt = None,
) -> None:
    """Write a commented module template that validates, ready to fill in."""
    from citycourse.starter import new_module

    path = new_module(open_project(project_dir), module_id)
    console.print(f"wrote {path} — fill it in, then run [bold]citycourse validate {path}[/]")


# ------------------------------------------------------------------------------ plan


@app.command()
@guarded
def plan(
    curriculum: CurriculumArg,
    city: CityOpt,
    role: Annotated[Optional[list[str]], typer.Option("--role", help="Only this role (repeatable).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="List every module with kept/dropped and why.")] = False,
    output: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.table,
    allow_over_budget: AllowOverBudgetOpt = False,
    ignore_needs: Annotated[
        bool, typer.Option("--ignore-needs", help="Plan as if the city had no staff survey (needs/CITY.yaml).")
    ] = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Tailor CURRICULUM to a city: per role, the ordered modules, hours and a reason for each."""
    from citycourse.needs import needs_for_plan
    from citycourse.planview import plan_markdown, plan_yaml
    from citycourse.tailor import tailor

    project, library, cur, cty = plan_inputs(project_dir, curriculum, city)
    needs = None if ignore_needs else needs_for_plan(project.root, cty, library.modules, library.competencies)
    result = tailor(cur, cty, library.modules, roles=role, allow_over_budget=allow_over_budget, needs=needs)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}")
    if output is PlanFormat.json:
        console.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
    elif output is PlanFormat.yaml:
        console.out(plan_yaml(result), end="")
    elif output is PlanFormat.md:
        console.out(plan_markdown(result, explain=explain), end="")
    else:
        _print_plan_table(result, explain)


def _print_plan_table(result: object, explain: bool) -> None:
    from rich.table import Table

    from citycourse.tailor import Plan

    assert isinstance(result, Plan)
    city = result.city
    console.print(
        f"[bold]{result.curriculum.title}[/] for [bold]{city.name}[/] ({city.country}, maturity "
        f"{city.digital_maturity}, {city.connectivity}, budget {city.hours_budget:g} h per person)"
    )
    for role_plan in result.roles:
        table = Table(
            "#", "module", "level", "hours", "why",
            title=f"{role_plan.role} · {role_plan.headcount} staff · {role_plan.hours:g} of {role_plan.budget:g} h",
            title_justify="left",
        )
        for i, planned in enumerate(role_plan.modules, 1):
            table.add_row(str(i), planned.id, planned.module.level, f"{planned.module.hours:g}", planned.reason)
        console.print(table)
        if explain:
            dropped = Table("module", "status", "why", title=f"{role_plan.role}: every module considered", title_justify="left")
            for d in role_plan.decisions:
                dropped.add_row(d.module_id, "[green]kept[/]" if d.kept else "[red]dropped[/]", d.reason)
            console.print(dropped)
    for role_name, reason in result.dropped_roles.items():
        console.print(f"[dim]{role_name}: no track built — {reason}[/]")


# -------------------------------------------------------------------------- schedule


@app.command("schedule")
@guarded
def schedule_cmd(
    curriculum: CurriculumArg,
    city: CityOpt,
    ics: Annotated[Optional[Path], typer.Option("--ics", help="Write an iCalendar file here.")] = None,
    role: Annotated[Optional[list[str]], typer.Option("--role", help="Only this role (repeatable).")] = None,
    output: Annotated[TableOrJson, typer.Option("--format", "-f")] = TableOrJson.table,
    allow_over_budget: AllowOverBudgetOpt = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Dated sessions for each role from the city's start date; optionally an .ics file."""
    from rich.table import Table

    from citycourse.fsutil import atomic_write_bytes
    from citycourse.schedule import schedule, to_ics
    from citycourse.tailor import tailor

    from citycourse.needs import needs_for_plan

    project, library, cur, cty = plan_inputs(project_dir, curriculum, city)
    needs = needs_for_plan(project.root, cty, library.modules, library.competencies)
    result = tailor(cur, cty, library.modules, roles=role, allow_over_budget=allow_over_budget, needs=needs)
    sessions = schedule(result)
    if ics is not None:
        atomic_write_bytes(ics, to_ics(result, sessions))
        total = sum(len(s) for s in sessions.values())
        err_console.print(f"wrote {ics} ({total} sessions)")
    if output is TableOrJson.json:
        payload = {role_name: [s.to_dict() for s in items] for role_name, items in sessions.items()}
        console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    if ics is not None:
        return
    for role_name, items in sessions.items():
        table = Table("#", "date", "start", "min", "what", title=role_name, title_justify="left")
        for s in items:
            what = "; ".join(f"{b.module_id}: {b.title}" for b in s.blocks)
            table.add_row(str(s.number), s.date.isoformat(), s.start.strftime("%H:%M"), str(s.minutes), what)
        console.print(table)


def _register_extensions() -> None:
    """Commands that live in their own modules (site building, records)."""
    import importlib

    for name in ("citycourse.cli_site", "citycourse.cli_records", "citycourse.cli_translations",
                 "citycourse.cli_certificates", "citycourse.cli_package", "citycourse.cli_competencies"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


_register_extensions()


def main() -> None:
    app()
