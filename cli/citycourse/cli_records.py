"""`citycourse records ...` and `citycourse progress`: a thin Typer shell over store.py and report.py."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from citycourse.clikit import CityOpt, ProjectOpt, ReportFormat, console, err_console, guarded, open_project

records_app = typer.Typer(help="Import exported training records; map titles to modules; review the quarantine.",
                          no_args_is_help=True)


class RecordFormat(str, Enum):
    auto = "auto"
    xapi = "xapi"
    moodle_completion = "moodle-completion"
    moodle_activity = "moodle-activity"
    moodle_quiz = "moodle-quiz"
    quiz_csv = "quiz-csv"
    attendance = "attendance"
    roster = "roster"


class DateOrderOpt(str, Enum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


class _ImportProgress:
    """A Rich progress display for long imports (terminal only): bytes read of each file, rows per second."""

    def __init__(self, files: list[Path]) -> None:
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn)

        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TextColumn("{task.fields[rows]:,} rows · {task.fields[rate]:,.0f} rows/s"), TimeElapsedColumn(),
            console=err_console, transient=True,
        )
        self.tasks: dict[str, Any] = {}
        self.sizes = {str(f): (f.stat().st_size if f.is_file() else None) for f in files}

    def __enter__(self) -> _ImportProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, name: str, rows: int, position: int | None) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(Path(name).name, total=self.sizes.get(name), rows=0, rate=0.0)
        task_id = self.tasks[name]
        task = self.progress.tasks[task_id]
        elapsed = task.elapsed or 0.0
        self.progress.update(task_id, completed=position if position is not None else 0, rows=rows,
                             rate=rows / elapsed if elapsed > 0 else 0.0)


class By(str, Enum):
    learner = "learner"
    module = "module"
    role = "role"


StoreOpt = Annotated[
    Optional[str],
    typer.Option("--store", help="Store URL: a SQLite path/URL or postgresql://... (default: $CITYCOURSE_STORE, "
                 "else <project>/.citycourse/records.db)."),
]


def _store_url(store: str | None, project_dir: Path | None) -> tuple[str, Any]:
    from citycourse.store import default_url

    project = None
    try:
        project = open_project(project_dir)
    except Exception:  # noqa: BLE001 - a --store URL works without a project
        if store is None and default_url(None) is None:
            raise
    url = store or default_url(project.root if project else None)
    assert url is not None
    return url, project


def _module_titles(project: Any) -> dict[str, str]:
    from citycourse.clikit import load_checked

    library = load_checked(project)
    return {mid: m.title for mid, m in library.modules.items()}


@records_app.command("import")
@guarded
def records_import(
    files: Annotated[list[Path], typer.Argument(help="Export files (format detected from content).")],
    fmt: Annotated[RecordFormat, typer.Option("--format", help="Force a format instead of detecting it.")] = RecordFormat.auto,
    city: Annotated[Optional[str], typer.Option("--city", help="City these records belong to (id).")] = None,
    curriculum: Annotated[Optional[str], typer.Option("--curriculum", help="Curriculum id (checked to exist).")] = None,
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read, match and count, then roll back.")] = False,
    allow_quarantine: Annotated[bool, typer.Option("--allow-quarantine", help="Exit 0 even when rows were quarantined.")] = False,
    date_order: Annotated[Optional[DateOrderOpt], typer.Option(
        "--date-order", help="How to read numeric dates when every value in a column fits both orders "
        "(e.g. 11/12/2026): dmy, mdy or ymd. A column with a telling value (13/11/2026) decides for itself.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Workbook sheet to read (default: the first).")] = None,
    max_score: Annotated[Optional[float], typer.Option(
        "--max-score", min=0.000001, help="The quiz's total points, for exports that give points without a "
        "maximum (Microsoft Forms' 'Total points').")] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="text or json summary.")] = "text",
    project_dir: ProjectOpt = None,
) -> None:
    """Import FILES (CSV, .xlsx/.ods workbooks, xAPI JSON) in one transaction: all stored or nothing.

    Exit 1 when rows were quarantined."""
    from citycourse.clikit import load_checked
    from citycourse.errors import UsageError
    from citycourse.store import import_files, open_store, redact

    url, project = _store_url(store, project_dir)
    if project is None:
        raise UsageError("records import needs a project (its modules are what records are matched to)")
    library = load_checked(project)
    if city is not None and city not in library.cities:
        raise UsageError(f"unknown city {city!r}", hint=f"known: {', '.join(sorted(library.cities)) or 'none'}")
    if curriculum is not None and curriculum not in library.curricula:
        raise UsageError(f"unknown curriculum {curriculum!r}", hint=f"known: {', '.join(sorted(library.curricula))}")
    titles = {mid: m.title for mid, m in library.modules.items()}
    from citycourse.clikit import is_terminal
    from citycourse.records.settings import reading_options

    options = reading_options(project.root, library.cities.get(city) if city else None,
                              date_order=date_order.value if date_order else None, sheet=sheet, max_score=max_score)
    with open_store(url) as opened:
        if is_terminal() and output != "json":
            with _ImportProgress(files) as progress:
                summary = import_files(opened, files, titles, fmt=fmt.value, city=city, dry_run=dry_run,
                                       on_batch=progress.update, options=options)
        else:
            summary = import_files(opened, files, titles, fmt=fmt.value, city=city, dry_run=dry_run, options=options)
    quarantined = summary.total("quarantined")
    if output == "json":
        console.print_json(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        from rich.table import Table

        table = Table("file", "format", "read", "new", "duplicate", "voided", "quarantined", "skipped",
                      title=("dry run: nothing stored" if dry_run else f"imported into {redact(url)}"),
                      title_justify="left")
        for f in summary.files:
            table.add_row(f.file, f.format, *(str(getattr(f, k)) for k in
                                              ("read", "new", "duplicate", "voided", "quarantined", "skipped")))
        if len(summary.files) > 1:
            table.add_row("total", "", *(str(summary.total(k)) for k in
                                         ("read", "new", "duplicate", "voided", "quarantined", "skipped")))
        console.print(table)
        for f in summary.files:
            for text in f.notes:
                console.print(f"[dim]note:[/] {text}", highlight=False)
            if f.skip_reasons:
                reasons = "; ".join(f"{n} {why}" for why, n in sorted(f.skip_reasons.items(), key=lambda kv: -kv[1]))
                console.print(f"[dim]skipped in {Path(f.file).name}:[/] {reasons}", highlight=False)
        if summary.cancelled:
            console.print(f"{summary.cancelled} earlier record(s) cancelled by voiding statements")
    if quarantined:
        err_console.print(
            f"[yellow]{quarantined} row(s) quarantined[/]: see `citycourse records quarantine`; fix with "
            "`citycourse records map TITLE MODULE`, then `citycourse records quarantine --retry`"
        )
        if not allow_quarantine:
            raise typer.Exit(1)


@records_app.command("map")
@guarded
def records_map(
    title: Annotated[Optional[str], typer.Argument(help="Title or activity IRI as it appears in the exports.")] = None,
    module: Annotated[Optional[str], typer.Argument(help="Module id it stands for.")] = None,
    ignore: Annotated[bool, typer.Option("--ignore", help="Not a module: skip these rows (e.g. a welcome forum).")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Delete the mapping for TITLE.")] = False,
    output: Annotated[str, typer.Option("--format", "-f", help="table or json (listing)")] = "table",
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Map a title to a module: `records map TITLE MODULE`, `records map TITLE --ignore`; no TITLE lists them."""
    from rich.table import Table

    from citycourse.errors import UsageError
    from citycourse.store import IGNORE, add_mapping, list_mappings, open_store, remove_mapping

    url, project = _store_url(store, project_dir)
    if title is None:
        with open_store(url, create=False) as opened:
            found = list_mappings(opened)
        if output == "json":
            console.print_json(json.dumps(found, ensure_ascii=False))
            return
        table = Table("title", "module", title=f"{len(found)} mappings", title_justify="left")
        for m in found:
            table.add_row(m["title"], "(ignored)" if m["module"] == IGNORE else m["module"])
        console.print(table)
        return
    if remove:
        with open_store(url, create=False) as opened:
            if not remove_mapping(opened, title):
                raise UsageError(f"no mapping for {title!r}")
        console.print(f"removed mapping for {title!r}")
        return
    if ignore == (module is not None):
        raise UsageError("give either a MODULE id or --ignore")
    if module is not None and project is not None:
        titles = _module_titles(project)
        if module not in titles:
            raise UsageError(f"unknown module {module!r}", hint="see `citycourse modules list`")
    with open_store(url) as opened:
        add_mapping(opened, title, module or IGNORE)
    console.print(f"mapped {title!r} → {module or 'ignored'}")


@records_app.command("quarantine")
@guarded
def records_quarantine(
    retry: Annotated[bool, typer.Option("--retry", help="Match quarantined rows again (after `records map TITLE MODULE`).")] = False,
    output: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """List rows that could not be matched, with the reason; --retry re-matches them."""
    from rich.table import Table

    from citycourse.store import list_quarantine, open_store, retry_quarantine

    url, project = _store_url(store, project_dir)
    with open_store(url, create=False) as opened:
        if retry:
            released, left = retry_quarantine(opened, _module_titles(project) if project else {})
            err_console.print(f"{released} row(s) released from quarantine, {left} still quarantined")
        found = list_quarantine(opened)
    if output == "json":
        console.print_json(json.dumps(found, ensure_ascii=False))
    else:
        table = Table("file", "line", "learner", "module/title", "reason", title=f"{len(found)} quarantined",
                      title_justify="left")
        for q in found:
            table.add_row(q["file"], str(q["line"] or ""), str(q["learner"] or ""), q["module"], q["reason"])
        console.print(table)
    if retry and found:
        raise typer.Exit(1)


def progress_cmd(
    city: CityOpt,
    curriculum: Annotated[Optional[str], typer.Option("--curriculum", help="Curriculum id (default: the only one).")] = None,
    by: Annotated[By, typer.Option("--by", help="learner, module or role.")] = By.learner,
    output: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Completion per learner, module or role for one city, judged by the curriculum's rule."""
    from citycourse.report import ProgressStream, write_csv, write_json, write_markdown
    from citycourse.store import open_store

    plan, url = _plan(city, curriculum, store, project_dir)
    with open_store(url, create=False) as opened:
        progress = ProgressStream(plan, opened)  # learners are written as they are read
        if output is ReportFormat.json:
            write_json(progress, console.file)
        elif output is ReportFormat.csv:
            write_csv(progress, by.value, console.file)
        elif output is ReportFormat.md:
            write_markdown(progress, by.value, console.file)
        else:
            _progress_table(progress, by.value)
        if output is ReportFormat.json or by is By.role:
            for warning in progress.warnings:
                err_console.print(f"[yellow]warning[/]: {warning}")


def _progress_table(progress: Any, by: str) -> None:
    """A Rich table; for learners, widths are measured in a first pass and rows written as plain lines
    (a Rich table of 100,000 rows takes a minute and holds every cell), so memory stays flat."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Column, Table

    from citycourse.report import header, iter_rows, text

    cur, cty = progress.plan.curriculum, progress.plan.city
    title = f"{cur.title} · {cty.name} · by {by} ({cur.completion.move_on})"
    head = header(by)
    if by != "learner":
        table = Table(*head, title=title, title_justify="left")
        for row in iter_rows(progress, by):
            table.add_row(*(text(c) for c in row))
        console.print(table)
        return
    widths = [cell_len(h) for h in head]
    for row in iter_rows(progress, by):
        widths = [max(w, cell_len(text(c))) for w, c in zip(widths, row)]
    console.print(Table(*(Column(h, min_width=w) for h, w in zip(head, widths)), title=title, title_justify="left",
                        box=box.SIMPLE_HEAD, show_edge=False))
    out = console.file
    for row in iter_rows(progress, by):
        cells = [text(c) for c in row]
        out.write(" " + "   ".join(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths)) + " \n")


def _plan(city: str, curriculum: str | None, store: str | None, project_dir: Path | None) -> tuple[Any, str]:
    """The city's tailored plan (what progress is judged against) and the store URL."""
    from citycourse.clikit import load_checked, plan_inputs
    from citycourse.errors import UsageError
    from citycourse.tailor import tailor

    url, project = _store_url(store, project_dir)
    if project is None:
        raise UsageError("this command needs a project (the curriculum and city are judged from it)")
    if curriculum is None:
        library = load_checked(project)
        if len(library.curricula) != 1:
            raise UsageError("which curriculum?", hint=f"pass --curriculum ({', '.join(sorted(library.curricula))})")
        curriculum = next(iter(library.curricula))
    _, library, cur, cty = plan_inputs(project.root, curriculum, city)
    return tailor(cur, cty, library.modules, allow_over_budget=True), url


def register(app: typer.Typer) -> None:
    app.add_typer(records_app, name="records")
    app.command("progress")(guarded(progress_cmd))
