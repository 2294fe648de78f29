"""Rendered-page cache, MkDocs fed from memory, and the build/serve core the CLI is a shell over."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import REPO

CURRICULUM = "smart-city-foundations"
CITY = "saen-dao"


@pytest.fixture(autouse=True)
def own_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own user cache folder (and so its own signing key)."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def load_plan(project: Path, city: str = CITY):
    from citycourse.loading import Project, load_project
    from citycourse.references import site_facts
    from citycourse.tailor import tailor

    library = load_project(Project(project))
    plan = tailor(library.curricula[CURRICULUM], library.cities[city], library.modules, allow_over_budget=True)
    return plan, site_facts(library)


def render(project: Path, cache_file: Path | None, city: str = CITY) -> dict[str, bytes]:
    from citycourse.render.page_cache import PageCache
    from citycourse.render.pages import render_pages

    plan, facts = load_plan(project, city)
    cache = PageCache(cache_file) if cache_file else None
    files = render_pages(plan, facts=facts, cache=cache).files
    if cache is not None:
        cache.save()
    return files


def edit_lesson(project: Path, module_id: str, sentence: str) -> None:
    path = project / "modules" / f"{module_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["lessons"][0]["body"] += f"\n\n{sentence}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def mark_every_cached_page(cache_file: Path, marker: str) -> None:
    """Rewrite the cache (properly signed) with a marker in every page, to see which pages come from it."""
    from citycourse.render.page_cache import PageCache

    cache = PageCache(cache_file)
    for key, entry in cache.entries.items():
        cache.put(key, {p: (text + marker).encode() if p.endswith(".md") else text.encode() for p, text in entry.items()})
    cache.save()


def test_cached_render_equals_a_fresh_render(project: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "pages.json"
    fresh = render(project, None)
    first = render(project, cache_file)
    assert cache_file.is_file()
    second = render(project, cache_file)
    assert first == fresh
    assert second == fresh


def test_unchanged_modules_come_from_the_cache_and_an_edited_one_is_rendered_again(project: Path, tmp_path: Path) -> None:
    from citycourse.render.pages import page_path

    cache_file = tmp_path / "pages.json"
    plan, _ = load_plan(project)
    render(project, cache_file)
    mark_every_cached_page(cache_file, "\nFROM-THE-CACHE\n")
    cached = render(project, cache_file)
    for module_id in plan.module_ids:
        assert b"FROM-THE-CACHE" in cached[page_path(module_id)], module_id

    track = plan.roles[0].module_ids
    edited = track[len(track) // 2]
    edit_lesson(project, edited, "A sentence added by the trainer.")
    after = render(project, cache_file)
    assert b"A sentence added by the trainer." in after[page_path(edited)]
    assert b"FROM-THE-CACHE" not in after[page_path(edited)]
    # The pages that name the edited module (previous/next in a track, or as a prerequisite) are rendered again too.
    neighbours = {m for r in plan.roles for i, m in enumerate(r.module_ids)
                  if edited in r.module_ids[max(i - 1, 0):i + 2]}
    neighbours |= {m for m in plan.module_ids if edited in plan.modules[m].prerequisites}
    assert neighbours - {edited}
    assert set(plan.module_ids) - neighbours
    for module_id in set(plan.module_ids) - neighbours:
        assert b"FROM-THE-CACHE" in after[page_path(module_id)], module_id
    for module_id in neighbours:
        assert b"FROM-THE-CACHE" not in after[page_path(module_id)], module_id


def test_a_change_to_the_plan_renders_every_page_again(project: Path, tmp_path: Path) -> None:
    from citycourse.render.pages import page_path

    cache_file = tmp_path / "pages.json"
    render(project, cache_file)
    mark_every_cached_page(cache_file, "\nFROM-THE-CACHE\n")
    city = project / "curricula" / "cities" / f"{CITY}.yaml"
    data = yaml.safe_load(city.read_text(encoding="utf-8"))
    data["name"] = data["name"] + " Renamed"
    city.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan, _ = load_plan(project)
    after = render(project, cache_file)
    assert not any(b"FROM-THE-CACHE" in after[page_path(m)] for m in plan.module_ids)


def test_a_cache_file_changed_by_anyone_else_is_ignored(project: Path, tmp_path: Path) -> None:
    from citycourse.render.page_cache import PageCache
    from citycourse.render.pages import page_path

    cache_file = tmp_path / "pages.json"
    fresh = render(project, cache_file)
    assert PageCache(cache_file).entries
    # Someone edits the JSON (say, to slip a script into a page) without this user's key.
    data = cache_file.read_bytes()
    cache_file.write_bytes(data.replace(b"# ", b"<script>alert(1)</script># ", 1))
    assert PageCache(cache_file).entries == {}
    plan, _ = load_plan(project)
    again = render(project, cache_file)
    assert again == fresh
    assert all(b"<script>" not in again[page_path(m)] for m in plan.module_ids)
    # Signed with another user's key: ignored too.
    assert PageCache(cache_file, key=b"k" * 32).entries == {}


def test_signing_key_is_private_to_the_user(own_cache_home: Path) -> None:
    from citycourse.render.page_cache import signing_key

    key = signing_key()
    path = own_cache_home / "citycourse" / "page-cache.key"
    assert key is not None and len(key) == 32
    assert path.read_bytes() == key
    assert path.stat().st_mode & 0o777 == 0o600
    assert signing_key() == key


def test_no_key_no_cache(project: Path, tmp_path: Path, own_cache_home: Path) -> None:
    from citycourse.render.page_cache import PageCache

    own_cache_home.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = PageCache(tmp_path / "pages.json")
    assert not cache.enabled
    assert render(project, tmp_path / "pages.json") == render(project, None)
    assert not (tmp_path / "pages.json").exists()


# ------------------------------------------------------------------- the build command and its core


def run(args: list[str]):
    from citycourse.app import app

    return CliRunner().invoke(app, args, catch_exceptions=False)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_build_keeps_the_cache_in_the_project_and_gives_the_same_site(project: Path, tmp_path: Path) -> None:
    first = run(["build", CURRICULUM, "--city", CITY, "-C", str(project), "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    cache_file = project / ".citycourse" / "cache" / "pages" / f"{CITY}.json"
    assert cache_file.is_file()
    second = run(["build", CURRICULUM, "--city", CITY, "-C", str(project), "--out", str(tmp_path / "b")])
    assert second.exit_code == 0, second.output
    assert "built" in second.output
    assert tree(tmp_path / "a" / CITY) == tree(tmp_path / "b" / CITY)


@pytest.mark.slow
def test_mkdocs_fed_from_memory_builds_the_same_site_as_from_a_docs_folder(project: Path, tmp_path: Path) -> None:
    from citycourse.render.site import prepare, run_job, run_mkdocs

    plan, facts = load_plan(project, "ben-may")
    job = prepare(plan, base_config=project / "mkdocs.yml", out=tmp_path / "memory", facts=facts, facilitator=True)
    run_job(job)  # pages from memory
    folder = tmp_path / "folder"
    for rel, data in job.files.items():
        (folder / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "docs" / rel).write_bytes(data)
    config = folder / "mkdocs.yml"
    config.write_text(yaml.safe_dump({"INHERIT": job.base_config, **job.config}, allow_unicode=True), encoding="utf-8")
    run_mkdocs(config)  # pages from the docs folder, as a bare `mkdocs build` reads them
    from citycourse.render.workbook import assemble

    assemble(folder / "site")  # the step after MkDocs: workbooks filled with the built module pages
    from_memory = tree(tmp_path / "memory" / job.name)
    from_memory.pop(".citycourse-build")
    assert from_memory == tree(folder / "site")


@pytest.mark.slow
def test_build_sites_from_python_reports_through_callbacks_and_skips_current_sites(project: Path, tmp_path: Path) -> None:
    from citycourse.project import Project
    from citycourse.render.build import BuildOptions, Callbacks, build_sites

    started: list[int] = []
    done: list[str] = []
    callbacks = Callbacks(on_start=started.append, on_done=lambda r: done.append(r.name))
    options = BuildOptions(out=tmp_path / "out", allow_over_budget=True)
    results = build_sites(Project(project), CURRICULUM, CITY, options, callbacks)
    assert [(r.name, r.skipped) for r in results] == [(CITY, False)]
    assert results[0].pages > 10 and (results[0].path / "index.html").is_file()
    assert started == [1] and done == [CITY]
    again = build_sites(Project(project), CURRICULUM, CITY, options, Callbacks(on_start=started.append))
    assert [(r.name, r.skipped) for r in again] == [(CITY, True)]
    assert started == [1]  # skipped before anything was loaded or built


@pytest.mark.slow
def test_build_sites_passes_tailoring_warnings_to_the_caller(project: Path, tmp_path: Path) -> None:
    from citycourse.errors import BudgetError
    from citycourse.project import Project
    from citycourse.render.build import BuildOptions, Callbacks, build_sites

    city = project / "curricula" / "cities" / f"{CITY}.yaml"
    data = yaml.safe_load(city.read_text(encoding="utf-8"))
    data["hours_budget"] = 1
    city.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(BudgetError):
        build_sites(Project(project), CURRICULUM, CITY, BuildOptions(out=tmp_path / "out"))
    assert not (tmp_path / "out" / CITY).exists()
    warnings: list[str] = []
    options = BuildOptions(out=tmp_path / "out", allow_over_budget=True)
    build_sites(Project(project), CURRICULUM, CITY, options, Callbacks(on_warning=warnings.append))
    assert warnings and all(w.startswith(f"{CITY}: ") for w in warnings)
    assert any("--allow-over-budget" in w for w in warnings)
    assert (tmp_path / "out" / CITY / "index.html").is_file()


def test_preview_regenerates_only_what_changed(project: Path, tmp_path: Path) -> None:
    from citycourse.inputs import load_valid
    from citycourse.project import Project
    from citycourse.render.preview import Preview

    library = load_valid(Project(project))
    preview = Preview(Project(project), library.curricula[CURRICULUM], library.cities[CITY], work=tmp_path / "work")
    preview.regenerate()
    docs = tmp_path / "work" / "docs"
    assert (docs / "index.md").is_file() and preview.config_file.is_file()
    plan, _ = load_plan(project)
    edited, other = plan.roles[0].module_ids[0], plan.roles[0].module_ids[-1]
    untouched = docs / "modules" / f"{other}.md"
    os.utime(untouched, (1, 1))
    before = preview.stamp()
    edit_lesson(project, edited, "Seen in the preview.")
    os.utime(project / "modules" / f"{edited}.yaml", (2_000_000_000, 2_000_000_000))
    assert preview.stamp() != before
    preview.regenerate()
    assert "Seen in the preview." in (docs / "modules" / f"{edited}.md").read_text(encoding="utf-8")
    assert untouched.stat().st_mtime == 1  # not rewritten


def test_preview_keeps_serving_the_last_good_pages_when_an_edit_is_invalid(project: Path, tmp_path: Path) -> None:
    import threading

    from citycourse.inputs import load_valid
    from citycourse.project import Project
    from citycourse.render import preview as preview_module
    from citycourse.render.preview import Preview

    library = load_valid(Project(project))
    preview = Preview(Project(project), library.curricula[CURRICULUM], library.cities[CITY], work=tmp_path / "work")
    preview.regenerate()
    index = (tmp_path / "work" / "docs" / "index.md").read_bytes()
    errors: list[Exception] = []
    seen = threading.Event()
    stop = threading.Event()
    preview_module.POLL_SECONDS, saved = 0.05, preview_module.POLL_SECONDS
    try:
        preview.watch(stop, lambda exc: (errors.append(exc), seen.set()))
        broken = project / "modules" / f"{next(iter(library.modules))}.yaml"
        broken.write_text("id: [unclosed\n", encoding="utf-8")
        os.utime(broken, (2_000_000_000, 2_000_000_000))
        assert seen.wait(10), "the watcher did not report the invalid file"
    finally:
        stop.set()
        preview_module.POLL_SECONDS = saved
    assert errors and "problem" in str(errors[0]).lower()
    assert (tmp_path / "work" / "docs" / "index.md").read_bytes() == index


def test_shared_options_read_the_same_in_every_command() -> None:
    for command in (["plan"], ["schedule"], ["build"], ["serve"]):
        result = run([*command, "--help"])
        assert result.exit_code == 0
        text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())  # the help's box, unwrapped
        assert "Curriculum id or path." in text, command
        assert "City id or path." in text, command
        if command != ["serve"]:
            assert "Warn instead of failing when required hours exceed the budget." in text, command


def test_serve_is_a_module_level_command_over_the_core() -> None:
    import inspect

    from citycourse import cli_site

    assert inspect.getsource(cli_site.register).count("\n") <= 4
    for command in (cli_site.build, cli_site.serve):
        source = inspect.getsource(command)
        assert "threading" not in source and "ProcessPool" not in source and "inputs_key" not in source


def test_no_build_without_city_or_all(project: Path) -> None:
    result = run(["build", CURRICULUM, "-C", str(project)])
    assert result.exit_code == 2
    assert "give either --city CITY or --all" in result.output


def test_unknown_city_names_the_known_ones(project: Path, tmp_path: Path) -> None:
    result = run(["build", CURRICULUM, "--city", "atlantis", "-C", str(project), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "unknown city 'atlantis'" in result.output
    assert "ben-may" in " ".join(result.output.split())


def test_repo_ignores_the_cache_folder() -> None:
    assert "/.citycourse/" in (REPO / ".gitignore").read_text(encoding="utf-8").split()


def test_page_keys_are_the_same_in_every_process(project: Path) -> None:
    """The cache is useful only if a new `citycourse build` computes the same keys (no set order, no ids)."""
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path\n"
        "from citycourse.loading import Project, load_project\n"
        "from citycourse.references import site_facts\n"
        "from citycourse.render.page_cache import module_keys, site_context\n"
        "from citycourse.schedule import schedule\n"
        "from citycourse.tailor import tailor\n"
        "lib = load_project(Project(Path(sys.argv[1])))\n"
        f"plan = tailor(lib.curricula['{CURRICULUM}'], lib.cities['ben-may'], lib.modules, allow_over_budget=True)\n"
        "ctx = site_context(plan, facilitator=True, facts=site_facts(lib), sessions=schedule(plan))\n"
        "print(sorted(module_keys(plan, ctx).items()))\n"
    )
    outputs = {subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1
    import ast

    keys = ast.literal_eval(outputs.pop())
    assert len(keys) > 5 and len({key for _, key in keys}) == len(keys)
