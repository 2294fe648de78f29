"""What `citycourse build` does, as one call: skip the sites that are current, build the others.

The order is chosen for speed. The inputs are fingerprinted and compared
with the built sites before anything heavy is imported (`freshness`), so a
no-change build costs little more than starting Python. For `--all --jobs N`
the build processes are started before the YAML is loaded, so they import
MkDocs meanwhile; each renders and builds its sites (`site.run_request`).
Nothing here prints: warnings and progress go to callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citycourse.errors import Problem, UsageError
from citycourse.render.freshness import site_keys, site_name, up_to_date
from citycourse.render.page_cache import PAGE_CACHE_DIR

if TYPE_CHECKING:
    from citycourse.loading import Library
    from citycourse.models import CityProfile
    from citycourse.project import Project
    from citycourse.render.site import BuildResult
    from citycourse.tailor import Plan

#: Build processes are capped: beyond this MkDocs builds fight over memory and disk.
MAX_JOBS = 8


@dataclass(frozen=True)
class BuildOptions:
    """How to build: the flags of `citycourse build`."""

    out: Path
    facilitator: bool = False
    make_zip: bool = False
    jobs: int = 1
    store: str | None = None  # records store URL for the progress page (None: the project's)
    show_learners: bool = False
    allow_over_budget: bool = False

    def fingerprint(self) -> dict[str, Any]:
        """The options that change a site's bytes (part of its inputs key)."""
        return {"facilitator": self.facilitator, "zip": self.make_zip, "show_learners": self.show_learners,
                "allow_over_budget": self.allow_over_budget}


@dataclass
class Callbacks:
    """Where the core reports what a command shows: input warnings, tailoring warnings, progress."""

    on_problem: Callable[[Problem], None] | None = None
    on_warning: Callable[[str], None] | None = None  # "<city>: <tailoring warning>"
    on_start: Callable[[int], None] | None = None  # number of sites about to be built
    on_done: Callable[[BuildResult], None] | None = None


def logo_path(library: Library, city: CityProfile) -> Path | None:
    """The city's logo file, relative to its profile (or the current folder for a profile given by path)."""
    if not city.branding.logo:
        return None
    source = library.sources.get(("city", city.id))
    base = source.parent if source else Path.cwd()
    return (base / city.branding.logo).resolve()


def progress_markdown(plan: Plan, store: str | None, show_learners: bool) -> str | None:
    """The aggregate progress page from `citycourse.report`, when records exist."""
    from citycourse.store_location import sqlite_missing

    if store is None or sqlite_missing(store):
        return None  # no records: spare importing the report and the database libraries
    from citycourse.report import site_progress_markdown

    return site_progress_markdown(plan, store, show_learners=show_learners)


def unchanged_sites(keys: dict[str, str] | None, options: BuildOptions) -> list[BuildResult] | None:
    """The sites, when every one was built from exactly these inputs (`freshness.site_keys`); else None."""
    from citycourse.render.site import BuildResult

    if not keys:
        return None
    results = []
    for city_id, key in keys.items():
        name = site_name(city_id, options.facilitator)
        zip_path = options.out / f"{name}.zip" if options.make_zip else None
        if not up_to_date(options.out / name, key, zip_path):
            return None
        results.append(BuildResult(name, options.out / name, True, zip_path))
    return results


def build_sites(
    project: Project, curriculum: str, city: str | None, options: BuildOptions, callbacks: Callbacks | None = None
) -> list[BuildResult]:
    """Build one city's site (`city`) or every city's (`city` None); sites already current are skipped.

    Raises InputError for invalid inputs, UsageError for unknown ids and
    BuildError naming every site that failed (the others are built).
    """
    from citycourse.inputs import load_valid, resolve, resolve_curriculum

    callbacks = callbacks or Callbacks()
    options = options if options.out.is_absolute() else _absolute(options)
    from citycourse.keys import issuer_fingerprint, keys_dir, refuse_key_inside

    refuse_key_inside(options.out, keys_dir(project.root))  # the private key must never be published
    fingerprint = {**options.fingerprint(), "issuer": issuer_fingerprint(keys_dir(project.root))}
    keys = site_keys(project.root, curriculum, city, fingerprint, options.store)
    current = unchanged_sites(keys, options)
    if current is not None:
        return current
    keys = keys or {}
    from citycourse.references import site_facts
    from citycourse.render.site import BuildRequest, build_many, start_pool
    from citycourse.store_location import default_url
    from citycourse.tailor import tailor

    jobs = min(options.jobs, MAX_JOBS)
    pool = start_pool(jobs) if jobs > 1 and city is None else None
    try:
        library = load_valid(project, callbacks.on_problem)
        cur = resolve_curriculum(library, curriculum)
        if city is None:
            cities = [library.cities[c] for c in sorted(library.cities)]
            if not cities:
                raise UsageError("no cities in curricula/cities/", hint="add a city profile there")
        else:
            cities = [resolve(library, "city", city)]
        facts = site_facts(library)
        # The store of the project being built, not of the current folder.
        store = options.store or default_url(project.root)
        requests = []
        from citycourse.needs import needs_for_plan
        from citycourse.render.coverage_page import coverage_files
        from citycourse.render.verify_page import publish

        for c in cities:
            extra_files, extra_nav = publish(project.root, c, store)
            needs = needs_for_plan(project.root, c, library.modules, library.competencies)
            plan = tailor(cur, c, library.modules, allow_over_budget=options.allow_over_budget, needs=needs)
            coverage, coverage_nav = coverage_files(plan, library.competencies, project.root)
            extra_files, extra_nav = {**extra_files, **coverage}, [*coverage_nav, *extra_nav]
            for warning in plan.warnings:
                if callbacks.on_warning:
                    callbacks.on_warning(f"{c.id}: {warning}")
            requests.append(BuildRequest(
                plan, base_config=project.mkdocs_config, out=options.out, facilitator=options.facilitator,
                make_zip=options.make_zip, progress_markdown=progress_markdown(plan, store, options.show_learners),
                logo_path=logo_path(library, c), inputs_key=keys.get(c.id), facts=facts,
                page_cache=project.root / PAGE_CACHE_DIR, extra_files=extra_files or None, extra_nav=extra_nav or None,
            ))
        if callbacks.on_start:
            callbacks.on_start(len(requests))
        return build_many(requests, options.jobs, on_done=callbacks.on_done, pool=pool)
    finally:
        if pool is not None:
            pool.shutdown()


def _absolute(options: BuildOptions) -> BuildOptions:
    from dataclasses import replace

    return replace(options, out=Path.cwd() / options.out)
