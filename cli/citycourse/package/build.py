"""What `citycourse package` does: one SCORM 1.2 or cmi5 zip per role track of a city.

With one role (`--role`, or a city with one track) and an `--out` ending in
`.zip`, that file is written; otherwise `--out` is a folder and each role's
package is `<city>-<role>-<format>.zip` in it. Each zip is written beside its
target and renamed over it, so a failed build leaves nothing half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from citycourse.errors import UsageError
from citycourse.package import PackageFormat
from citycourse.package.content import DEFAULT_IRI_BASE, package_content

if TYPE_CHECKING:
    from citycourse.project import Project


@dataclass(frozen=True)
class PackageResult:
    role: str
    path: Path
    modules: int
    files: int
    bytes: int


def build_packages(project: Project, curriculum_ref: str, city_ref: str, fmt: PackageFormat, out: Path,
                   roles: list[str] | None = None, iri_base: str = DEFAULT_IRI_BASE,
                   allow_over_budget: bool = False) -> list[PackageResult]:
    """Build the packages; raises UsageError for unknown ids or a role without a track, InputError for bad input."""
    from citycourse.inputs import load_valid, resolve, resolve_curriculum
    from citycourse.package import cmi5, scorm
    from citycourse.tailor import tailor

    library = load_valid(project)
    curriculum = resolve_curriculum(library, curriculum_ref)
    city = resolve(library, "city", city_ref)
    if roles:
        chosen = list(dict.fromkeys(roles))
    else:
        chosen = [r.role for r in tailor(curriculum, city, library.modules, allow_over_budget=allow_over_budget).roles]
        if not chosen:
            raise UsageError(f"{city.name} has no role track in {curriculum.id}", hint="check the city's roles")
    single_file = out.suffix.lower() == ".zip"
    if single_file and len(chosen) > 1:
        raise UsageError(f"{len(chosen)} role tracks ({', '.join(chosen)}) cannot go into one file {out}",
                         hint="give --role ROLE, or an --out folder for one zip per role")
    writer = scorm.write if fmt is PackageFormat.scorm12 else cmi5.write
    results = []
    for role in chosen:
        content = package_content(project, library, curriculum, city, role, fmt.value, iri_base, allow_over_budget)
        path = out if single_file else out / f"{city.id}-{role}-{fmt.value}.zip"
        writer(content, path)
        results.append(PackageResult(role, path, len(content.modules), len(content.files) + 1, path.stat().st_size))
    return results
