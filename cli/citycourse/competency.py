"""The competency framework, what roles need from it, and what a plan covers.

Three files say it all: `competencies/framework.yaml` (ids, statements,
parent/child structure, the proficiency scale), `competencies/roles.yaml`
(role → competency → level needed) and each module's `competencies:` key
(competency → level the module develops). Role needs live in the project, not
in a curriculum or a city: they belong to the job, so every curriculum is
measured against the same needs and every city's survey asks about them.

Coverage of one role's plan: for each needed competency, the level reached is
the highest level any planned module develops it to; *met* when that reaches
the need, *partial* when some module develops it below the need, *gap* when
none does. The role's coverage is met ÷ needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AnyHttpUrl, Field, ValidationError, model_validator

from citycourse.errors import InputError, Problem
from citycourse.models import FocusArea, NonEmpty, Role, Slug, Strict, Theme

if TYPE_CHECKING:
    from citycourse.loading import Library
    from citycourse.project import Project
    from citycourse.tailor import Plan, RolePlan

FRAMEWORK_FILE = Path("competencies") / "framework.yaml"
ROLES_FILE = Path("competencies") / "roles.yaml"
Status = Literal["met", "partial", "gap"]


class Source(Strict):
    title: NonEmpty
    publisher: NonEmpty
    year: int = Field(ge=1950, le=2100)
    url: AnyHttpUrl
    use: NonEmpty = Field(description="What this framework takes from the source.")


class ScaleLevel(Strict):
    level: int = Field(ge=1, le=8)
    name: NonEmpty
    digcomp: str = Field("", description="The DigComp 2.2 levels this level groups, e.g. '3-4'.")
    description: NonEmpty


class Competency(Strict):
    id: Slug
    code: NonEmpty = Field(description="Short human code, e.g. D.2 (CASE humanCodingScheme).")
    statement: NonEmpty
    parent: Slug | None = None
    theme: Theme | None = Field(None, description="Top-level groups only: the theme they stand for.")
    focus_areas: list[FocusArea] = Field(default_factory=list)
    source: str = Field("", description="The published framework item this competency draws on.")


class Framework(Strict):
    id: Slug
    title: NonEmpty
    version: NonEmpty = "1.0.0"
    last_changed: dt.date = Field(description="When the framework last changed: the exports' lastChangeDateTime, so they are stable.")
    description: NonEmpty
    sources: list[Source] = Field(min_length=1)
    scale: list[ScaleLevel] = Field(min_length=2)
    competencies: list[Competency] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        levels = [s.level for s in self.scale]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError(f"scale levels must be 1, 2, … in order; found {levels}")
        ids = [c.id for c in self.competencies]
        seen = {i for n, i in enumerate(ids) if i in ids[:n]}
        if seen:
            raise ValueError(f"competency id {sorted(seen)[0]!r} is defined twice")
        for c in self.competencies:
            if c.parent is not None and c.parent not in ids:
                raise ValueError(f"competency {c.id!r} names unknown parent {c.parent!r}")
            if c.parent is None and c.theme is None:
                raise ValueError(f"top-level competency {c.id!r} needs a theme")
        return self

    @property
    def by_id(self) -> dict[str, Competency]:
        return {c.id: c for c in self.competencies}

    @property
    def leaves(self) -> list[Competency]:
        """Competencies with no children: the ones modules develop and roles need."""
        parents = {c.parent for c in self.competencies}
        return [c for c in self.competencies if c.id not in parents]

    @property
    def top_level(self) -> int:
        return len(self.scale)

    def level_name(self, level: int) -> str:
        return self.scale[level - 1].name if 1 <= level <= len(self.scale) else "not yet"

    def depth(self, competency_id: str) -> int:
        depth, current = 0, self.by_id[competency_id]
        while current.parent is not None:
            depth, current = depth + 1, self.by_id[current.parent]
        return depth


#: A level on the framework's scale (checked against the scale's length by `check`).
ScaleLevelNumber = Annotated[int, Field(ge=1, le=8)]


class RoleNeeds(Strict):
    roles: dict[Role, dict[Slug, ScaleLevelNumber]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Competencies:
    """The framework and the role needs, loaded together."""

    framework: Framework
    needs: RoleNeeds

    def needed(self, role: str) -> dict[str, int]:
        return dict(self.needs.roles.get(role, {}))  # type: ignore[call-overload]


# --------------------------------------------------------------------------- loading


def _load_one(path: Path, model: type[Strict]) -> tuple[Any, list[Problem]]:
    from citycourse.loading import _display, _pydantic_problems, read_yaml

    data, text, problems = read_yaml(path)
    if data is None:
        return None, problems
    try:
        return model.model_validate(data), problems
    except ValidationError as exc:
        return None, problems + _pydantic_problems(_display(path), text, data, exc)


def load_competencies(root: Path) -> tuple[Competencies | None, list[Problem]]:
    """The project's framework and role needs; (None, []) when the project has no framework."""
    framework_path = root / FRAMEWORK_FILE
    if not framework_path.exists():
        return None, []
    framework, problems = _load_one(framework_path, Framework)
    roles_path = root / ROLES_FILE
    needs: Any = RoleNeeds()
    if roles_path.exists():
        needs, more = _load_one(roles_path, RoleNeeds)
        problems += more
    if framework is None or needs is None:
        return None, problems
    return Competencies(framework, needs), problems


def check(library: Library, competencies: Competencies, root: Path) -> None:
    """Every competency id a module or role names exists, is a leaf, and its level is on the scale."""
    from citycourse.loading import _display, locate, problem_at

    framework = competencies.framework
    leaves = {c.id for c in framework.leaves}
    known = framework.by_id
    top = framework.top_level

    def wrong(competency_id: str, level: int) -> tuple[str, str, str] | None:
        if competency_id not in known:
            return (f"unknown competency {competency_id!r}", "the id of a competency in competencies/framework.yaml",
                    "fix the spelling or add the competency to the framework")
        if competency_id not in leaves:
            return (f"competency {competency_id!r} is a group", "a competency without children",
                    f"name one of its competencies: {', '.join(c.id for c in framework.competencies if c.parent == competency_id)}")
        if not 1 <= level <= top:
            return (f"level {level} is not on the scale", f"a level from 1 to {top}",
                    "see `scale:` in competencies/framework.yaml")
        return None

    for module_id, module in sorted(library.modules.items()):
        for competency_id, level in module.competencies.items():
            found = wrong(competency_id, level)
            if found:
                message, expected, hint = found
                library.problems.add(problem_at(library, "module", module_id, ["competencies", competency_id], message,
                                                found=f"{competency_id}: {level}", expected=expected, hint=hint))
    roles_path = root / ROLES_FILE
    text = roles_path.read_text(encoding="utf-8") if roles_path.exists() else ""
    developed: dict[str, int] = {}
    for module in library.modules.values():
        for competency_id, level in module.competencies.items():
            developed[competency_id] = max(developed.get(competency_id, 0), level)
    for role, wanted in competencies.needs.roles.items():
        short: list[str] = []
        for competency_id, level in wanted.items():
            line, column = locate(text, ["roles", role, competency_id]) if text else (None, None)
            found = wrong(competency_id, level)
            if found:
                message, expected, hint = found
                library.problems.add(Problem(_display(roles_path), message, line=line, column=column,
                                             field=f"roles.{role}.{competency_id}", found=f"{competency_id}: {level}",
                                             expected=expected, hint=hint))
            elif developed.get(competency_id, 0) < level:
                short.append(f"{competency_id} {level} (modules reach {developed.get(competency_id, 0)})")
        if short and library.modules:
            line, column = locate(text, ["roles", role]) if text else (None, None)
            library.problems.add(Problem(
                _display(roles_path), f"{role} needs competencies no module develops to that level: {', '.join(short)}",
                line=line, column=column, field=f"roles.{role}", severity="warning",
                hint="add `competencies:` to modules that teach them, or lower the needs"))


def load_checked(project: Project) -> Competencies:
    """The project's competencies, or a UsageError when it has none; InputError when invalid."""
    from citycourse.errors import UsageError

    competencies, problems = load_competencies(project.root)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if competencies is None:
        raise UsageError(f"no competency framework at {project.root / FRAMEWORK_FILE}",
                         hint="add competencies/framework.yaml and competencies/roles.yaml (see README, \"Competencies\")")
    return competencies


# -------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Covered:
    competency: str
    code: str
    statement: str
    needed: int
    reached: int
    modules: tuple[str, ...]  # planned modules that develop it

    @property
    def status(self) -> Status:
        if self.reached >= self.needed:
            return "met"
        return "partial" if self.reached else "gap"

    def to_dict(self) -> dict[str, Any]:
        return {"competency": self.competency, "code": self.code, "needed": self.needed, "reached": self.reached,
                "status": self.status, "modules": list(self.modules)}


@dataclass(frozen=True)
class RoleCoverage:
    role: str
    headcount: int
    items: tuple[Covered, ...]

    @property
    def met(self) -> int:
        return sum(1 for c in self.items if c.status == "met")

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / len(self.items), 1) if self.items else None

    @property
    def gaps(self) -> list[Covered]:
        return [c for c in self.items if c.status != "met"]

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "staff": self.headcount, "needed": len(self.items), "met": self.met,
                "percent": self.percent, "competencies": [c.to_dict() for c in self.items]}


def role_coverage(role_plan: RolePlan, competencies: Competencies) -> RoleCoverage:
    by_id = competencies.framework.by_id
    items = []
    for competency_id, needed in competencies.needed(role_plan.role).items():
        developers = [(p.module.competencies[competency_id], p.id) for p in role_plan.modules
                      if competency_id in p.module.competencies]
        reached = max((level for level, _ in developers), default=0)
        competency = by_id[competency_id]
        items.append(Covered(competency_id, competency.code, competency.statement, needed, reached,
                             tuple(module_id for _, module_id in developers)))
    order = {c.id: i for i, c in enumerate(competencies.framework.competencies)}
    items.sort(key=lambda c: order[c.competency])  # framework order: theme by theme
    return RoleCoverage(role_plan.role, role_plan.headcount, tuple(items))


def coverage(plan: Plan, competencies: Competencies) -> list[RoleCoverage]:
    """Per role of the plan: each needed competency, the level the plan reaches, met/partial/gap."""
    return [role_coverage(r, competencies) for r in plan.roles]


COVERAGE_FORMAT = "citycourse-coverage/1"


def coverage_dict(plan: Plan, roles: list[RoleCoverage]) -> dict[str, Any]:
    return {"format": COVERAGE_FORMAT, "curriculum": plan.curriculum.id, "city": plan.city.id,
            "roles": [r.to_dict() for r in roles]}


COVERAGE_COLUMNS = ["role", "competency", "code", "needed", "reached", "status", "modules"]


def coverage_rows(roles: list[RoleCoverage]) -> list[list[Any]]:
    return [[r.role, c.competency, c.code, c.needed, c.reached, c.status, " ".join(c.modules)]
            for r in roles for c in r.items]
