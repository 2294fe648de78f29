"""The site's Progress page: aggregate figures from `report` in the reader's language, with charts.

Numbers come from `report.ProgressStream` (per role and per module; learners
only with `show_learners`). Every label is a UI string (render/i18n), counts
use plural rules, empty figures show "—", and a percentage never exceeds 100.
The charts are inline SVG drawn here (no script, nothing fetched), in grey
tones that print, each with its figures in its accessible name; the tables
beside them hold the same numbers.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

if TYPE_CHECKING:
    from citycourse.render.i18n import Strings
    from citycourse.report import View
    from citycourse.tailor import Plan

EMPTY = "—"
UNASSIGNED = "(no role)"  # report.UNASSIGNED, not imported: report imports this module


def percent(t: Strings, value: float | None) -> str:
    """A share in the locale's percent format, capped at 100; "—" when there is no figure."""
    if value is None:
        return EMPTY
    from babel.numbers import format_percent

    share = round(min(max(value, 0.0), 100.0) / 100, 3)
    for locale in (t.requested, "en"):
        try:
            return format_percent(share, locale=locale, decimal_quantization=False)
        except Exception:  # noqa: BLE001 - an unknown locale falls back to English
            continue
    return f"{share * 100:g}%"


def count(t: Strings, value: Any) -> str:
    return EMPTY if value is None else t.number(value)


def bar_chart(rows: list[tuple[str, float | None, str]], title: str) -> str:
    """A horizontal bar chart as one line of inline SVG: (label, percent, shown value) per row.

    Bars are drawn in percentages of the chart's width and text in CSS sizes, so
    the chart fills a phone or a page without shrinking its text; each label
    sits above its bar, its figure at the right. The accessible name lists
    every figure.
    """
    row = 38
    described = "; ".join(f"{label} {shown}" for label, _, shown in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{row * len(rows) + 4}" role="img" '
        f'aria-label="{html.escape(f"{title}: {described}", quote=True)}">'
    ]
    for i, (label, value, shown) in enumerate(rows):
        y = i * row
        short = label if len(label) <= 44 else label[:43] + "…"
        filled = 0.0 if value is None else min(max(value, 0.0), 100.0)
        parts.append(f'<text x="0" y="{y + 14}">{html.escape(short)}</text>')
        parts.append(f'<text x="100%" y="{y + 14}" text-anchor="end">{html.escape(shown)}</text>')
        parts.append(f'<rect class="cc-track" x="0" y="{y + 20}" width="100%" height="12" rx="2"/>')
        parts.append(f'<rect class="cc-bar" x="0" y="{y + 20}" width="{filled:g}%" height="12" rx="2"/>')
    parts.append("</svg>")
    return f'<figure class="cc-chart">{"".join(parts)}<figcaption>{html.escape(title)}</figcaption></figure>'


def progress_page(plan: Plan, progress: View, t: Strings, *, show_learners: bool = False) -> str:
    """The Markdown of the Progress page."""
    from citycourse.render.pages import md, md_cell

    def role_name(role: str) -> str:
        return t("no_role") if role == UNASSIGNED else t(f"roles.{role}")

    headcount = {r.role: r.headcount for r in plan.roles}
    roles = []
    notes = []
    for r in progress.roles:
        name = role_name(r["role"])
        roles.append({
            "name": name, "staff": count(t, r["staff"]), "learners": count(t, r["learners"]),
            "complete": count(t, r["track_complete"]), "percent": percent(t, r["percent"]),
            "percent_of_staff": percent(t, r["percent_of_staff"]), "value": r["percent"],
        })
        if r.get("staff_from") == "roster":
            notes.append(t("staff_from_roster", role=name, members=t.number(r["learners"]),
                           staff=t.number(headcount.get(r["role"], 0))))
    modules = []
    lang = plan.city.language
    from citycourse.render.pages import module_title

    for m in progress.modules:
        module = plan.modules.get(m["id"])
        title = module_title(module, lang) if module is not None else m["title"]
        modules.append({
            "id": m["id"], "title": title, "plain": _plain(title), "learners": count(t, m["learners"]),
            "started": count(t, m["started"]), "completed": count(t, m["completed"]),
            "percent": percent(t, m["percent"]), "value": m["percent"],
        })
    totals = progress.totals
    learners: list[dict[str, Any]] = []
    if show_learners:
        for lp in progress.iter_learners():
            learners.append({
                "email": lp.email, "name": lp.name, "role": role_name(lp.role),
                "required": f"{t.number(lp.required_done)} / {t.number(lp.required_total)}",
                "electives": f"{t.number(lp.electives_done)} / {t.number(lp.electives_needed)}",
                "percent": percent(t, lp.percent), "complete": t("yes") if lp.track_complete else t("no"),
            })
    env = Environment(loader=FileSystemLoader(_templates()), autoescape=False, undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md, md_cell=md_cell)
    return env.get_template("progress.md.j2").render(
        t=t, plan=plan, city=plan.city, curriculum=plan.curriculum.in_language(lang), totals=totals,
        rule=t(f"rules.{plan.curriculum.completion.move_on}"), roles=roles, modules=modules, notes=notes,
        learners=learners, show_learners=show_learners,
        role_chart=bar_chart([(r["name"], r["value"], r["percent"]) for r in roles if r["value"] is not None],
                             t("chart_roles")),
        module_chart=bar_chart([(m["plain"], m["value"], m["percent"]) for m in modules], t("chart_modules")),
    )


def _plain(title: str) -> str:
    """A module title without the lang span `module_title` may wrap an English title in."""
    import re

    return html.unescape(re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>", "", str(title))))


def _templates() -> str:
    from pathlib import Path

    return str(Path(__file__).parent / "templates")
