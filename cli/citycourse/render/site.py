"""Per-city MkDocs config, a real strict MkDocs build, atomic swap, zip, skip-if-unchanged.

A build is prepared in the calling process (`prepare`: plan → pages → config →
content hash) and run by `run_job`, which may be in a worker process
(`build_many`). The site is built into a staging folder beside the target and
swapped in with `fsutil.swap_directory`, so a failed build leaves the previous
site byte-identical.
"""

from __future__ import annotations

import gc
import hashlib
import html
import json
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from citycourse.errors import BuildError
from citycourse.references import SiteFacts
from citycourse.render.freshness import INPUTS_FILE, site_name
from citycourse.render.i18n import material_language, search_languages
from citycourse.render.page_cache import PageCache
from citycourse.render.pages import ASSET_DIR, RenderedSite, render_pages
from citycourse.tailor import Plan

HASH_FILE = ".citycourse-build"
#: Fixed build date for MkDocs (sitemap, gzip headers): same inputs → same bytes.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest date a zip can hold
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class BuildJob:
    """Everything needed to build one site; picklable so a worker process can run it."""

    name: str  # folder name under out: <city> or <city>-facilitator
    files: dict[str, bytes]
    config: dict[str, Any]
    base_config: str  # absolute path of the project's root mkdocs.yml
    out: str
    digest: str
    make_zip: bool
    inputs_key: str | None = None


@dataclass(frozen=True)
class BuildRequest:
    """One site to build; picklable, so rendering happens in the worker process too."""

    plan: Plan
    base_config: Path
    out: Path
    facilitator: bool = False
    make_zip: bool = False
    progress_markdown: str | None = None
    logo_path: Path | None = None
    inputs_key: str | None = None
    facts: SiteFacts | None = None  # references, places and glossary terms (`references.site_facts`)
    page_cache: Path | None = None  # folder of rendered-page caches (`page_cache.PAGE_CACHE_DIR` in the project)
    extra_files: dict[str, bytes] | None = None  # e.g. the certificate verification page (render/verify_page.py)
    extra_nav: list[Any] | None = None

    @property
    def name(self) -> str:
        return site_name(self.plan.city.id, self.facilitator)


@dataclass(frozen=True)
class BuildResult:
    name: str
    path: Path
    skipped: bool
    zip_path: Path | None = None
    pages: int = 0


def _versions() -> str:
    from importlib.metadata import version

    from citycourse import __version__

    return f"citycourse {__version__}; mkdocs {version('mkdocs')}; material {version('mkdocs-material')}"


def site_config(rendered: RenderedSite, plan: Plan, *, logo_name: str | None) -> dict[str, Any]:
    """The per-city mkdocs.yml (without INHERIT, added when written)."""
    theme: dict[str, Any] = {
        "name": "material",
        "language": material_language(rendered.language),
        # One partial override: the search dialog gets an accessible name (axe: aria-dialog-name).
        "custom_dir": str(Path(__file__).parent / "assets" / "theme"),
    }
    if logo_name:
        theme["logo"] = f"{ASSET_DIR}/{logo_name}"
        theme["favicon"] = f"{ASSET_DIR}/{logo_name}"
    return {
        "site_name": rendered.site_name,
        "site_description": html.escape(plan.curriculum.in_language(rendered.language).title, quote=True),
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": False,
        "theme": theme,
        "nav": rendered.nav,
        "not_in_nav": "\n".join(rendered.not_in_nav),
        "plugins": [{"search": {"lang": search_languages(rendered.language)}}, "offline"],
    }


def prepare(
    plan: Plan,
    *,
    base_config: Path,
    out: Path,
    facilitator: bool = False,
    make_zip: bool = False,
    progress_markdown: str | None = None,
    logo_path: Path | None = None,
    inputs_key: str | None = None,
    facts: SiteFacts | None = None,
    cache: PageCache | None = None,
    extra_files: dict[str, bytes] | None = None,
    extra_nav: list[Any] | None = None,
) -> BuildJob:
    """Render the pages (unchanged modules' from `cache`) and compute the content hash; no MkDocs yet."""
    if not base_config.is_file():
        raise BuildError(
            f"base MkDocs config {base_config} not found",
            hint="every project has a root mkdocs.yml; `citycourse init` writes one",
        )
    logo = None
    if logo_path is not None:
        if not logo_path.is_file():
            raise BuildError(f"{plan.city.name}: logo {logo_path} not found", hint="fix branding.logo in the city profile")
        logo = (f"logo{logo_path.suffix.lower()}", logo_path.read_bytes())
    rendered = render_pages(plan, facilitator=facilitator, progress_markdown=progress_markdown, logo=logo, facts=facts,
                            cache=cache)
    if extra_files:
        rendered.files.update(extra_files)
    config = site_config(rendered, plan, logo_name=logo[0] if logo else None)
    if extra_nav:
        config["nav"] = [*config["nav"], *extra_nav]
    digest = hashlib.sha256()
    digest.update(_versions().encode())
    digest.update(base_config.read_bytes())
    digest.update(json.dumps(config, sort_keys=True, ensure_ascii=False).encode())
    for path in sorted(rendered.files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(rendered.files[path]).digest())
    name = site_name(plan.city.id, facilitator)
    return BuildJob(
        name, rendered.files, config, str(base_config.resolve()), str(out.resolve()), digest.hexdigest(), make_zip, inputs_key
    )


def previous_digest(target: Path) -> str | None:
    try:
        return (target / HASH_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _page_of(message: str) -> str:
    """The docs page a MkDocs warning is about, when it names one."""
    for quote in ("'", '"'):
        start = message.find("Doc file " + quote)
        if start >= 0:
            rest = message[start + len("Doc file ") + 1:]
            return rest.split(quote, 1)[0]
    return ""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _docs_in_memory(docs: dict[str, bytes]) -> Callable[..., Any]:
    """An `on_files` handler that gives MkDocs the docs from memory, as `get_files` would have found them on disk.

    Same files, same order (`file_sort_key`: the order of MkDocs' walk), and a
    theme file never shadows a page, so the site is byte-identical to one built
    from a docs folder, without writing and reading back every page.
    """
    from mkdocs.structure.files import File, Files, file_sort_key

    def on_files(files: Files, *, config: Any) -> Files:
        ours = sorted((File.generated(config, rel, content=data) for rel, data in docs.items()), key=file_sort_key)
        names = {f.src_uri for f in ours}
        return Files([*ours, *(f for f in files if f.src_uri not in names)])

    on_files.mkdocs_priority = 1000  # type: ignore[attr-defined]  # before any plugin sees the files
    return on_files


def run_mkdocs(config_file: Path, docs: dict[str, bytes] | None = None) -> None:
    """A real, strict MkDocs build; every warning becomes a BuildError naming its page.

    With `docs` (path → bytes) the pages come from memory instead of the config's docs_dir.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    saved = (logger.propagate, logger.level, os.environ.get("SOURCE_DATE_EPOCH"))
    logger.addHandler(collect)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    failure: str | None = None
    try:
        config = load_config(config_file=str(config_file), strict=True)
        if docs is not None:
            config.plugins._register_event("files", _docs_in_memory(docs))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, SystemExit, OSError) as exc:
        failure = str(exc) or type(exc).__name__
    finally:
        logger.removeHandler(collect)
        logger.propagate, level, epoch = saved[0], saved[1], saved[2]
        logger.setLevel(level)
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    if failure is not None or collect.messages:
        lines = []
        for message in collect.messages or [failure or "MkDocs failed"]:
            page = _page_of(message)
            lines.append(f"page {page}: {message}" if page else message)
        first_page = next((_page_of(m) for m in collect.messages if _page_of(m)), "")
        where = f" in page {first_page}" if first_page else ""
        raise BuildError(
            f"MkDocs build failed{where} (strict mode):\n  " + "\n  ".join(lines),
            hint="fix the page's source module (e.g. a link to a page that does not exist); the previous site was left as it was",
        )


def write_zip(site: Path, zip_path: Path) -> None:
    """A deterministic zip of the site (sorted entries, fixed dates), written atomically."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in site.rglob("*") if p.is_file() and p.name not in (HASH_FILE, INPUTS_FILE)):
                info = zipfile.ZipInfo(f"{site.name}/{path.relative_to(site).as_posix()}", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        os.replace(tmp, zip_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_job(job: BuildJob) -> BuildResult:
    """Build one site unless its content hash is unchanged; swap it in atomically."""
    out = Path(job.out)
    target = out / job.name
    zip_path = out / f"{job.name}.zip" if job.make_zip else None
    pages = sum(1 for p in job.files if p.endswith(".md"))
    if previous_digest(target) == job.digest:
        if zip_path is not None and not zip_path.exists():
            write_zip(target, zip_path)
        if job.inputs_key:
            (target / INPUTS_FILE).write_text(job.inputs_key + "\n", encoding="utf-8")
        return BuildResult(job.name, target, True, zip_path, pages)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{job.name}.building.", dir=out))
    try:
        (staging / "docs").mkdir()  # MkDocs wants the folder; the pages come from memory
        config = {"INHERIT": job.base_config, **job.config}
        config_file = staging / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        # Everything loaded so far (library, plan, pages) outlives the build: frozen, the cyclic
        # collector does not rescan it again and again while MkDocs allocates (~3 % of the build).
        gc.freeze()
        try:
            run_mkdocs(config_file, job.files)
        finally:
            gc.unfreeze()
        built = staging / "site"
        from citycourse.render.workbook import assemble

        assemble(built)  # each workbook gets its modules' built pages
        (built / HASH_FILE).write_text(job.digest + "\n", encoding="utf-8")
        if job.inputs_key:
            (built / INPUTS_FILE).write_text(job.inputs_key + "\n", encoding="utf-8")
        if zip_path is not None:
            # Zip from a folder named like the target so the archive unpacks to <city>/.
            named = staging / job.name
            os.replace(built, named)
            write_zip(named, zip_path)
            built = named
        from citycourse.fsutil import swap_directory

        swap_directory(built, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(job.name, target, False, zip_path, pages)


def run_request(request: BuildRequest) -> BuildResult:
    """Render and build one site (in whichever process runs it)."""
    cache = PageCache(request.page_cache / f"{request.name}.json") if request.page_cache else None
    job = prepare(
        request.plan,
        base_config=request.base_config,
        out=request.out,
        facilitator=request.facilitator,
        make_zip=request.make_zip,
        progress_markdown=request.progress_markdown,
        logo_path=request.logo_path,
        inputs_key=request.inputs_key,
        facts=request.facts,
        cache=cache,
        extra_files=request.extra_files,
        extra_nav=request.extra_nav,
    )
    if cache is not None:
        cache.save()
    return run_job(job)


def _warm() -> None:
    """A no-op task: makes the pool start its worker processes now."""


def start_pool(workers: int) -> Any:
    """Start `workers` build processes early, so they import MkDocs while the caller loads YAML.

    Workers fork from a server that has already imported MkDocs and the theme.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
    if os.name != "nt":
        context.set_forkserver_preload(["citycourse.render.site", "mkdocs.commands.build", "material"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    for _ in range(workers):
        pool.submit(_warm)
    return pool


def build_many(
    jobs: list[BuildRequest],
    workers: int = 1,
    on_done: Callable[[BuildResult], None] | None = None,
    pool: Any = None,
) -> list[BuildResult]:
    """Build sites, in parallel processes when workers > 1. Every failure is collected, then raised."""
    from concurrent.futures import Future, as_completed

    results: dict[str, BuildResult] = {}
    errors: list[str] = []

    def collect(job: BuildRequest, outcome: Callable[[], BuildResult]) -> None:
        try:
            results[job.name] = outcome()
            if on_done:
                on_done(results[job.name])
        except BuildError as exc:
            errors.append(f"{job.name}: {exc}")

    if pool is None and (workers <= 1 or len(jobs) <= 1):
        for job in jobs:
            collect(job, lambda job=job: run_request(job))
    else:
        own = pool is None
        pool = pool or start_pool(min(workers, len(jobs)))
        try:
            # Largest sites first, so no worker is left with a big one at the end.
            ordered = sorted(jobs, key=lambda j: -sum(len(r.modules) for r in j.plan.roles))
            futures: dict[Future[BuildResult], BuildRequest] = {pool.submit(run_request, j): j for j in ordered}
            for future in as_completed(futures):
                collect(futures[future], future.result)
        finally:
            if own:
                pool.shutdown()
    if errors:
        raise BuildError(f"{len(errors)} of {len(jobs)} site(s) failed:\n" + "\n".join(errors))
    return [results[job.name] for job in jobs]


def iter_pages(site: Path) -> Iterable[Path]:
    return sorted(site.rglob("*.html"))
