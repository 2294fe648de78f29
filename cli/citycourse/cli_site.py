"""`citycourse build` and `citycourse serve`: the Typer shell over `citycourse.render`.

Skipping current sites, worker processes (`render.build`) and following edits
(`render.preview`) live in the core; these commands parse options and print.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from citycourse.clikit import (
    AllowOverBudgetOpt,
    CityOpt,
    CurriculumArg,
    OptionalCityOpt,
    ProjectOpt,
    console,
    err_console,
    guarded,
    is_terminal,
    open_project,
    plan_inputs,
    render_problem,
)

if TYPE_CHECKING:
    from citycourse.render.site import BuildResult


class _Bar:
    """A transient Rich progress bar for a build of several sites (nothing for one site or a pipe)."""

    def __init__(self) -> None:
        self.progress: Any = None
        self.task: Any = None

    def start(self, total: int) -> None:
        if is_terminal() and total > 1:
            from rich.progress import Progress

            self.progress = Progress(console=console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("building sites", total=total)

    def done(self, _result: BuildResult) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def build(
    curriculum: CurriculumArg,
    city: OptionalCityOpt = None,
    all_cities: Annotated[bool, typer.Option("--all", help="Build every city in curricula/cities/.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Folder for the sites (site/<city>/ inside it).")] = Path("site"),
    facilitator: Annotated[
        bool, typer.Option("--facilitator", help="Add facilitator notes, answers and timings (site/<city>-facilitator/).")
    ] = False,
    make_zip: Annotated[bool, typer.Option("--zip", help="Also write site/<city>.zip that works opened from disk.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Parallel build processes for --all.")] = 1,
    store: Annotated[
        Optional[str], typer.Option("--store", help="Records store URL for the progress page (default: the project's).")
    ] = None,
    show_learners: Annotated[
        bool, typer.Option("--show-learners", help="Name learners on the progress page (off by default).")
    ] = False,
    allow_over_budget: AllowOverBudgetOpt = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print each track's workbook to workbooks/<role>.pdf (needs the 'pdf' extra).")
    ] = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Build the course site for a city (or --all cities) with a strict MkDocs build."""
    from citycourse.errors import UsageError
    from citycourse.render.build import BuildOptions, Callbacks, build_sites

    if bool(city) == all_cities:
        raise UsageError("give either --city CITY or --all", hint="e.g. citycourse build CURRICULUM --city ben-may")
    options = BuildOptions(out, facilitator, make_zip, jobs, store, show_learners, allow_over_budget)
    bar = _Bar()
    callbacks = Callbacks(
        on_problem=render_problem, on_warning=lambda w: err_console.print(f"[yellow]warning:[/] {w}"),
        on_start=bar.start, on_done=bar.done,
    )
    try:
        results = build_sites(open_project(project_dir), curriculum, city, options, callbacks)
    finally:
        bar.stop()
    for result in results:
        where = result.path / "index.html"
        if result.skipped:
            console.print(f"{result.name}: unchanged since the last build, skipped ({where})")
        else:
            console.print(f"{result.name}: built {result.pages} pages → open {where}")
        if result.zip_path is not None:
            console.print(f"{result.name}: zip {result.zip_path}")
    if pdf:
        from citycourse.render.workbook_pdf import pdf_available, workbook_pdfs

        if not pdf_available():
            err_console.print('[yellow]warning:[/] PDF workbooks skipped: WeasyPrint is not installed '
                              '(pip install "citycourse\\[pdf]"); the sites were built')
            return
        for result in results:
            written = workbook_pdfs(result.path)
            console.print(f"{result.name}: {len(written)} workbook PDF(s) in {result.path / 'workbooks'}")


def serve(
    curriculum: CurriculumArg,
    city: CityOpt,
    facilitator: Annotated[bool, typer.Option("--facilitator", help="Preview the facilitator view.")] = False,
    address: Annotated[str, typer.Option("--dev-addr", help="Host:port to serve on.")] = "127.0.0.1:8000",
    project_dir: ProjectOpt = None,
) -> None:
    """Live preview of a city's site: pages are regenerated when a module, curriculum or city file changes."""
    from citycourse.render.preview import Preview
    from citycourse.render.preview import serve as serve_preview

    project, _, cur, cty = plan_inputs(project_dir, curriculum, city)
    console.print(f"Serving {cty.name} on http://{address}/ (Ctrl+C to stop)")
    serve_preview(Preview(project, cur, cty, facilitator=facilitator), address,
                  on_error=lambda exc: err_console.print(f"[red]not rebuilt:[/] {exc}"))


def register(app: typer.Typer) -> None:
    app.command()(guarded(build))
    app.command()(guarded(serve))
