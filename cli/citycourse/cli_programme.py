"""`citycourse programme`: the Typer shell over `citycourse.programme`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from citycourse.cli_competencies import OutOpt, _csv, _emit
from citycourse.clikit import ProjectOpt, ReportFormat, console, err_console, open_project


def programme_cmd(
    curriculum: Annotated[
        Optional[list[str]], typer.Option("--curriculum", help="Only this curriculum (repeatable; default: all).")
    ] = None,
    output: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    out: OutOpt = None,
    store: Annotated[
        Optional[str], typer.Option("--store", help="Records store URL (default: $CITYCOURSE_STORE, else the project's).")
    ] = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Every city and role: staff, plan hours, competency coverage, surveyed needs, completion (counts only)."""
    from citycourse.clikit import load_checked
    from citycourse.errors import UsageError
    from citycourse.programme import COLUMNS, programme_dict, programme_markdown, programme_rows
    from citycourse.store import default_url, open_store, sqlite_missing

    project = open_project(project_dir)
    library = load_checked(project)
    chosen = curriculum or sorted(library.curricula)
    unknown = [c for c in chosen if c not in library.curricula]
    if unknown:
        raise UsageError(f"unknown curriculum {unknown[0]!r}", hint=f"known: {', '.join(sorted(library.curricula))}")
    url = store or default_url(project.root)
    opened = open_store(url, create=False) if url and not sqlite_missing(url) else None
    try:
        rows, warnings = programme_rows(library, library.competencies, project.root, chosen, opened)
    finally:
        if opened is not None:
            opened.close()
    for warning in warnings:
        err_console.print(f"[yellow]warning:[/] {warning}")
    if output is ReportFormat.json:
        _emit(json.dumps(programme_dict(rows, warnings), ensure_ascii=False, indent=2) + "\n", out)
    elif output is ReportFormat.csv:
        _emit(_csv(COLUMNS, [r.cells() for r in rows]), out)
    elif output is ReportFormat.md:
        _emit(programme_markdown(rows, warnings), out)
    else:
        from rich.table import Table

        table = Table("curriculum", "city", "role", "staff", "hours", "coverage", "survey", "top need",
                      "learners", "complete", "% staff", title="Programme", title_justify="left")
        for r in rows:
            table.add_row(r.curriculum, r.city, r.role, str(r.staff), f"{r.plan_hours:g}",
                          f"{r.competencies_met}/{r.competencies_needed}", _dash(r.survey_respondents),
                          _dash(r.top_need), _dash(r.learners), _dash(r.track_complete),
                          _dash(r.completion_percent_of_staff))
        console.print(table)


def _dash(value: object) -> str:
    return "—" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
