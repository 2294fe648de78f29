"""`citycourse build` and `citycourse serve`: the Typer shell over `citycourse.render`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from citycourse.clikit import ProjectOpt, console, err_console, guarded, is_terminal, plan_inputs



def _progress_markdown(plan: Any, store: str | None, show_learners: bool) -> str | None:
    """The aggregate progress page from citycourse.report, when that module and records exist."""
    try:
        from citycourse.report import site_progress_markdown  # type: ignore[attr-defined]
    except ImportError:
        return None
    return site_progress_markdown(plan, store, show_learners=show_learners)


def _logo_path(library: Any, city: Any) -> Path | None:
    if not city.branding.logo:
        return None
    source = library.sources.get(("city", city.id))
    base = source.parent if source else Path.cwd()
    return (base / city.branding.logo).resolve()


def _fast_path_keys(
    project: Any, curriculum: str, city: str | None, all_cities: bool, store: str | None, options: dict[str, Any],
) -> dict[str, str] | None:
    """Input fingerprints per city, or None when the inputs are not all inside the project."""
    from citycourse.render.freshness import inputs_key

    if not (project.curricula_dir / f"{curriculum}.yaml").is_file():
        return None
    if all_cities:
        city_ids = sorted(p.stem for p in project.cities_dir.glob("*.yaml"))
    elif city and (project.cities_dir / f"{city}.yaml").is_file():
        city_ids = [city]
    else:
        return None
    options = {**options, "curriculum": curriculum}
    keys = {cid: inputs_key(project.root, cid, options, store) for cid in city_ids}
    return None if any(k is None for k in keys.values()) else keys  # type: ignore[return-value]


def register(app: typer.Typer) -> None:
    @app.command()
    @guarded
    def build(
        curriculum: Annotated[str, typer.Argument(help="Curriculum id or path.")],
        city: Annotated[Optional[str], typer.Option("--city", help="City id or path.")] = None,
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
        allow_over_budget: Annotated[bool, typer.Option("--allow-over-budget")] = False,
        project_dir: ProjectOpt = None,
    ) -> None:
        """Build the course site for a city (or --all cities) with a strict MkDocs build."""
        from citycourse.clikit import load_checked, open_project, resolve, resolve_curriculum
        from citycourse.errors import UsageError
        from citycourse.render.freshness import site_name, up_to_date
        from citycourse.store_location import default_url

        if bool(city) == all_cities:
            raise UsageError("give either --city CITY or --all", hint="e.g. citycourse build CURRICULUM --city ben-may")
        project = open_project(project_dir)
        out_dir = out if out.is_absolute() else Path.cwd() / out
        keys = _fast_path_keys(project, curriculum, city, all_cities, store, {
            "facilitator": facilitator, "zip": make_zip, "show_learners": show_learners,
            "allow_over_budget": allow_over_budget,
        })
        if keys and all(
            up_to_date(out_dir / site_name(cid, facilitator), key, (out_dir / f"{site_name(cid, facilitator)}.zip") if make_zip else None)
            for cid, key in keys.items()
        ):
            for cid in keys:
                where = out_dir / site_name(cid, facilitator) / "index.html"
                console.print(f"{site_name(cid, facilitator)}: unchanged since the last build, skipped ({where})")
            return
        from citycourse.references import site_facts
        from citycourse.render.site import BuildRequest, build_many, start_pool
        from citycourse.tailor import tailor

        # Start the build processes first: they import MkDocs while this one loads the YAML.
        pool = start_pool(min(jobs, 8)) if jobs > 1 and all_cities else None
        try:
            library = load_checked(project)
            cur = resolve_curriculum(library, curriculum)
            if all_cities:
                cities = [library.cities[c] for c in sorted(library.cities)]
                if not cities:
                    raise UsageError("no cities in curricula/cities/", hint="add a city profile there")
            else:
                cities = [resolve(library, "city", city)]
            facts = site_facts(library)
            requests = []
            for c in cities:
                plan = tailor(cur, c, library.modules, allow_over_budget=allow_over_budget)
                for warning in plan.warnings:
                    err_console.print(f"[yellow]warning:[/] {c.id}: {warning}")
                requests.append(
                    BuildRequest(
                        plan,
                        base_config=project.mkdocs_config,
                        out=out_dir,
                        facilitator=facilitator,
                        make_zip=make_zip,
                        # The store of the project being built, not of the current folder.
                        progress_markdown=_progress_markdown(plan, store or default_url(project.root), show_learners),
                        logo_path=_logo_path(library, c),
                        inputs_key=(keys or {}).get(c.id),
                        facts=facts,
                    )
                )
            if is_terminal() and len(requests) > 1:
                from rich.progress import Progress

                with Progress(console=console, transient=True) as progress:
                    task = progress.add_task("building sites", total=len(requests))
                    results = build_many(requests, jobs, on_done=lambda _r: progress.advance(task), pool=pool)
            else:
                results = build_many(requests, jobs, pool=pool)
        finally:
            if pool is not None:
                pool.shutdown()
        for result in results:
            where = result.path / "index.html"
            if result.skipped:
                console.print(f"{result.name}: unchanged since the last build, skipped ({where})")
            else:
                console.print(f"{result.name}: built {result.pages} pages → open {where}")
            if result.zip_path is not None:
                console.print(f"{result.name}: zip {result.zip_path}")

    @app.command()
    @guarded
    def serve(
        curriculum: Annotated[str, typer.Argument(help="Curriculum id or path.")],
        city: Annotated[str, typer.Option("--city", help="City id or path.")],
        facilitator: Annotated[bool, typer.Option("--facilitator", help="Preview the facilitator view.")] = False,
        address: Annotated[str, typer.Option("--dev-addr", help="Host:port to serve on.")] = "127.0.0.1:8000",
        project_dir: ProjectOpt = None,
    ) -> None:
        """Live preview of a city's site: pages are regenerated when a module, curriculum or city file changes."""
        import tempfile
        import threading

        import yaml
        from mkdocs.commands.serve import serve as mkdocs_serve

        from citycourse.clikit import load_checked
        from citycourse.references import site_facts
        from citycourse.render.site import prepare
        from citycourse.tailor import tailor

        project, library, cur, cty = plan_inputs(project_dir, curriculum, city)
        work = Path(tempfile.mkdtemp(prefix="citycourse-serve-"))
        docs = work / "docs"

        def regenerate() -> None:
            lib = load_checked(project)
            plan = tailor(lib.curricula.get(cur.id, cur), lib.cities.get(cty.id, cty), lib.modules, allow_over_budget=True)
            job = prepare(plan, base_config=project.mkdocs_config, out=work / "out", facilitator=facilitator,
                          logo_path=_logo_path(lib, cty), facts=site_facts(lib))
            for rel, data in job.files.items():
                path = docs / rel
                if not path.exists() or path.read_bytes() != data:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
            config = {"INHERIT": job.base_config, **job.config, "site_dir": str(work / "site")}
            text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
            cfg = work / "mkdocs.yml"
            if not cfg.exists() or cfg.read_text(encoding="utf-8") != text:
                cfg.write_text(text, encoding="utf-8")

        regenerate()
        stop = threading.Event()

        def watch() -> None:
            def stamp() -> list[tuple[str, float]]:
                roots = [project.modules_dir, project.curricula_dir, project.references_dir]
                return sorted((str(p), p.stat().st_mtime) for r in roots for p in r.rglob("*.y*ml"))

            last = stamp()
            while not stop.wait(1.0):
                now = stamp()
                if now != last:
                    last = now
                    try:
                        regenerate()
                    except Exception as exc:  # noqa: BLE001 - keep serving; show what is wrong
                        err_console.print(f"[red]not rebuilt:[/] {exc}")

        threading.Thread(target=watch, daemon=True).start()
        console.print(f"Serving {cty.name} on http://{address}/ (Ctrl+C to stop)")
        try:
            mkdocs_serve(str(work / "mkdocs.yml"), dev_addr=address, livereload=True)
        finally:
            stop.set()
