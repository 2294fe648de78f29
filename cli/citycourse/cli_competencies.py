"""`citycourse competencies|survey|needs|programme`: the Typer shell over competency, needs and programme."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from citycourse.clikit import AllowOverBudgetOpt, CityOpt, CurriculumArg, ProjectOpt, console, err_console, guarded, open_project


class DefaultGroup(TyperGroup):
    """A group whose first word may be its default command's argument: `needs --city X` = `needs report --city X`."""

    default = ""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args.insert(0, self.default)
        elif not args:
            args.insert(0, self.default)
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, f"[{self.default.upper()} ARGS] | COMMAND [ARGS]...")


def _group(default: str) -> type[DefaultGroup]:
    return type(f"{default.title()}Group", (DefaultGroup,), {"default": default})


competencies_app = typer.Typer(
    cls=_group("coverage"),
    help="Competency coverage of a plan (`competencies CURRICULUM --city CITY`) and framework exports.",
)
survey_app = typer.Typer(
    cls=_group("form"), help="The staff training needs survey (`survey CURRICULUM --city CITY`) and its import."
)
needs_app = typer.Typer(cls=_group("report"), help="Surveyed training needs of a city's staff (counts only).")
programme_app = typer.Typer(cls=_group("report"), help="Every city at once: staff, plan hours, coverage, needs, completion.")


class CoverageFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(str, Enum):
    moodle_csv = "moodle-csv"
    case_json = "case-json"


class SurveyFormat(str, Enum):
    md = "md"
    csv = "csv"
    json = "json"


RoleOpt = Annotated[Optional[list[str]], typer.Option("--role", help="Only this role (repeatable).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (default: standard output).")]


def _emit(text: str, out: Path | None) -> None:
    from citycourse.fsutil import atomic_write_bytes

    if out is None:
        console.out(text, end="")
        return
    atomic_write_bytes(out, text.encode("utf-8"))
    err_console.print(f"wrote {out}")


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    import csv
    import io

    from citycourse.report import csv_safe

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in [header, *rows]:
        writer.writerow([csv_safe(c) for c in row])
    return out.getvalue()


def planned(
    project_dir: Path | None, curriculum: str, city: str, *, roles: list[str] | None = None,
    ignore_needs: bool = False, allow_over_budget: bool = False,
) -> tuple[Any, Any]:
    """(plan, competencies): the plan `plan` prints for these inputs, survey included unless ignored."""
    from citycourse.clikit import plan_inputs
    from citycourse.competency import load_checked
    from citycourse.needs import needs_for_plan
    from citycourse.tailor import tailor

    project, library, cur, cty = plan_inputs(project_dir, curriculum, city)
    competencies = load_checked(project)
    needs = None if ignore_needs else needs_for_plan(project.root, cty, library.modules, competencies)
    plan = tailor(cur, cty, library.modules, roles=roles, allow_over_budget=allow_over_budget, needs=needs)
    return plan, competencies


# ------------------------------------------------------------------------ competencies


@competencies_app.command("coverage")
@guarded
def coverage_cmd(
    curriculum: CurriculumArg,
    city: CityOpt,
    role: RoleOpt = None,
    output: Annotated[CoverageFormat, typer.Option("--format", "-f")] = CoverageFormat.table,
    ignore_needs: Annotated[bool, typer.Option("--ignore-needs", help="Plan as if the city had no survey.")] = False,
    allow_over_budget: AllowOverBudgetOpt = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Per role: the competencies the role needs, the level the plan reaches, and the gaps."""
    from citycourse.competency import COVERAGE_COLUMNS, coverage, coverage_dict, coverage_rows

    plan, competencies = planned(project_dir, curriculum, city, roles=role, ignore_needs=ignore_needs,
                                 allow_over_budget=allow_over_budget)
    roles = coverage(plan, competencies)
    if output is CoverageFormat.json:
        console.print_json(json.dumps(coverage_dict(plan, roles), ensure_ascii=False))
        return
    if output is CoverageFormat.csv:
        console.out(_csv(COVERAGE_COLUMNS, coverage_rows(roles)), end="")
        return
    from rich.table import Table

    framework = competencies.framework
    for r in roles:
        percent = "—" if r.percent is None else f"{r.percent:g}%"
        table = Table("code", "competency", "needed", "reached", "status", "modules",
                      title=f"{r.role} · {r.met} of {len(r.items)} needed competencies met ({percent})", title_justify="left")
        colour = {"met": "green", "partial": "yellow", "gap": "red"}
        for c in r.items:
            table.add_row(c.code, c.competency, f"{c.needed} {framework.level_name(c.needed)}",
                          f"{c.reached} {framework.level_name(c.reached)}", f"[{colour[c.status]}]{c.status}[/]",
                          ", ".join(c.modules) or "—")
        console.print(table)


@competencies_app.command("export")
@guarded
def export_cmd(
    output: Annotated[ExportFormat, typer.Option("--format", "-f", help="moodle-csv (tool_lpimportcsv) or case-json (IMS CASE 1.0 CFPackage).")],
    out: OutOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """The competency framework as a Moodle import CSV or an IMS CASE 1.0 package."""
    from citycourse.competency import load_checked
    from citycourse.competency_export import case_package, moodle_csv

    framework = load_checked(open_project(project_dir)).framework
    if output is ExportFormat.moodle_csv:
        _emit(moodle_csv(framework), out)
    else:
        _emit(json.dumps(case_package(framework), ensure_ascii=False, indent=2) + "\n", out)


# ------------------------------------------------------------------------------ survey


@survey_app.command("form")
@guarded
def survey_cmd(
    curriculum: CurriculumArg,
    city: CityOpt,
    role: RoleOpt = None,
    output: Annotated[SurveyFormat, typer.Option("--format", "-f", help="md: printable page and question list; csv: empty response sheet; json: the questions.")] = SurveyFormat.md,
    out: OutOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """The training needs questionnaire for the city's roles: self-rating and importance per needed competency."""
    from citycourse.clikit import plan_inputs
    from citycourse.competency import load_checked
    from citycourse.errors import UsageError
    from citycourse.needs import survey_csv, survey_json, survey_markdown, survey_roles

    project, _, cur, cty = plan_inputs(project_dir, curriculum, city)
    competencies = load_checked(project)
    roles = survey_roles(cur, cty, role)
    if not roles:
        raise UsageError(f"no role to survey: {cty.name} has none of {', '.join(role or cur.tracks)} in this curriculum")
    if output is SurveyFormat.json:
        _emit(json.dumps(survey_json(competencies, roles, cty), ensure_ascii=False, indent=2) + "\n", out)
    elif output is SurveyFormat.csv:
        _emit(survey_csv(competencies, roles), out)
    else:
        _emit(survey_markdown(competencies, roles, cty, cur), out)


def needs_import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Survey exports: CSV or .xlsx from Google Forms or Microsoft Forms.")],
    city: CityOpt,
    project_dir: ProjectOpt = None,
) -> None:
    """Count the responses into needs/<city>.yaml (replacing it); no name, email or single answer is stored."""
    from citycourse.clikit import load_checked, resolve
    from citycourse.competency import load_checked as load_competencies
    from citycourse.errors import UsageError
    from citycourse.fsutil import atomic_write_bytes
    from citycourse.needs import import_responses, survey_path

    missing = [f for f in files if not f.exists()]
    if missing:
        raise UsageError(f"no such file: {missing[0]}")
    project = open_project(project_dir)
    library = load_checked(project)
    cty = resolve(library, "city", city)
    survey, warnings = import_responses(files, load_competencies(project), cty)
    for warning in warnings:
        err_console.print(f"[yellow]warning:[/] {warning}")
    path = survey_path(project.root, cty.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, survey.to_yaml().encode("utf-8"))
    counted = ", ".join(f"{r} {rc.respondents}" for r, rc in sorted(survey.roles.items())) or "none"
    console.print(f"wrote {path.relative_to(project.root)}: responses per role: {counted}")


survey_app.command("import")(guarded(needs_import_cmd))
needs_app.command("import")(guarded(needs_import_cmd))


@needs_app.command("report")
@guarded
def needs_report_cmd(
    city: CityOpt,
    output: Annotated[CoverageFormat, typer.Option("--format", "-f")] = CoverageFormat.table,
    project_dir: ProjectOpt = None,
) -> None:
    """Per role and competency: staff with a gap of two levels or more, importance, and priority."""
    from citycourse.clikit import load_checked, resolve
    from citycourse.competency import load_checked as load_competencies
    from citycourse.errors import UsageError
    from citycourse.needs import MIN_RESPONDENTS, needs_rows, needs_summary, load_survey

    project = open_project(project_dir)
    cty = resolve(load_checked(project), "city", city)
    competencies = load_competencies(project)
    survey = load_survey(project.root, cty.id)
    if survey is None:
        raise UsageError(f"{cty.name} has no survey results yet",
                         hint=f"run `citycourse survey CURRICULUM --city {cty.id}`, then `citycourse needs import FILES --city {cty.id}`")
    rows = needs_rows(survey, competencies)
    if output is CoverageFormat.json:
        console.print_json(json.dumps(needs_summary(survey, competencies), ensure_ascii=False))
        return
    header = ["role", "competency", "code", "needed", "answered", "below_need", "large_gap", "large_gap_percent",
              "mean_importance", "priority"]
    if output is CoverageFormat.csv:
        console.out(_csv(header, [list(r.to_dict().values()) for r in rows]), end="")
        return
    from rich.table import Table

    table = Table("role", "code", "competency", "needed", "answered", "gap ≥ 2", "importance", "priority",
                  title=f"{cty.name}: training needs (roles with at least {MIN_RESPONDENTS} responses)", title_justify="left")
    for r in sorted(rows, key=lambda r: (r.role, -r.priority, r.code)):
        share = "—" if r.large_gap_share is None else f"{r.large_gap} ({r.large_gap_share:g}%)"
        table.add_row(r.role, r.code, r.competency, str(r.needed), str(r.answered), share,
                      "—" if r.mean_importance is None else f"{r.mean_importance:g}", f"{r.priority:.2f}")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(competencies_app, name="competencies")
    app.add_typer(survey_app, name="survey")
    app.add_typer(needs_app, name="needs")
    try:
        from citycourse.cli_programme import programme_cmd
    except ModuleNotFoundError:  # pragma: no cover
        return
    programme_app.command("report")(guarded(programme_cmd))
    app.add_typer(programme_app, name="programme")
