"""The programme view: every city at once, for a regional programme and its funder.

One row per curriculum × city × role: staff (the city profile's head-count),
planned hours per person, competency coverage (needed competencies the plan
meets, see `citycourse.competency`), surveyed needs (respondents and the
competency with the highest priority, see `citycourse.needs`) and completion
from the records store (learners with records, tracks complete, percent of
staff, as `citycourse progress` counts them). Aggregates only: no name, email
or single answer is read into a row, so every output may be published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citycourse.competency import Competencies
    from citycourse.loading import Library
    from citycourse.store import Store

FORMAT = "citycourse-programme/1"
COLUMNS = ["curriculum", "city", "role", "staff", "plan_hours", "competencies_needed", "competencies_met",
           "coverage_percent", "survey_respondents", "top_need", "top_need_large_gap_percent", "learners",
           "track_complete", "completion_percent_of_staff"]


@dataclass(frozen=True)
class ProgrammeRow:
    curriculum: str
    city: str
    role: str
    staff: int
    plan_hours: float
    competencies_needed: int
    competencies_met: int
    coverage_percent: float | None
    survey_respondents: int | None
    top_need: str | None
    top_need_large_gap_percent: float | None
    learners: int | None
    track_complete: int | None
    completion_percent_of_staff: float | None

    def cells(self) -> list[Any]:
        return [getattr(self, c) for c in COLUMNS]


def programme_rows(
    library: Library, competencies: Competencies | None, root: Path, curricula: Iterable[str],
    store: Store | None = None,
) -> tuple[list[ProgrammeRow], list[str]]:
    """Rows for every city × curriculum (plans include each city's survey); (rows, warnings)."""
    from citycourse.competency import coverage
    from citycourse.errors import BudgetError
    from citycourse.needs import MIN_RESPONDENTS, load_survey, needs_rows, plan_needs
    from citycourse.tailor import tailor

    rows: list[ProgrammeRow] = []
    warnings: list[str] = []
    for curriculum_id in curricula:
        curriculum = library.curricula[curriculum_id]
        for city_id, city in sorted(library.cities.items()):
            survey = load_survey(root, city_id) if competencies is not None else None
            needs = plan_needs(survey, competencies, library.modules) if survey and competencies else None
            try:
                plan = tailor(curriculum, city, library.modules, needs=needs)
            except BudgetError as exc:
                warnings.append(f"{curriculum_id} × {city_id}: no plan ({exc})")
                continue
            covered = {c.role: c for c in coverage(plan, competencies)} if competencies else {}
            top: dict[str, Any] = {}
            if survey is not None and competencies is not None:
                for n in needs_rows(survey, competencies):
                    if n.role not in top or n.priority > top[n.role].priority:
                        top[n.role] = n
            completion: dict[str, dict[str, Any]] = {}
            if store is not None and store.has_records(city_id):
                from citycourse.report import compute

                completion = {r["role"]: r for r in compute(plan, store).roles}
            for role_plan in plan.roles:
                role = role_plan.role
                cov = covered.get(role)
                respondents = survey.roles[role].respondents if survey and role in survey.roles else None
                if respondents is not None and respondents < MIN_RESPONDENTS:
                    respondents = None  # too few to publish (see citycourse.needs)
                need = top.get(role)
                done = completion.get(role)
                rows.append(ProgrammeRow(
                    curriculum_id, city_id, role, role_plan.headcount, role_plan.hours,
                    len(cov.items) if cov else 0, cov.met if cov else 0, cov.percent if cov else None,
                    respondents, need.competency if need and need.priority > 0 else None,
                    need.large_gap_share if need and need.priority > 0 else None,
                    done["learners"] if done else None, done["track_complete"] if done else None,
                    done["percent_of_staff"] if done else None,
                ))
    return rows, warnings


def totals(rows: list[ProgrammeRow]) -> dict[str, Any]:
    """Programme totals: staff and tracks complete summed over rows (a person is in one role per city)."""
    complete = [r.track_complete for r in rows if r.track_complete is not None]
    return {"rows": len(rows), "cities": len({r.city for r in rows}), "staff": sum(r.staff for r in rows),
            "track_complete": sum(complete) if complete else None}


def programme_dict(rows: list[ProgrammeRow], warnings: list[str]) -> dict[str, Any]:
    return {"format": FORMAT, "totals": totals(rows), "rows": [asdict(r) for r in rows], "warnings": warnings}


def _cell(value: Any, percent: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}%" if percent else f"{value:g}"
    return str(value)


def programme_markdown(rows: list[ProgrammeRow], warnings: list[str]) -> str:
    """A Markdown report with one inline SVG chart per curriculum (coverage and completion per city)."""
    from citycourse.render.progress_page import bar_chart

    lines = ["# Programme report", "",
             "Per city and role: staff, planned hours per person, competencies covered, surveyed needs and "
             "completion. Counts only; no person is named.", ""]
    t = totals(rows)
    lines += [f"{t['cities']} cities, {t['staff']} staff"
              + (f", {t['track_complete']} tracks complete." if t["track_complete"] is not None else "."), ""]
    for curriculum in dict.fromkeys(r.curriculum for r in rows):
        mine = [r for r in rows if r.curriculum == curriculum]
        lines += [f"## {curriculum}", ""]
        by_city: dict[str, list[ProgrammeRow]] = {}
        for r in mine:
            by_city.setdefault(r.city, []).append(r)
        chart = []
        for city, rs in by_city.items():
            needed = sum(r.competencies_needed for r in rs)
            met = sum(r.competencies_met for r in rs)
            share = round(100 * met / needed, 1) if needed else None
            chart.append((city, share, _cell(share, True)))
        lines += [bar_chart(chart, f"{curriculum}: needed competencies covered per city"), ""]
        lines += ["| City | Role | Staff | Hours | Coverage | Survey | Top need | Gap ≥ 2 | Learners | Complete | % of staff |",
                  "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
        for r in mine:
            coverage = f"{r.competencies_met}/{r.competencies_needed}" if r.competencies_needed else "—"
            lines.append(
                f"| {r.city} | {r.role} | {r.staff} | {_cell(r.plan_hours)} | {coverage} | {_cell(r.survey_respondents)} "
                f"| {_cell(r.top_need)} | {_cell(r.top_need_large_gap_percent, True)} | {_cell(r.learners)} "
                f"| {_cell(r.track_complete)} | {_cell(r.completion_percent_of_staff, True)} |")
        lines.append("")
    if warnings:
        lines += ["## Not planned", ""] + [f"- {w}" for w in warnings] + [""]
    return "\n".join(lines)
