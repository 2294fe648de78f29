"""`citycourse package`: the Typer shell over `citycourse.package` (SCORM 1.2 and cmi5 zips)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from citycourse.clikit import AllowOverBudgetOpt, CityOpt, CurriculumArg, ProjectOpt, console, guarded, open_project
from citycourse.package import PackageFormat


def package(
    curriculum: CurriculumArg,
    city: CityOpt,
    fmt: Annotated[PackageFormat, typer.Option("--format", "-f", help="scorm12 (Moodle and most LMSs) or cmi5.")],
    out: Annotated[Path, typer.Option("--out", help="A .zip file (one role) or a folder (one zip per role).")],
    role: Annotated[Optional[list[str]], typer.Option("--role", help="Only this role's track (repeatable).")] = None,
    iri_base: Annotated[str, typer.Option(
        "--iri-base", help="Start of the course and activity IRIs; use an address you control.")] = "https://citycourse.invalid/",
    allow_over_budget: AllowOverBudgetOpt = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Package a city's course for an LMS: one SCORM 1.2 or cmi5 zip per role track, one SCO/AU per module."""
    from citycourse.package.build import build_packages

    results = build_packages(open_project(project_dir), curriculum, city, fmt, out, role, iri_base, allow_over_budget)
    for r in results:
        console.print(f"{r.role}: {r.path} ({fmt.value}, {r.modules} modules, {r.files} files, {r.bytes / 1e6:.1f} MB)")


def register(app: typer.Typer) -> None:
    app.command()(guarded(package))
