"""Fit a curriculum to one city: what each role learns, in what order, and why.

The algorithm (documented in the README, "How tailoring works"):

1. Roles the city does not have are dropped.
2. A module is *applicable* when the city's digital maturity reaches its
   `min_maturity`, its connectivity need is met (an `online` module needs
   `reliable` internet) and the role is among its roles (prerequisites are
   exempt from the role test: they are pulled in for whoever needs them).
3. Required modules and their transitive prerequisites are kept. If they alone
   exceed the hours budget that is an error (or a warning when allowed).
4. Electives: the set with the highest total fit score that fits the budget
   (an exact 0/1 knapsack when the pool is small), then any hours left are
   filled greedily by fit per hour. An elective's hours include the
   prerequisites it pulls in; ties go to the smaller id, so the result never
   depends on file order.
5. Kept modules are put in a stable topological order: prerequisites first,
   then foundation before practitioner before lead, then curriculum order.

The budget is `min(city.hours_budget, track.max_hours)`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from citycourse.errors import BudgetError
from citycourse.models import LEVEL_RANK, CityProfile, Curriculum, Module

#: Weights of the fit score; see `fit_score`.
FOCUS_WEIGHT = 3.0
LEVEL_WEIGHT = 1.0
THEME_WEIGHT = 1.0
#: Above this many (elective × half-hour) cells the exact knapsack gives way to greedy.
KNAPSACK_CELLS = 200_000


@dataclass(frozen=True)
class Score:
    """The parts of an elective's fit score, kept so the reason can show them."""

    focus: float
    level: float
    theme: float
    hours: float

    @property
    def total(self) -> float:
        return round(FOCUS_WEIGHT * self.focus + LEVEL_WEIGHT * self.level + THEME_WEIGHT * self.theme, 4)

    @property
    def per_hour(self) -> float:
        return round(self.total / self.hours, 4) if self.hours else 0.0

    def explain(self) -> str:
        return (
            f"fit {self.total:.2f} = focus {self.focus:.2f}×{FOCUS_WEIGHT:g} + level {self.level:.2f}"
            f" + new theme {self.theme:.0f}; {self.per_hour:.2f} per hour"
        )


@dataclass(frozen=True)
class Decision:
    """What happened to one module of a track, and why, in words a trainer can read."""

    module_id: str
    kept: bool
    category: str  # required | prerequisite | elective | dropped-applicability | dropped-budget | dropped-prerequisite
    reason: str
    score: Score | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "module": self.module_id,
            "kept": self.kept,
            "category": self.category,
            "reason": self.reason,
        }
        if self.score is not None:
            out["score"] = {
                "total": self.score.total,
                "focus": round(self.score.focus, 4),
                "level": round(self.score.level, 4),
                "theme": self.score.theme,
                "hours": self.score.hours,
                "per_hour": self.score.per_hour,
            }
        return out


@dataclass(frozen=True)
class PlannedModule:
    module: Module
    category: str  # required | prerequisite | elective
    reason: str

    @property
    def id(self) -> str:
        return self.module.id


@dataclass
class RolePlan:
    role: str
    headcount: int
    budget: float
    modules: list[PlannedModule] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    min_electives: int = 0

    @property
    def hours(self) -> float:
        return sum(p.module.hours for p in self.modules)

    @property
    def module_ids(self) -> list[str]:
        return [p.id for p in self.modules]

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "headcount": self.headcount,
            "budget_hours": self.budget,
            "planned_hours": self.hours,
            "min_electives": self.min_electives,
            "modules": [
                {
                    "order": i + 1,
                    "id": p.id,
                    "title": p.module.title,
                    "level": p.module.level,
                    "hours": p.module.hours,
                    "category": p.category,
                    "reason": p.reason,
                }
                for i, p in enumerate(self.modules)
            ],
            "decisions": [d.to_dict() for d in self.decisions],
            "warnings": list(self.warnings),
        }


@dataclass
class Plan:
    curriculum: Curriculum
    city: CityProfile
    roles: list[RolePlan]
    dropped_roles: dict[str, str]
    modules: dict[str, Module]
    #: Every module a track considered (kept or not) and the prerequisites that blocked one,
    #: so the site can name a dropped module by its title.
    considered: dict[str, Module] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [f"{r.role}: {w}" for r in self.roles for w in r.warnings]

    def role(self, name: str) -> RolePlan:
        for role_plan in self.roles:
            if role_plan.role == name:
                return role_plan
        raise KeyError(name)

    @property
    def module_ids(self) -> list[str]:
        """Every kept module across roles, first-seen order (the site's page list)."""
        seen: dict[str, None] = {}
        for role_plan in self.roles:
            for module_id in role_plan.module_ids:
                seen.setdefault(module_id, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        """Stable, documented JSON/YAML shape (see README, "plan --format json")."""
        return {
            "format": "citycourse-plan/1",
            "curriculum": {"id": self.curriculum.id, "title": self.curriculum.title, "version": self.curriculum.version},
            "city": {
                "id": self.city.id,
                "name": self.city.name,
                "country": self.city.country,
                "digital_maturity": self.city.digital_maturity,
                "connectivity": self.city.connectivity,
                "hours_budget": self.city.hours_budget,
                "priorities": list(self.city.priorities),
            },
            "roles": [r.to_dict() for r in self.roles],
            "dropped_roles": [{"role": k, "reason": v} for k, v in self.dropped_roles.items()],
        }


# ---------------------------------------------------------------------------- scoring


def focus_fit(module: Module, city: CityProfile) -> float:
    """1.0 for the city's top priority, falling linearly; 0 when no focus area matches."""
    n = len(city.priorities)
    best = 0.0
    for area in module.focus_areas:
        if area in city.priorities:
            best = max(best, (n - city.priorities.index(area)) / n)
    return best


def level_fit(module: Module, city: CityProfile) -> float:
    """1.0 when the level suits the city's maturity (1→foundation, 3→practitioner, 5→lead)."""
    target = 1 + (city.digital_maturity - 1) / 2
    return 1 - abs(LEVEL_RANK[module.level] - target) / 2


def fit_score(module: Module, city: CityProfile, covered_themes: set[str], hours: float) -> Score:
    new_theme = 1.0 if set(module.themes) - covered_themes else 0.0
    return Score(focus_fit(module, city), level_fit(module, city), new_theme, hours)


def inapplicability(module: Module, city: CityProfile, role: str | None) -> str:
    """Which rule keeps a module out of this city: "maturity", "online", "role", or "" when none.

    The code lets the site say the reason in the reader's language; `inapplicable_reason`
    says it in English for `plan`."""
    if module.min_maturity > city.digital_maturity:
        return "maturity"
    if module.requires.connectivity == "online" and city.connectivity != "reliable":
        return "online"
    if role is not None and role not in module.roles:
        return "role"
    return ""


def inapplicable_reason(module: Module, city: CityProfile, role: str | None) -> str:
    """Why a module cannot be used in this city (empty when it can)."""
    rule = inapplicability(module, city, role)
    if rule == "maturity":
        return (
            f"needs digital maturity {module.min_maturity}; {city.name} is at {city.digital_maturity}"
        )
    if rule == "online":
        return f"needs reliable internet for live exercises; {city.name} is {city.connectivity}"
    if rule == "role":
        return f"not written for {role} (it targets {', '.join(module.roles)})"
    return ""


# ---------------------------------------------------------------------------- planning


def prerequisite_closure(module_id: str, modules: dict[str, Module]) -> list[str]:
    """All transitive prerequisites of a module (not the module itself), sorted."""
    seen: set[str] = set()
    stack = list(modules[module_id].prerequisites)
    while stack:
        current = stack.pop()
        if current in seen or current not in modules:
            continue
        seen.add(current)
        stack.extend(modules[current].prerequisites)
    return sorted(seen)


def topological_order(ids: set[str], modules: dict[str, Module], rank: dict[str, int]) -> list[str]:
    """Prerequisites first; among ready modules: level, then curriculum position, then id."""
    indegree = {i: 0 for i in ids}
    dependants: dict[str, list[str]] = {i: [] for i in ids}
    for i in ids:
        for prereq in modules[i].prerequisites:
            if prereq in ids:
                indegree[i] += 1
                dependants[prereq].append(i)

    def key(i: str) -> tuple[int, int, str]:
        return (LEVEL_RANK[modules[i].level], rank.get(i, 10**6), i)

    ready = [key(i) for i, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        *_, current = heapq.heappop(ready)
        order.append(current)
        for dependant in dependants[current]:
            indegree[dependant] -= 1
            if indegree[dependant] == 0:
                heapq.heappush(ready, key(dependant))
    return order


def _knapsack(scores: dict[str, Score], units: int) -> list[str]:
    """Ids maximising total fit within `units` half-hours; ties keep the earlier (smaller) ids."""
    items = sorted(scores.items())
    best = [0] * (units + 1)
    took: list[list[bool]] = []
    for _, score in items:
        cost = int(round(score.hours * 2))
        value = int(round(score.total * 10_000))
        row = [False] * (units + 1)
        for capacity in range(units, cost - 1, -1):
            candidate = best[capacity - cost] + value
            if candidate > best[capacity]:
                best[capacity] = candidate
                row[capacity] = True
        took.append(row)
    chosen, capacity = [], units
    for index in range(len(items) - 1, -1, -1):
        if took[index][capacity]:
            chosen.append(items[index][0])
            capacity -= int(round(items[index][1].hours * 2))
    return sorted(chosen)


def _plan_role(
    role: str,
    curriculum: Curriculum,
    city: CityProfile,
    modules: dict[str, Module],
    allow_over_budget: bool,
) -> RolePlan:
    track = curriculum.tracks[role]  # type: ignore[index]
    budget = city.hours_budget if track.max_hours is None else min(city.hours_budget, track.max_hours)
    plan = RolePlan(role, city.roles[role], budget, min_electives=track.min_electives)  # type: ignore[index]
    kept: dict[str, tuple[str, str]] = {}  # id -> (category, reason)
    decisions: dict[str, Decision] = {}

    def blocked_prerequisite(module_id: str) -> str:
        for prereq in prerequisite_closure(module_id, modules):
            why = inapplicable_reason(modules[prereq], city, None)
            if why:
                return f"its prerequisite {prereq} cannot be used here ({why})"
        return ""

    # Required modules and their prerequisites.
    for module_id in track.required:
        module = modules[module_id]
        why = inapplicable_reason(module, city, role) or blocked_prerequisite(module_id)
        if why:
            decisions[module_id] = Decision(module_id, False, "dropped-applicability", f"required, but {why}")
            plan.warnings.append(f"required module {module_id} dropped: {why}")
            continue
        kept[module_id] = ("required", "required by the curriculum for this role")
        for prereq in prerequisite_closure(module_id, modules):
            if prereq not in kept:
                kept[prereq] = ("prerequisite", f"prerequisite of {module_id}")
    required_hours = sum(modules[i].hours for i in kept)
    if required_hours > budget:
        message = (
            f"{role}: required modules and their prerequisites need {required_hours:g} h, "
            f"but the budget is {budget:g} h"
        )
        if not allow_over_budget:
            raise BudgetError(
                f"{city.name}: {message}",
                hint="raise hours_budget in the city profile, shorten the required list, or pass --allow-over-budget",
            )
        plan.warnings.append(message + " (allowed with --allow-over-budget)")

    # Electives: exact best set when small, then greedy top-up (see the module docstring).
    covered = {t for i in kept for t in modules[i].themes}
    candidates: dict[str, list[str]] = {}
    for module_id in track.electives:
        if module_id in kept:
            decisions[module_id] = Decision(module_id, True, "elective", "also kept as a prerequisite")
            continue
        module = modules[module_id]
        why = inapplicable_reason(module, city, role) or blocked_prerequisite(module_id)
        if why:
            decisions[module_id] = Decision(module_id, False, "dropped-applicability", why)
            continue
        candidates[module_id] = [module_id, *prerequisite_closure(module_id, modules)]
    remaining = budget - required_hours
    last_scores: dict[str, Score] = {}

    def take(chosen: str, score: Score, how: str) -> None:
        nonlocal remaining, covered
        extra = [i for i in candidates.pop(chosen) if i not in kept]
        kept[chosen] = ("elective", f"elective chosen {how} ({score.explain()})")
        decisions[chosen] = Decision(chosen, True, "elective", kept[chosen][1], score)
        for prereq in extra:
            if prereq != chosen:
                kept[prereq] = ("prerequisite", f"prerequisite of elective {chosen}")
        remaining -= sum(modules[i].hours for i in extra)
        covered |= {t for i in extra for t in modules[i].themes}

    def current_scores() -> dict[str, Score]:
        scores = {}
        for module_id in sorted(candidates):
            hours = sum(modules[i].hours for i in candidates[module_id] if i not in kept)
            scores[module_id] = last_scores[module_id] = fit_score(modules[module_id], city, covered, hours)
        return scores

    # Exact: the set of electives with the highest total fit that fits the budget
    # (0/1 knapsack in half-hours), when the table is small enough to be instant.
    scores = current_scores()
    units = int(max(remaining, 0) * 2 + 1e-9)
    if scores and len(scores) * (units + 1) <= KNAPSACK_CELLS:
        for chosen in _knapsack(scores, units):
            take(chosen, scores[chosen], "for the best total fit within the budget")
    # Greedy top-up (and the whole method for large pools): best fit per hour first.
    while candidates:
        fitting = [(-sc.per_hour, mid) for mid, sc in current_scores().items() if sc.hours <= remaining + 1e-9]
        if not fitting:
            break
        chosen = min(fitting)[1]
        take(chosen, last_scores[chosen], "by fit per hour")
    for module_id in sorted(candidates):
        score = last_scores[module_id]
        decisions[module_id] = Decision(
            module_id,
            False,
            "dropped-budget",
            f"does not fit the budget: needs {score.hours:g} h with prerequisites, {max(remaining, 0):g} h left",
            score,
        )

    electives_kept = sum(1 for c, _ in kept.values() if c == "elective")
    if electives_kept < track.min_electives:
        plan.warnings.append(
            f"learners must complete {track.min_electives} elective(s) but only {electives_kept} fit this city"
        )
    planned = sum(modules[i].hours for i in kept)
    if planned < track.min_hours:
        plan.warnings.append(f"plan has {planned:g} h, below the track's minimum of {track.min_hours:g} h")

    rank = {module_id: i for i, module_id in enumerate([*track.required, *track.electives])}
    for module_id in topological_order(set(kept), modules, rank):
        category, reason = kept[module_id]
        plan.modules.append(PlannedModule(modules[module_id], category, reason))
        if module_id not in decisions:
            decisions[module_id] = Decision(module_id, True, category, reason)
    listed = [*track.required, *track.electives]
    extras = sorted(i for i in decisions if i not in listed)
    plan.decisions = [decisions[i] for i in [*listed, *extras] if i in decisions]
    return plan


def tailor(
    curriculum: Curriculum,
    city: CityProfile,
    modules: dict[str, Module],
    *,
    roles: list[str] | None = None,
    allow_over_budget: bool = False,
) -> Plan:
    """Tailor `curriculum` to `city`. Pure: no I/O, same inputs → same plan."""
    role_plans: list[RolePlan] = []
    dropped: dict[str, str] = {}
    for role in curriculum.tracks:
        if roles and role not in roles:
            continue
        if role not in city.roles:
            dropped[role] = f"{city.name} has no {role} staff in its profile"
            continue
        role_plans.append(_plan_role(role, curriculum, city, modules, allow_over_budget))
    used = {p.id: p.module for r in role_plans for p in r.modules}
    considered = {d.module_id: modules[d.module_id] for r in role_plans for d in r.decisions if d.module_id in modules}
    for module_id in list(considered):
        considered.update((i, modules[i]) for i in prerequisite_closure(module_id, modules))
    return Plan(curriculum, city, role_plans, dropped, dict(sorted(used.items())), dict(sorted(considered.items())))
