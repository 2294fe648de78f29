"""Plan → the Markdown pages of one city's site (jinja2 templates in `templates/`).

Everything interpolated into Markdown structure (titles, names, reasons) goes
through `md` (HTML-escaped, Markdown punctuation backslash-escaped); lesson
and activity bodies are Markdown already checked safe by `loading.py` and are
inserted as blocks, with their headings pushed below the page's own.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from citycourse.models import Module
from citycourse.render.i18n import Strings
from citycourse.schedule import Session, schedule, to_ics
from citycourse.tailor import Plan

ASSET_DIR = "assets/citycourse"
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!>~])")
_HEADING = re.compile(r"^(#{1,6})(\s)", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)")


def md(value: Any) -> str:
    """Inline text safe to place anywhere in Markdown: no HTML, no Markdown syntax."""
    text = html.escape(str(value), quote=False)
    text = _MD_PUNCTUATION.sub(r"\\\1", text)
    return " ".join(text.split())


def md_cell(value: Any) -> str:
    """`md` for a table cell (pipes escaped too)."""
    return md(value).replace("|", "\\|")


def md_url(value: Any) -> str:
    """A URL for `[text](<url>)`: no spaces, angle brackets or parentheses to break out of it."""
    text = str(value)
    for bad, good in ((" ", "%20"), ("<", "%3C"), (">", "%3E"), ("(", "%28"), (")", "%29"), ('"', "%22")):
        text = text.replace(bad, good)
    return text


def front_title(value: Any) -> str:
    """A YAML front-matter `title:` value. MkDocs puts a page title into <title>
    unescaped, so it is HTML-escaped here (the browser shows the text as written)."""
    import json

    return json.dumps(html.escape(" ".join(str(value).split()), quote=True), ensure_ascii=False)


def demote(body: str, levels: int = 3) -> str:
    """Push a lesson's own headings below the page's (h1 page, h2 section, h3 lesson)."""
    out: list[str] = []
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
        elif not fenced:
            match = _HEADING.match(line)
            if match:
                depth = min(len(match.group(1)) + levels, 6)
                line = "#" * depth + line[len(match.group(1)):]
        out.append(line)
    return "\n".join(out).strip("\n")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=False,  # Markdown, not HTML: escaping is explicit via the md filters
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md, md_cell=md_cell, md_url=md_url, demote=demote, front_title=front_title)
    env.filters["hours"] = lambda h: f"{h:g}"
    return env


@dataclass
class ModuleView:
    """One module's learner-facing text in the site language, with English fallback."""

    module: Module
    title: str
    summary: str
    objectives: list[str]
    lessons: list[dict[str, Any]]
    activities: list[dict[str, Any]]
    assessment_description: str
    translation: str  # full | partial | none | english
    roles: list[str] = field(default_factory=list)


def module_view(module: Module, lang: str) -> ModuleView:
    def english_objective(o: Any) -> str:
        return f"**{o.verb.capitalize()}** {md(o.text)}"

    lessons = [{"title": l.title, "body": l.body, "minutes": l.minutes} for l in module.lessons]
    activities = [
        {"title": a.title, "instructions": a.instructions, "minutes": a.minutes, "kind": a.kind, "tips": a.facilitator_tips}
        for a in module.activities
    ]
    objectives = [english_objective(o) for o in module.objectives]
    if lang == "en":
        return ModuleView(module, module.title, module.summary, objectives, lessons, activities,
                          module.assessment.description, "english")
    tr = module.translations.get(lang)
    if tr is None:
        return ModuleView(module, module.title, module.summary, objectives, lessons, activities,
                          module.assessment.description, "none")
    complete = True
    for i, text in enumerate(tr.objectives[: len(objectives)]):
        objectives[i] = md(text)
    complete &= len(tr.objectives) >= len(module.objectives)
    for i, lt in enumerate(tr.lessons[: len(lessons)]):
        lessons[i] = {**lessons[i], "title": lt.title, "body": lt.body}
    complete &= len(tr.lessons) >= len(module.lessons)
    for i, at in enumerate(tr.activities[: len(activities)]):
        activities[i] = {**activities[i], "title": at.title, "instructions": at.instructions}
    complete &= len(tr.activities) >= len(module.activities)
    description = tr.assessment_description or module.assessment.description
    complete &= bool(tr.assessment_description) or not module.assessment.description
    return ModuleView(module, tr.title, tr.summary, objectives, lessons, activities, description,
                      "full" if complete else "partial")


@dataclass
class RenderedSite:
    """The docs folder of one city site, as bytes, plus what the MkDocs config needs."""

    files: dict[str, bytes]
    nav: list[Any]
    not_in_nav: list[str]
    language: str
    site_name: str


def page_path(module_id: str) -> str:
    return f"modules/{module_id}.md"


def render_pages(
    plan: Plan,
    *,
    facilitator: bool = False,
    progress_markdown: str | None = None,
    logo: tuple[str, bytes] | None = None,
) -> RenderedSite:
    """Every page of the city's site. Pure: same plan and options → same bytes."""
    city = plan.city
    lang = city.language
    curriculum = plan.curriculum.in_language(lang)
    t = Strings(lang)
    env = _env()
    sessions = schedule(plan)
    language_name = t.language_name(lang)
    kept = set(plan.module_ids)
    roles_of: dict[str, list[str]] = {}
    for role_plan in plan.roles:
        for module_id in role_plan.module_ids:
            roles_of.setdefault(module_id, []).append(role_plan.role)
    common: dict[str, Any] = {
        "t": t, "plan": plan, "city": city, "curriculum": curriculum, "facilitator": facilitator,
        "lang": lang, "language_name": language_name, "kept": kept, "sessions": sessions,
        "ics_name": f"{city.id}.ics", "asset_dir": ASSET_DIR, "page_path": page_path,
    }

    def render(template: str, **extra: Any) -> bytes:
        return env.get_template(template).render(**common, **extra).encode("utf-8")

    files: dict[str, bytes] = {}
    files["index.md"] = render("home.md.j2", summaries=_schedule_summary(sessions, t))
    for role_plan in plan.roles:
        files[f"tracks/{role_plan.role}.md"] = render("track.md.j2", role_plan=role_plan)
    for module_id in plan.module_ids:
        view = module_view(plan.modules[module_id], lang)
        view.roles = roles_of.get(module_id, [])
        files[page_path(module_id)] = render("module.md.j2", view=view, m=view.module)
    files["schedule.md"] = render("schedule.md.j2")
    files["about.md"] = render("about.md.j2")
    files["glossary.md"] = render("glossary.md.j2")
    if progress_markdown:
        files["progress.md"] = progress_markdown.encode("utf-8")
    files[f"{ASSET_DIR}/{city.id}.ics"] = to_ics(plan, sessions)
    assets = Path(__file__).parent / "assets"
    for asset in sorted(assets.iterdir()):
        if asset.is_file():
            files[f"{ASSET_DIR}/{asset.name}"] = asset.read_bytes()
    files[f"{ASSET_DIR}/city.css"] = _city_css(city.branding.primary_color).encode("utf-8")
    if logo is not None:
        files[f"{ASSET_DIR}/{logo[0]}"] = logo[1]

    nav: list[Any] = [{t("home"): "index.md"}]
    nav.append({t("tracks"): [{t(f"roles.{r.role}"): f"tracks/{r.role}.md"} for r in plan.roles]})
    nav.append({t("schedule"): "schedule.md"})
    if progress_markdown:
        nav.append({t("progress"): "progress.md"})
    nav.append({t("about"): "about.md"})
    nav.append({t("glossary"): "glossary.md"})
    site_name = html.escape(city.name + (f" · {t('facilitator_notes')}" if facilitator else ""), quote=True)
    return RenderedSite(files, nav, ["/modules/"], lang, site_name)


def _schedule_summary(sessions: dict[str, list[Session]], t: Strings) -> list[str]:
    out = []
    for role, items in sessions.items():
        if items:
            out.append(t("schedule_role", role=md(t(f"roles.{role}")), sessions=len(items),
                         first=t.date(items[0].date, "medium"), last=t.date(items[-1].date, "medium")))
    return out


def _city_css(colour: str | None) -> str:
    if not colour:
        return "/* No city colour: the theme's default palette is used. */\n"
    return (
        "/* The city's colour (branding.primary_color). */\n"
        ":root > * {\n"
        f"  --md-primary-fg-color: {colour};\n"
        f"  --md-primary-fg-color--light: {colour};\n"
        f"  --md-primary-fg-color--dark: {colour};\n"
        f"  --md-typeset-a-color: {colour};\n"
        "}\n"
    )
