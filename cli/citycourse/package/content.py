"""The files of one role's package: the city's site built for that role, module pages with an LMS runtime.

The site is built exactly as `citycourse build` builds it (render.site: the
same templates, theme and strict MkDocs run) into a temporary folder, for a
plan tailored to the one role, in the learner view. Each module page then gets

* an end-of-module marker (`#cc-module-end`) before `</article>`, which the
  runtime watches to know the learner reached the end of the module;
* a JSON block (`#cc-package`) with the module id, its publisher IRI, the
  pass mark and the UI strings the runtime shows;
* the runtime script for the format (`assets/lms-<format>.js`).

Pages other than module pages are packaged unchanged (handouts, glossary,
search), so a module's links work inside the LMS with no network.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from citycourse.errors import BuildError, UsageError

if TYPE_CHECKING:
    from citycourse.loading import Library
    from citycourse.models import CityProfile, Curriculum, Module
    from citycourse.project import Project
    from citycourse.tailor import Plan, RolePlan

ASSETS = Path(__file__).parent / "assets"
RUNTIME_DIR = "assets/citycourse"
#: Fixed date for every zip entry: the same inputs give the same bytes (the earliest date a zip can hold).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
DEFAULT_IRI_BASE = "https://citycourse.invalid/"


@dataclass(frozen=True)
class PackageModule:
    """One SCO / AU: a module of the track, in plan order."""

    id: str
    title: str  # in the city's language (English where not translated)
    title_lang: str
    summary: str
    summary_lang: str
    page: str  # path inside the package, e.g. modules/<id>.html
    pass_mark: float
    has_self_check: bool
    iri: str  # publisher IRI, ends in the module id


@dataclass(frozen=True)
class PackageContent:
    """Everything a manifest needs, and the files (path → bytes) that go into the zip."""

    plan: Plan
    role: str
    role_name: str
    title: str  # the curriculum's title in the city's language
    description: str
    language: str
    course_iri: str
    modules: list[PackageModule]
    files: dict[str, bytes]


def course_iri(base: str, curriculum: Curriculum, city: CityProfile, role: str) -> str:
    """`<base><curriculum>/<city>/<role>`: stable across builds; each module's IRI adds `/<module id>`."""
    if not _SCHEME.match(base):
        raise UsageError(f"--iri-base {base!r} is not an absolute IRI",
                         hint="give an address you control, e.g. https://training.example.gov/course/")
    if not base.endswith(("/", ":", "#")):
        base += "/"
    return f"{base}{curriculum.id}/{city.id}/{role}"


def plain_text(module: Module, lang: str, unit: str) -> tuple[str, str]:
    """(text, its language) of a module unit ("title", "summary") in `lang` where translated and current,
    else English: plain text for the manifests."""
    from citycourse.translations import localize

    loc = localize(module, lang)
    english = getattr(module, unit)
    if lang == "en" or loc.state == "english" or loc.english(unit):
        return english, "en"
    return loc.text(unit, english), lang


def role_plan(plan: Plan, role: str) -> RolePlan:
    for candidate in plan.roles:
        if candidate.role == role:
            return candidate
    reason = plan.dropped_roles.get(role)
    if reason:
        raise UsageError(f"{plan.city.name} has no track for {role}: {reason}")
    known = ", ".join(r.role for r in plan.roles) or "none"
    raise UsageError(f"role {role!r} has no track in {plan.curriculum.id} for {plan.city.id}", hint=f"roles with a track: {known}")


def build_site(project: Project, library: Library, plan: Plan) -> dict[str, bytes]:
    """The learner site for `plan`, built by the site builder into a temporary folder, as path → bytes."""
    from citycourse.references import site_facts
    from citycourse.render.build import logo_path
    from citycourse.render.freshness import INPUTS_FILE
    from citycourse.render.site import HASH_FILE, prepare, run_job

    with tempfile.TemporaryDirectory(prefix="citycourse-package-") as tmp:
        job = prepare(plan, base_config=project.mkdocs_config, out=Path(tmp), facts=site_facts(library),
                      logo_path=logo_path(library, plan.city))
        result = run_job(job)
        return {
            path.relative_to(result.path).as_posix(): path.read_bytes()
            for path in sorted(result.path.rglob("*"))
            if path.is_file() and path.name not in (HASH_FILE, INPUTS_FILE)
        }


def package_content(project: Project, library: Library, curriculum: Curriculum, city: CityProfile, role: str,
                    fmt: str, iri_base: str = DEFAULT_IRI_BASE, allow_over_budget: bool = False) -> PackageContent:
    """Tailor, build and instrument one role's package content (no zip yet)."""
    from citycourse.render.pages import city_strings, page_path
    from citycourse.render.selfcheck import self_check
    from citycourse.tailor import tailor

    base = course_iri(iri_base, curriculum, city, role)
    plan = tailor(curriculum, city, library.modules, roles=[role], allow_over_budget=allow_over_budget)
    track = role_plan(plan, role)
    files = build_site(project, library, plan)
    lang = city.language
    t = city_strings(city)
    strings = {"finish": t("lms.finish"), "finished": t("lms.finished")}
    runtime = f"lms-{fmt}.js"
    files[f"{RUNTIME_DIR}/{runtime}"] = (ASSETS / runtime).read_bytes()
    modules = []
    for module_id in track.module_ids:
        module = plan.modules[module_id]
        page = page_path(module_id).removesuffix(".md") + ".html"
        if page not in files:
            raise BuildError(f"the built site has no page {page} for module {module_id}")
        entry = PackageModule(module_id, *plain_text(module, lang, "title"), *plain_text(module, lang, "summary"), page,
                              module.assessment.pass_mark,
                              self_check(module, module) is not None, f"{base}/{module_id}")
        config = {"format": fmt, "module": module_id, "publisherId": entry.iri, "passMark": entry.pass_mark,
                  "hasSelfCheck": entry.has_self_check, "strings": strings}
        files[page] = instrument(files[page], config, f"../{RUNTIME_DIR}/{runtime}")
        modules.append(entry)
    localized = curriculum.in_language(lang)
    return PackageContent(plan, role, t(f"roles.{role}"), localized.title, localized.description, lang, base,
                          modules, files)


def instrument(page: bytes, config: dict[str, object], script: str) -> bytes:
    """A built module page with the end marker, the package config and the runtime script added."""
    text = page.decode("utf-8")
    if text.count("</article>") != 1 or text.count("</body>") != 1:
        raise BuildError("a module page does not have exactly one </article> and one </body>; cannot add the LMS runtime")
    data = json.dumps(config, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    text = text.replace("</article>", '<div id="cc-module-end"></div></article>', 1)
    text = text.replace(
        "</body>",
        f'<script type="application/json" id="cc-package">{data}</script>\n'
        f'<script src="{html.escape(script, quote=True)}"></script>\n</body>',
        1,
    )
    return text.encode("utf-8")


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """A deterministic zip (sorted entries, fixed dates), written beside `path` and renamed over it."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, files[name])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o644 & ~umask)  # mkstemp makes it 0600; a package is for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
