"""`citycourse translations export|import|status`: the Typer shell over `citycourse.translations`."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from citycourse.clikit import ProjectOpt, console, err_console, guarded, open_project

translations_app = typer.Typer(
    help="Hand module text to translators as gettext PO files and bring their work back.", no_args_is_help=True
)


class StatusFormat(str, Enum):
    table = "table"
    json = "json"


@translations_app.command("export")
@guarded
def export_cmd(
    lang: Annotated[str, typer.Option("--lang", help="Language code of the translation, e.g. th, vi, id, ms.")],
    modules: Annotated[Optional[list[str]], typer.Argument(metavar="[MODULES]...", help="Module ids (default: all).")] = None,
    curricula: Annotated[bool, typer.Option("--curricula", help="Also the curricula's titles and descriptions.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the PO file here (default: standard output).")] = None,
    project_dir: ProjectOpt = None,
) -> None:
    """A PO file with one entry per translatable unit; existing translations filled in, stale ones fuzzy."""
    import re

    from citycourse.clikit import load_checked
    from citycourse.errors import UsageError
    from citycourse.fsutil import atomic_write_bytes
    from citycourse.translations import export_po, owners

    if not re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?", lang) or lang == "en":
        raise UsageError(f"not a language to translate into: {lang!r}", hint="use a code such as th, vi, id or ms")
    project = open_project(project_dir)
    library = load_checked(project)
    selected = owners(library, modules, curricula=curricula)
    data = export_po(selected, lang.replace("-", "_"), project.root)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    atomic_write_bytes(out, data)
    units = sum(len(o.units) for o in selected)
    err_console.print(f"wrote {out} ({units} entries from {len(selected)} files)")


@translations_app.command("import")
@guarded
def import_cmd(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Translated PO files.")],
    accept_fuzzy: Annotated[
        bool, typer.Option("--accept-fuzzy", help="Also import entries marked fuzzy (needs review), as accepted.")
    ] = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Write translations back into the module and curriculum files: every file, or none if any entry is refused."""
    from citycourse.clikit import load_checked, render_problem
    from citycourse.errors import UsageError
    from citycourse.translations import import_po

    missing = [f for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"no such file: {missing[0]}", hint="give the path of a .po file")
    project = open_project(project_dir)
    library = load_checked(project)
    result = import_po(library, files, project.root, accept_fuzzy=accept_fuzzy)
    for warning in result.warnings:
        render_problem(warning)
    console.print(
        f"{result.imported} translation(s) imported, {result.unchanged} unchanged, {result.empty} untranslated, "
        f"{result.fuzzy_skipped} fuzzy skipped; {len(result.written)} file(s) written"
    )
    for path in result.written:
        console.print(f"  wrote {path}")


@translations_app.command("status")
@guarded
def status_cmd(
    lang: Annotated[Optional[list[str]], typer.Option("--lang", help="Only this language (repeatable).")] = None,
    output: Annotated[StatusFormat, typer.Option("--format", "-f")] = StatusFormat.table,
    project_dir: ProjectOpt = None,
) -> None:
    """Per language and module: units, translated, missing, stale (English changed since), complete."""
    from citycourse.clikit import load_checked
    from citycourse.translations import status

    rows = status(load_checked(open_project(project_dir)), lang)
    if output is StatusFormat.json:
        console.print_json(json.dumps([r.to_dict() for r in rows], ensure_ascii=False))
        return
    from rich.table import Table

    for language in dict.fromkeys(r.language for r in rows):
        mine = [r for r in rows if r.language == language]
        done = sum(r.complete for r in mine)
        from rich.table import Column

        table = Table("kind", Column("id", no_wrap=True), "units", "translated", "missing", "stale", "accepted", "complete",
                      title=f"{language}: {done} of {len(mine)} complete", title_justify="left")
        for r in mine:
            table.add_row(r.kind, r.id, str(r.units), str(r.translated), str(r.missing),
                          f"[yellow]{r.stale}[/]" if r.stale else "0", str(r.accepted),
                          "[green]yes[/]" if r.complete else "no")
        console.print(table)
    if not rows:
        console.print("no translations yet; start with `citycourse translations export --lang LANG`")


def register(app: typer.Typer) -> None:
    app.add_typer(translations_app, name="translations")
