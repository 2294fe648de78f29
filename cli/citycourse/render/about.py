"""The About page's reasons in the reader's language and in plain words.

`tailor` records each decision with an English, technical reason ("fit 1.50 =
focus 0.33×3 + ..."), which is right for `plan --explain` and for trainers. A
learner reads instead *why* in words: "Chosen because it matches your city's
first priority, Safety and security, at the level that suits your city", with
module titles, never ids or formulas. The words are rebuilt here from the
decision's category and score and from the module and city (the same facts
tailoring used), with UI strings from `render/i18n/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from citycourse.models import LEVEL_RANK, Module
from citycourse.render.i18n import Strings
from citycourse.render.langmark import Markup, fill, join
from citycourse.tailor import Decision, Plan, RolePlan, inapplicability, prerequisite_closure


@dataclass
class Line:
    """One module on the About page: its (linked) title and why it is or is not in the track."""

    title: Markup
    reason: Markup


@dataclass
class RoleAbout:
    role: str
    kept: list[Line] = field(default_factory=list)
    not_used: list[Line] = field(default_factory=list)
    #: English, technical reasons for trainers (facilitator site only): (title, reason).
    details: list[tuple[Markup, str]] = field(default_factory=list)


def level_phrase(module: Module, maturity: int, t: Strings) -> str:
    """Where the module's level sits against the city's digital maturity (1→foundation … 5→lead)."""
    target = 1 + (maturity - 1) / 2
    rank = LEVEL_RANK[module.level]
    if abs(rank - target) < 0.5:
        return t("level_fit.at")
    return t("level_fit.below") if rank < target else t("level_fit.above")


class Reasons:
    """Plain reasons for one plan, with module titles from `title` (linked where the page has them)."""

    def __init__(self, plan: Plan, t: Strings, title: Callable[[Module], Markup]) -> None:
        self.plan, self.t, self.title = plan, t, title
        self.city = plan.city
        self.modules = {**plan.considered, **plan.modules}

    def kept(self, role_plan: RolePlan, module: Module, decision: Decision | None) -> Markup:
        t = self.t
        category = decision.category if decision else "required"
        if category == "required":
            return fill(t, "reasons.required")
        if category == "prerequisite":
            needing = [p.module for p in role_plan.modules if module.id in p.module.prerequisites]
            if not needing:
                needing = [p.module for p in role_plan.modules
                           if module.id in prerequisite_closure(p.id, self.modules)]
            return fill(t, "reasons.prerequisite", modules=join(t, [self.title(m) for m in needing]))
        if decision is None or decision.score is None:
            return fill(t, "reasons.also_prerequisite")
        level = level_phrase(module, self.city.digital_maturity, t)
        ranks = [self.city.priorities.index(a) for a in module.focus_areas if a in self.city.priorities]
        if decision.score.focus > 0 and ranks:
            rank = min(ranks)
            ordinals = t.raw("priority_ordinal")
            ordinal = ordinals[rank] if isinstance(ordinals, list) and rank < len(ordinals) else str(rank + 1)
            area = t(f"focus_areas.{self.city.priorities[rank]}")
            return fill(t, "reasons.elective_priority", ordinal=ordinal, area=area, level=level)
        if decision.score.theme > 0:
            covered = {th for p in role_plan.modules if p.category != "elective" for th in p.module.themes}
            new = [th for th in module.themes if th not in covered] or list(module.themes)
            return fill(t, "reasons.elective_theme", theme=t(f"themes.{new[0]}"), level=level)
        return fill(t, "reasons.elective_time", level=level)

    def why_not(self, role: str, module: Module, decision: Decision) -> Markup:
        t, city = self.t, self.city
        if decision.category == "dropped-budget":
            hours = decision.score.hours if decision.score else module.hours
            why = fill(t, "reasons.why_budget", hours)
        else:
            why = self._inapplicable(module, role)
        required = module.id in (self.plan.curriculum.tracks[role].required if role in self.plan.curriculum.tracks else [])  # type: ignore[index]
        return fill(t, "reasons.required_not_used" if required else "reasons.not_used", why=why)

    def _inapplicable(self, module: Module, role: str | None) -> Markup:
        t, city = self.t, self.city
        rule = inapplicability(module, city, role)
        if rule == "maturity":
            return fill(t, "reasons.why_maturity", need=module.min_maturity, city=city.name, have=city.digital_maturity)
        if rule == "online":
            return fill(t, "reasons.why_online", city=city.name, connectivity=t(f"connectivity.{city.connectivity}"))
        if rule == "role":
            return fill(t, "reasons.why_role")
        for prereq in prerequisite_closure(module.id, self.modules):
            if inapplicability(self.modules[prereq], city, None):
                return fill(t, "reasons.why_prerequisite", module=self.title(self.modules[prereq]))
        return fill(t, "reasons.why_role")  # not reached: tailoring drops a module for one of the reasons above


def about_roles(plan: Plan, t: Strings, title: Callable[[Module], Markup]) -> list[RoleAbout]:
    """Per role: the track's modules in order with plain reasons, then the modules not used."""
    reasons = Reasons(plan, t, title)
    out = []
    for role_plan in plan.roles:
        about = RoleAbout(role_plan.role)
        decisions = {d.module_id: d for d in role_plan.decisions}
        for planned in role_plan.modules:
            decision = decisions.get(planned.id)
            about.kept.append(Line(title(planned.module), reasons.kept(role_plan, planned.module, decision)))
            if decision is not None and decision.score is not None:
                about.details.append((title(planned.module), decision.reason))
        for decision in role_plan.decisions:
            if decision.kept or decision.module_id not in reasons.modules:
                continue
            module = reasons.modules[decision.module_id]
            about.not_used.append(Line(title(module), reasons.why_not(role_plan.role, module, decision)))
            about.details.append((title(module), decision.reason))
        out.append(about)
    return out


def dropped_role_reason(plan: Plan, t: Strings) -> Markup:
    return fill(t, "reasons.no_staff", city=plan.city.name)
