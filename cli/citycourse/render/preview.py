"""`citycourse serve`: a city's site in MkDocs' live-reloading dev server, following edits to the YAML.

A `Preview` keeps a working folder (docs + mkdocs.yml) generated from the
project. A watcher thread polls the modification times of the project's
YAML once a second and regenerates on a change; only files whose bytes
changed are rewritten, so MkDocs' own watcher rebuilds just what it must.
A regeneration that fails (invalid YAML mid-edit) keeps the last good pages
and is reported through `on_error`; the server keeps running.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citycourse.models import CityProfile, Curriculum
    from citycourse.project import Project

#: How often the watcher looks at the project's files, in seconds.
POLL_SECONDS = 1.0


class Preview:
    """A generated docs folder for one city, regenerated from the project on demand."""

    def __init__(self, project: Project, curriculum: Curriculum, city: CityProfile, *, facilitator: bool = False,
                 work: Path | None = None) -> None:
        self.project = project
        self.curriculum = curriculum
        self.city = city
        self.facilitator = facilitator
        self.work = work or Path(tempfile.mkdtemp(prefix="citycourse-serve-"))
        self.config_file = self.work / "mkdocs.yml"

    def regenerate(self) -> None:
        """Load the project again and write the pages and config that changed."""
        import yaml

        from citycourse.inputs import load_valid
        from citycourse.references import site_facts
        from citycourse.render.build import logo_path
        from citycourse.render.site import prepare
        from citycourse.tailor import tailor

        library = load_valid(self.project)
        # A curriculum or city given by path (outside the project) stays as it was loaded.
        curriculum = library.curricula.get(self.curriculum.id, self.curriculum)
        city = library.cities.get(self.city.id, self.city)
        plan = tailor(curriculum, city, library.modules, allow_over_budget=True)
        job = prepare(plan, base_config=self.project.mkdocs_config, out=self.work / "out", facilitator=self.facilitator,
                      logo_path=logo_path(library, city), facts=site_facts(library))
        docs = self.work / "docs"
        for rel, data in job.files.items():
            path = docs / rel
            if not path.exists() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        config = {"INHERIT": job.base_config, **job.config, "site_dir": str(self.work / "site")}
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        if not self.config_file.exists() or self.config_file.read_text(encoding="utf-8") != text:
            self.config_file.write_text(text, encoding="utf-8")

    def stamp(self) -> list[tuple[str, float]]:
        """Every project YAML file with its modification time: a change here means regenerate."""
        roots = [self.project.modules_dir, self.project.curricula_dir, self.project.references_dir]
        return sorted((str(p), p.stat().st_mtime) for r in roots if r.is_dir() for p in r.rglob("*.y*ml"))

    def watch(self, stop: threading.Event, on_error: Callable[[Exception], None]) -> threading.Thread:
        """Start a daemon thread that regenerates after each change from now on, until `stop` is set."""

        def loop(last: list[tuple[str, float]]) -> None:
            while not stop.wait(POLL_SECONDS):
                now = self.stamp()
                if now != last:
                    last = now
                    try:
                        self.regenerate()
                    except Exception as exc:  # noqa: BLE001 - keep serving; the caller shows what is wrong
                        on_error(exc)

        thread = threading.Thread(target=loop, args=(self.stamp(),), name="citycourse-watch", daemon=True)
        thread.start()
        return thread


def serve(preview: Preview, address: str, on_error: Callable[[Exception], None]) -> None:
    """Generate the pages, then serve them on `address` until interrupted, following edits."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    preview.regenerate()
    stop = threading.Event()
    preview.watch(stop, on_error)
    try:
        mkdocs_serve(str(preview.config_file), dev_addr=address, livereload=True)
    finally:
        stop.set()
