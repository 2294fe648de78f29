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
   depends on file order. With a staff survey (`needs/<city>.yaml`), an
   elective's fit adds NEEDS_WEIGHT × its surveyed need (see `citycourse.needs`)
   and its reason cites the survey; without one nothing changes.
5. Kept modules are put in a stable topological order: prerequisites first,
   then foundation before practitioner before lead, then curriculum order.

The budget is `min(city.hours_budget, track.max_hours)`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citycourse.errors import BudgetError
from citycourse.models import LEVEL_RANK, CityProfile, Curriculum, Module, Track

if TYPE_CHECKING:
    from citycourse.needs import ModuleNeed, PlanNeeds

#: Weights of the fit score; see `fit_score`.
FOCUS_WEIGHT = 3.0
LEVEL_WEIGHT = 1.0
THEME_WEIGHT = 1.0
#: Weight of the surveyed need (0–1, see `citycourse.needs`); the same as the focus weight.
NEEDS_WEIGHT = 3.0
#: Above this many (elective × half-hour) cells the exact knapsack gives way to greedy.
KNAPSACK_CELLS = 200_000


@dataclass(frozen=True)
class Score:
    """The parts of an elective's fit score, kept so the reason can show them."""

    focus: float
    level: float
    theme: float
    hours: float
    need: float = 0.0  # surveyed training need, 0 without a survey (see citycourse.needs)
    evidence: str = ""  # the survey in plain words, when `need` > 0

    @property
    def total(self) -> float:
        base = FOCUS_WEIGHT * self.focus + LEVEL_WEIGHT * self.level + THEME_WEIGHT * self.theme
        return round(base + NEEDS_WEIGHT * self.need, 4) if self.need else round(base, 4)

    @property
    def per_hour(self) -> float:
        return round(self.total / self.hours, 4) if self.hours else 0.0

    def explain(self) -> str:
        need = f" + survey need {self.need:.2f}×{NEEDS_WEIGHT:g}" if self.need else ""
        text = (
            f"fit {self.total:.2f} = focus {self.focus:.2f}×{FOCUS_WEIGHT:g} + level {self.level:.2f}"
            f" + new theme {self.theme:.0f}{need}; {self.per_hour:.2f} per hour"
        )
        return f"{text}; survey: {self.evidence}" if self.need and self.evidence else text


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
            if self.score.need:
                out["score"]["need"] = self.score.need
                out["score"]["evidence"] = self.score.evidence
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


def fit_score(
    module: Module, city: CityProfile, covered_themes: set[str], hours: float, need: ModuleNeed | None = None
) -> Score:
    new_theme = 1.0 if set(module.themes) - covered_themes else 0.0
    if need is None or need.value <= 0:
        return Score(focus_fit(module, city), level_fit(module, city), new_theme, hours)
    return Score(focus_fit(module, city), level_fit(module, city), new_theme, hours, need.value, need.evidence)


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


@dataclass
class _TrackState:
    """One role's plan while it is being built: the steps below read and change only this.

    Steps, in order: `keep_required` → `gather_candidates` → `choose_best_set`
    (exact knapsack) → `top_up` (greedy by fit per hour) → `drop_unfitted` →
    `check_minimums` → `finish` (order and decisions).
    """

    role: str
    track: Track
    city: CityProfile
    modules: dict[str, Module]
    budget: float
    needs: dict[str, ModuleNeed] = field(default_factory=dict)
    plan: RolePlan | None = None
    kept: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (category, reason)
    decisions: dict[str, Decision] = field(default_factory=dict)
    candidates: dict[str, list[str]] = field(default_factory=dict)  # elective -> it and its prerequisites
    covered: set[str] = field(default_factory=set)  # themes the kept modules cover
    remaining: float = 0.0
    last_scores: dict[str, Score] = field(default_factory=dict)

    def blocked_prerequisite(self, module_id: str) -> str:
        for prereq in prerequisite_closure(module_id, self.modules):
            why = inapplicable_reason(self.modules[prereq], self.city, None)
            if why:
                return f"its prerequisite {prereq} cannot be used here ({why})"
        return ""

    def keep_required(self, allow_over_budget: bool) -> None:
        """Required modules and their prerequisites; an error when they alone exceed the budget."""
        assert self.plan is not None
        for module_id in self.track.required:
            module = self.modules[module_id]
            why = inapplicable_reason(module, self.city, self.role) or self.blocked_prerequisite(module_id)
            if why:
                self.decisions[module_id] = Decision(module_id, False, "dropped-applicability", f"required, but {why}")
                self.plan.warnings.append(f"required module {module_id} dropped: {why}")
                continue
            self.kept[module_id] = ("required", "required by the curriculum for this role")
            for prereq in prerequisite_closure(module_id, self.modules):
                if prereq not in self.kept:
                    self.kept[prereq] = ("prerequisite", f"prerequisite of {module_id}")
        required_hours = sum(self.modules[i].hours for i in self.kept)
        if required_hours > self.budget:
            message = (
                f"{self.role}: required modules and their prerequisites need {required_hours:g} h, "
                f"but the budget is {self.budget:g} h"
            )
            if not allow_over_budget:
                raise BudgetError(
                    f"{self.city.name}: {message}",
                    hint="raise hours_budget in the city profile, shorten the required list, or pass --allow-over-budget",
                )
            self.plan.warnings.append(message + " (allowed with --allow-over-budget)")
        self.remaining = self.budget - required_hours
        self.covered = {t for i in self.kept for t in self.modules[i].themes}

    def gather_candidates(self) -> None:
        """Applicable electives not already kept, each with the prerequisites it would pull in."""
        for module_id in self.track.electives:
            if module_id in self.kept:
                self.decisions[module_id] = Decision(module_id, True, "elective", "also kept as a prerequisite")
                continue
            module = self.modules[module_id]
            why = inapplicable_reason(module, self.city, self.role) or self.blocked_prerequisite(module_id)
            if why:
                self.decisions[module_id] = Decision(module_id, False, "dropped-applicability", why)
                continue
            self.candidates[module_id] = [module_id, *prerequisite_closure(module_id, self.modules)]

    def scores(self) -> dict[str, Score]:
        """Each candidate's fit now (hours count only prerequisites not yet kept; themes not yet covered)."""
        out = {}
        for module_id in sorted(self.candidates):
            hours = sum(self.modules[i].hours for i in self.candidates[module_id] if i not in self.kept)
            need = self.needs.get(module_id)
            out[module_id] = self.last_scores[module_id] = fit_score(
                self.modules[module_id], self.city, self.covered, hours, need)
        return out

    def take(self, chosen: str, score: Score, how: str) -> None:
        extra = [i for i in self.candidates.pop(chosen) if i not in self.kept]
        self.kept[chosen] = ("elective", f"elective chosen {how} ({score.explain()})")
        self.decisions[chosen] = Decision(chosen, True, "elective", self.kept[chosen][1], score)
        for prereq in extra:
            if prereq != chosen:
                self.kept[prereq] = ("prerequisite", f"prerequisite of elective {chosen}")
        self.remaining -= sum(self.modules[i].hours for i in extra)
        self.covered |= {t for i in extra for t in self.modules[i].themes}

    def choose_best_set(self) -> None:
        """Exact: the electives with the highest total fit within the budget, when the table is small."""
        scores = self.scores()
        units = int(max(self.remaining, 0) * 2 + 1e-9)
        if scores and len(scores) * (units + 1) <= KNAPSACK_CELLS:
            for chosen in _knapsack(scores, units):
                self.take(chosen, scores[chosen], "for the best total fit within the budget")

    def top_up(self) -> None:
        """Greedy (and the whole method for large pools): best fit per hour first, while any fits."""
        while self.candidates:
            fitting = [(-sc.per_hour, mid) for mid, sc in self.scores().items() if sc.hours <= self.remaining + 1e-9]
            if not fitting:
                break
            chosen = min(fitting)[1]
            self.take(chosen, self.last_scores[chosen], "by fit per hour")

    def drop_unfitted(self) -> None:
        for module_id in sorted(self.candidates):
            score = self.last_scores[module_id]
            self.decisions[module_id] = Decision(
                module_id,
                False,
                "dropped-budget",
                f"does not fit the budget: needs {score.hours:g} h with prerequisites, {max(self.remaining, 0):g} h left",
                score,
            )

    def check_minimums(self) -> None:
        assert self.plan is not None
        electives_kept = sum(1 for c, _ in self.kept.values() if c == "elective")
        if electives_kept < self.track.min_electives:
            self.plan.warnings.append(
                f"learners must complete {self.track.min_electives} elective(s) but only {electives_kept} fit this city"
            )
        planned = sum(self.modules[i].hours for i in self.kept)
        if planned < self.track.min_hours:
            self.plan.warnings.append(f"plan has {planned:g} h, below the track's minimum of {self.track.min_hours:g} h")

    def finish(self) -> RolePlan:
        """Kept modules in prerequisite order; decisions in curriculum order, then the pulled-in ones."""
        assert self.plan is not None
        listed = [*self.track.required, *self.track.electives]
        rank = {module_id: i for i, module_id in enumerate(listed)}
        for module_id in topological_order(set(self.kept), self.modules, rank):
            category, reason = self.kept[module_id]
            self.plan.modules.append(PlannedModule(self.modules[module_id], category, reason))
            if module_id not in self.decisions:
                self.decisions[module_id] = Decision(module_id, True, category, reason)
        extras = sorted(i for i in self.decisions if i not in listed)
        self.plan.decisions = [self.decisions[i] for i in [*listed, *extras] if i in self.decisions]
        return self.plan


def _plan_role(
    role: str,
    curriculum: Curriculum,
    city: CityProfile,
    modules: dict[str, Module],
    allow_over_budget: bool,
    needs: dict[str, ModuleNeed] | None = None,
) -> RolePlan:
    track = curriculum.tracks[role]  # type: ignore[index]
    budget = city.hours_budget if track.max_hours is None else min(city.hours_budget, track.max_hours)
    state = _TrackState(role, track, city, modules, budget, needs or {})
    state.plan = RolePlan(role, city.roles[role], budget, min_electives=track.min_electives)  # type: ignore[index]
    state.keep_required(allow_over_budget)
    state.gather_candidates()
    state.choose_best_set()
    state.top_up()
    state.drop_unfitted()
    state.check_minimums()
    return state.finish()


def tailor(
    curriculum: Curriculum,
    city: CityProfile,
    modules: dict[str, Module],
    *,
    roles: list[str] | None = None,
    allow_over_budget: bool = False,
    needs: PlanNeeds | None = None,
) -> Plan:
    """Tailor `curriculum` to `city`. Pure: no I/O, same inputs → same plan.

    `needs` (from `citycourse.needs.plan_needs`, a city's survey) raises the fit of
    electives that develop competencies staff rated themselves short of; without
    it the plan is exactly the plan without a survey.
    """
    role_plans: list[RolePlan] = []
    dropped: dict[str, str] = {}
    for role in curriculum.tracks:
        if roles and role not in roles:
            continue
        if role not in city.roles:
            dropped[role] = f"{city.name} has no {role} staff in its profile"
            continue
        role_plans.append(_plan_role(role, curriculum, city, modules, allow_over_budget, (needs or {}).get(role)))
    used = {p.id: p.module for r in role_plans for p in r.modules}
    considered = {d.module_id: modules[d.module_id] for r in role_plans for d in r.decisions if d.module_id in modules}
    for module_id in list(considered):
        considered.update((i, modules[i]) for i in prerequisite_closure(module_id, modules))
    return Plan(curriculum, city, role_plans, dropped, dict(sorted(used.items())), dict(sorted(considered.items())))
