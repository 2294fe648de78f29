"""The site's Competencies page: per role, what the role needs and what this course covers.

Figures come from `citycourse.competency.coverage` (the plan's modules against
competencies/roles.yaml); with a staff survey the page says how many people
answered (a count only, and only from `needs.MIN_RESPONDENTS` up). Labels are
UI strings (render/i18n); competency statements are English, marked so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citycourse.competency import Competencies
    from citycourse.needs import Survey
    from citycourse.render.i18n import Strings
    from citycourse.tailor import Plan


def coverage_page(plan: Plan, competencies: Competencies, t: Strings, survey: Survey | None = None) -> str:
    """The Markdown of the Competencies page."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from citycourse.competency import coverage
    from citycourse.needs import MIN_RESPONDENTS
    from citycourse.render.langmark import Markup
    from citycourse.render.langmark import english as english_mark
    from citycourse.render.pages import md, md_cell, module_title
    from citycourse.render.progress_page import bar_chart, percent

    lang = plan.city.language

    def english(text: str) -> Markup:
        """Statements are written in English only: escaped, and marked as English on other sites."""
        return Markup(str(english_mark(text, lang)).replace("|", "&#124;"))

    def level(n: int) -> str:
        return f"{n} {t(f'competency_levels.{min(n, 4)}')}"

    roles: list[dict[str, Any]] = []
    for rc in coverage(plan, competencies):
        roles.append({
            "name": t(f"roles.{rc.role}"), "role": rc.role, "met": t.number(rc.met), "needed": t.number(len(rc.items)),
            "percent": percent(t, rc.percent), "value": rc.percent,
            "items": [{"code": c.code, "statement": english(c.statement), "needed": level(c.needed),
                       "reached": level(c.reached), "status": t(f"coverage_status.{c.status}"),
                       "modules": [(m, module_title(plan.modules[m], lang)) for m in c.modules]} for c in rc.items],
        })
    answered = sum(rc.respondents for role, rc in (survey.roles.items() if survey else [])
                   if rc.respondents >= MIN_RESPONDENTS and any(r.role == role for r in plan.roles))
    env = Environment(loader=FileSystemLoader(_templates()), autoescape=False, undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md, md_cell=md_cell)
    framework = competencies.framework
    return env.get_template("coverage.md.j2").render(
        t=t, city=plan.city, roles=roles, answered=answered, framework=english(framework.title),
        chart=bar_chart([(r["name"], r["value"], r["percent"]) for r in roles if r["value"] is not None],
                        t("coverage_chart")),
    )


def _templates() -> str:
    from pathlib import Path

    return str(Path(__file__).parent / "templates")


def coverage_files(plan: Plan, competencies: Competencies | None, root: Any) -> tuple[dict[str, bytes], list[Any]]:
    """(files, nav entries) adding the Competencies page to a city's site; nothing without a framework."""
    if competencies is None or not any(competencies.needed(r.role) for r in plan.roles):
        return {}, []
    from citycourse.needs import load_survey
    from citycourse.render.pages import city_strings

    t = city_strings(plan.city)
    page = coverage_page(plan, competencies, t, load_survey(root, plan.city.id))
    return {"coverage.md": page.encode("utf-8")}, [{t("coverage"): "coverage.md"}]
