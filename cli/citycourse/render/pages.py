"""Plan → the Markdown pages of one city's site (jinja2 templates in `templates/`).

Everything interpolated into Markdown structure (titles, names, reasons) goes
through `md` (HTML-escaped, Markdown punctuation backslash-escaped); lesson
and activity bodies are Markdown already checked safe by `loading.py` and are
inserted as blocks, with their headings moved below the page's own
(`shift_headings`). In both, `{ref:ID}` becomes a link to the reference and
`[text](glossary:ID)` a link to the term on the glossary page (`PageText`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from citycourse.models import Module
from citycourse.references import CHECK_CURRENT, GLOSSARY_LINK, REF, SiteFacts, Term, module_texts
from citycourse.render.i18n import Strings
from citycourse.render.paths import stops_by_module, track_stops
from citycourse.render.page_cache import PageCache, SitePages
from citycourse.render.langmark import Markup, english, fill
from citycourse.schedule import Session, schedule, to_ics
from citycourse.tailor import Plan
from citycourse.translations import Localized, localize

ASSET_DIR = "assets/citycourse"
SEARCH_WORKER = "assets/javascripts/workers/citycourse-search.js"
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!>~])")
_HEADING = re.compile(r"^(#{1,6})(\s)", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)")


def _escape(text: str) -> str:
    return _MD_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


def md(value: Any) -> str:
    """Inline text safe to place anywhere in Markdown: no HTML, no Markdown syntax.
    `Markup` (escaped already, e.g. an English title in a lang span) passes through."""
    if isinstance(value, Markup):
        return value
    return " ".join(_escape(str(value)).split())


def md_cell(value: Any) -> str:
    """`md` for a table cell (pipes escaped too)."""
    if isinstance(value, Markup):
        return value
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


def shift_headings(body: str, top: int = 4) -> str:
    """Fit an author's headings under the page's: the shallowest becomes h`top`, none skips a level.

    Lessons sit under h3 (h1 page, h2 section, h3 lesson), so an author's
    `###` (or `#`) becomes h4, the next level down h5, and so on; a heading
    never goes more than one level below the one before it (valid order for
    screen readers), and never below h6.
    """
    lines = body.splitlines()
    fenced = False
    found: list[tuple[int, int]] = []  # (line index, author level)
    for i, line in enumerate(lines):
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
        elif not fenced:
            match = _HEADING.match(line)
            if match:
                found.append((i, len(match.group(1))))
    if found:
        ranks = {level: rank for rank, level in enumerate(sorted({level for _, level in found}))}
        previous = top - 1
        for i, level in found:
            depth = min(top + ranks[level], previous + 1, 6)
            lines[i] = "#" * depth + lines[i][level:]
            previous = depth
    return "\n".join(lines).strip("\n")


def lists_may_interrupt_paragraphs(body: str) -> str:
    """A blank line before a list that directly follows a paragraph line.

    Lessons are CommonMark, where `**Check your work:**` followed by `- item`
    on the next line starts a list; Python-Markdown (MkDocs) needs the blank
    line, or the items print as literal "- " text.
    """
    lines = body.split("\n")
    out: list[str] = []
    fenced = False
    for line in lines:
        if _FENCE.match(line.lstrip()):
            fenced = not fenced
        elif (not fenced and out and out[-1].strip() and _LIST_ITEM.match(line)
              and not _LIST_ITEM.match(out[-1]) and not out[-1].startswith((" ", "\t", "|", ">", "{:"))):
            out.append("")
        out.append(line)
    return "\n".join(out)


def demote(body: str, levels: int = 3) -> str:
    """`shift_headings` under an h`levels` heading (kept for templates that say how deep they are)."""
    return shift_headings(body, levels + 1)


class PageText:
    """Module text for one page: references and glossary links resolved, relative to the page."""

    def __init__(self, facts: SiteFacts, prefix: str, lang: str = "en") -> None:
        self.facts = facts
        self.prefix = prefix  # from the page to the site root, e.g. "../"
        self.lang = lang

    def cite(self, ref_id: str, lang: str | None = None) -> str:
        ref = self.facts.references.get(ref_id)
        if ref is None:  # validation refuses this; render the id plainly rather than fail
            return md(ref_id)
        return f"[{md(ref.cite(lang or self.lang))}](<{md_url(ref.url)}>)"

    def _refs(self, text: str) -> str:
        """`{ref:ID}` as links; a paragraph shown in English (marked lang="en") cites in English too."""
        if "{ref:" not in text:
            return text
        if self.lang == "en" or EN not in text:
            return REF.sub(lambda m: self.cite(m.group(1)), text)
        return "\n\n".join(
            REF.sub(lambda m, lang=("en" if EN in part else None): self.cite(m.group(1), lang), part)
            for part in text.split("\n\n")
        )

    def term_link(self, match: re.Match[str]) -> str:
        return f"[{match.group(1)}]({self.prefix}glossary.md#{md_url(match.group(2))})"

    def block(self, body: str, top: int = 4) -> str:
        """Markdown from a module (checked safe when loaded), headings fitted under h`top - 1`."""
        text = self._refs(body)
        if "glossary:" in text:
            text = GLOSSARY_LINK.sub(self.term_link, text)
        return shift_headings(lists_may_interrupt_paragraphs(text), top)

    def inline(self, value: Any) -> str:
        """Plain text (facilitator notes, talking points) escaped like `md`, with references linked."""
        text = " ".join(str(value).split())
        if "{ref:" not in text:
            return _escape(text)
        out, last = [], 0
        for m in REF.finditer(text):
            out += [_escape(text[last:m.start()]), self.cite(m.group(1))]
            last = m.end()
        out.append(_escape(text[last:]))
        return "".join(out)


def cited(module: Module) -> list[str]:
    """Reference ids a module cites, in order of first citation."""
    seen: dict[str, None] = {}
    for _, text in module_texts(module):
        if "{ref:" in text:
            for m in REF.finditer(text):
                seen.setdefault(m.group(1), None)
    for lesson in module.lessons:  # facilitator scripts may cite too
        if lesson.facilitator:
            for text in [*lesson.facilitator.talking_points, lesson.facilitator.question]:
                for m in REF.finditer(text):
                    seen.setdefault(m.group(1), None)
    return list(seen)


def handout_path(module_id: str, handout_id: str) -> str:
    return f"handouts/{module_id}/{handout_id}.md"


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
    # A paragraph or list item shown in English on a page in another language gets lang="en" (attr_list,
    # on its own line at the block's indentation); an expression, so trim_blocks keeps its newline.
    env.globals["en_attr"] = lambda english, indent=0: f"\n{' ' * indent}{EN}" if english else ""
    from citycourse.render.selfcheck import self_check

    env.globals["self_check"] = self_check  # the learner's self-check (templates/_quiz.md.j2)
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
    loc: Localized | None = None
    notes_english: bool = False  # the facilitator notes, shown in English
    description_english: bool = False  # the assessment description, shown in English

    def english(self, path: str, text: str | None = None) -> bool:
        """True when unit `path` (with `text`: any paragraph of that field) is shown in English
        on a page in another language: the template marks it lang="en" and notes it is not translated."""
        if self.loc is None or self.loc.lang == "en":
            return False
        if text is None:
            return self.loc.english(path)
        return any(en for _, en in self.loc.blocks(path, text))

    def attr(self, path: str, text: str | None = None, classes: str = "") -> str:
        """An attr_list suffix for a heading or paragraph: its classes, and lang="en" when shown in English."""
        parts = [classes] if classes else []
        if self.english(path, text):
            parts.append('lang="en"')
        return f" {{: {' '.join(parts)} }}" if parts else ""


EN = '{: lang="en" }'
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def mark_english(block: str) -> str:
    """An English paragraph on a page in another language, marked lang="en" (attr_list) for screen readers."""
    lines = block.split("\n")
    first = lines[0]
    if _HEADING.match(first) and len(lines) == 1:
        return f"{first} {EN}"
    if _LIST_ITEM.match(first):  # mark every item: the attribute line continues the item before it
        out: list[str] = []
        for i, line in enumerate(lines):
            if i and _LIST_ITEM.match(line):
                out.append(EN)
            out.append(line)
        return "\n".join([*out, EN])
    if first.startswith(("|", "```", "~~~", ">", "    ")):
        return block  # tables, code and quotes keep the page's note only
    return f"{block}\n{EN}"


def localized_module(module: Module, lang: str) -> tuple[Module, Localized]:
    """`module` with every unit in `lang` where a current translation exists; English paragraphs marked."""
    loc = localize(module, lang)
    if loc.state == "english":
        return module, loc
    text = loc.text

    def body(path: str, english: str) -> str:  # rendered as Markdown blocks
        return "\n\n".join(mark_english(b) if en else b for b, en in loc.blocks(path, english))

    def flat(path: str, english: str) -> str:  # rendered inline (escaped): no attribute lines
        return "\n\n".join(b for b, _ in loc.blocks(path, english))

    lessons = []
    for i, lesson in enumerate(module.lessons):
        script = lesson.facilitator
        if script is not None:
            where = f"lessons[{i}].facilitator"
            script = script.model_copy(update={
                "talking_points": [text(f"{where}.talking_points[{j}]", p) for j, p in enumerate(script.talking_points)],
                "question": text(f"{where}.question", script.question), "timing": text(f"{where}.timing", script.timing)})
        lessons.append(lesson.model_copy(update={"title": text(f"lessons[{i}].title", lesson.title),
                                                 "body": body(f"lessons[{i}].body", lesson.body), "facilitator": script}))
    activities = [a.model_copy(update={
        "title": text(f"activities[{i}].title", a.title), "instructions": body(f"activities[{i}].instructions", a.instructions),
        "self_study": body(f"activities[{i}].self_study", a.self_study),
        "facilitator_tips": flat(f"activities[{i}].facilitator_tips", a.facilitator_tips)}) for i, a in enumerate(module.activities)]
    a = module.assessment
    assessment = a.model_copy(update={
        "description": flat("assessment.description", a.description),
        "questions": [q.model_copy(update={
            "prompt": text(f"assessment.questions[{i}].prompt", q.prompt),
            "choices": [text(f"assessment.questions[{i}].choices[{j}]", c) for j, c in enumerate(q.choices)],
            "answer": text(f"assessment.questions[{i}].answer", q.answer)}) for i, q in enumerate(a.questions)],
        "rubric": [c.model_copy(update={part: text(f"assessment.rubric[{i}].{part}", getattr(c, part))
                                        for part in ("criterion", "meets", "partly", "not_yet")})
                   for i, c in enumerate(a.rubric)]})
    example = module.worked_example
    if example is not None:
        example = example.model_copy(update={"title": text("worked_example.title", example.title),
                                             "body": body("worked_example.body", example.body)})
    update = {
        "title": text("title", module.title), "summary": text("summary", module.summary),
        "lessons": lessons, "activities": activities, "assessment": assessment, "worked_example": example,
        "handouts": [h.model_copy(update={"title": text(f"handouts[{h.id}].title", h.title),
                                          "body": body(f"handouts[{h.id}].body", h.body)}) for h in module.handouts],
        "glossary": [g.model_copy(update={"term": text(f"glossary[{g.id}].term", g.term),
                                          "definition": text(f"glossary[{g.id}].definition", g.definition)})
                     for g in module.glossary],
        "facilitator_notes": flat("facilitator_notes", module.facilitator_notes),
    }
    return module.model_copy(update=update), loc


def module_title(module: Module, lang: str) -> Markup:
    """The module's title in `lang` when translated and current, else in English (in a lang="en" span)."""
    loc = localize(module, lang)
    return english(loc.text("title", module.title), lang, loc.english("title"))


def module_view(module: Module, lang: str) -> ModuleView:
    """The module in the site language; units without a current translation in English, marked."""
    original = module
    module, loc = localized_module(module, lang)

    def title_attr(path: str) -> str:
        return f" {EN}" if loc.state in ("partial", "none") and loc.english(path) else ""

    def script_english(i: int) -> dict[str, Any]:  # which parts of a lesson's facilitator script are in English
        script = original.lessons[i].facilitator
        if script is None or loc.state == "english":
            return {"any": False, "points": [], "question": False, "timing": False}
        where = f"lessons[{i}].facilitator"
        out = {"points": [loc.english(f"{where}.talking_points[{j}]") for j in range(len(script.talking_points))],
               "question": loc.english(f"{where}.question"), "timing": loc.english(f"{where}.timing")}
        return {**out, "any": any(out["points"]) or out["question"] or out["timing"]}

    def flat_english(path: str, text: str) -> bool:
        return loc.state != "english" and bool(text) and any(en for _, en in loc.blocks(path, text))

    lessons = [
        {"title": l.title, "body": l.body, "minutes": l.minutes, "script": l.facilitator,
         "title_attr": title_attr(f"lessons[{i}].title"), "script_english": script_english(i)}
        for i, l in enumerate(module.lessons)
    ]
    handouts = {h.id: h for h in module.handouts}
    activities = [
        {"title": a.title, "instructions": a.instructions, "minutes": a.minutes, "kind": a.kind,
         "tips": a.facilitator_tips, "self_study": a.self_study, "handouts": [handouts[h] for h in a.handouts if h in handouts],
         "title_attr": title_attr(f"activities[{i}].title"),
         "tips_english": flat_english(f"activities[{i}].facilitator_tips", original.activities[i].facilitator_tips)}
        for i, a in enumerate(module.activities)
    ]
    objectives = []
    for i, o in enumerate(original.objectives):
        path = f"objectives[{i}]"
        if loc.state in ("full", "partial") and not loc.english(path):
            objectives.append(md(loc.text(path, "")))
        else:
            objectives.append(f"**{o.verb.capitalize()}** {md(o.text)}" + (f"\n  {EN}" if loc.state in ("partial", "none") else ""))
    return ModuleView(module, module.title, module.summary, objectives, lessons, activities,
                      module.assessment.description, loc.state, loc=loc,
                      notes_english=flat_english("facilitator_notes", original.facilitator_notes),
                      description_english=flat_english("assessment.description", original.assessment.description))


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


def glossary_terms(plan: Plan, facts: SiteFacts, t: Strings) -> list[Term]:
    """The site's glossary: built-in terms, the terms of every module in the plan and any term
    a planned module links to (defined elsewhere), sorted by term."""
    terms: dict[str, Term] = {}
    english = Strings("en").get("glossary_terms", [])
    for i, item in enumerate(t.get("glossary_terms", [])):  # the site language's built-in terms, English fallback
        # A translation may leave out the ids: the English entry in the same place gives it.
        term_id = str(item.get("id") or (english[i].get("id") if i < len(english) else "") or f"term-{i + 1}")
        terms[term_id] = Term(term_id, str(item["term"]), str(item["definition"]))
    for module_id in plan.module_ids:
        module = localized_module(plan.modules[module_id], plan.city.language)[0]
        for term in module.glossary:
            terms.setdefault(term.id, Term(term.id, term.term, term.definition, module_id))
        for _, text in module_texts(module):
            if "glossary:" in text:
                for m in GLOSSARY_LINK.finditer(text):
                    if m.group(2) not in terms and m.group(2) in facts.terms:
                        terms[m.group(2)] = facts.terms[m.group(2)]
    return sorted(terms.values(), key=lambda term: (term.term.casefold(), term.id))


def render_pages(
    plan: Plan,
    *,
    facilitator: bool = False,
    progress_markdown: str | None = None,
    logo: tuple[str, bytes] | None = None,
    facts: SiteFacts | None = None,
    cache: PageCache | None = None,
) -> RenderedSite:
    """Every page of the city's site. Pure: same plan, facts and options → same bytes.

    With a `cache` (render/page_cache.py), a module's pages whose inputs are unchanged are
    taken from it instead of rendered.
    """
    facts = facts or SiteFacts()
    city = plan.city
    lang = city.language
    curriculum = plan.curriculum.in_language(lang)
    t = city_strings(city)
    env = _env()
    sessions = schedule(plan)
    tracks = track_stops(plan, sessions)
    stops_of = stops_by_module(tracks)
    dates = {role: {stop.module_id: stop.date for stop in stops} for role, stops in tracks.items()}
    language_name = t.language_name(lang)
    kept = set(plan.module_ids)
    roles_of: dict[str, list[str]] = {}
    for role_plan in plan.roles:
        for module_id in role_plan.module_ids:
            roles_of.setdefault(module_id, []).append(role_plan.role)
    titles: dict[str, Any] = {}  # module id → title in the site language (track, schedule and module pages ask often)
    common: dict[str, Any] = {
        "t": t, "plan": plan, "city": city, "curriculum": curriculum, "facilitator": facilitator,
        "lang": lang, "language_name": language_name, "kept": kept, "sessions": sessions,
        "ics_name": f"{city.id}.ics", "asset_dir": ASSET_DIR, "page_path": page_path,
        "handout_path": handout_path, "facts": facts, "check_current": CHECK_CURRENT,
        "title_in": lambda m: titles[m.id] if m.id in titles else titles.setdefault(m.id, module_title(m, lang)),
        # The curriculum's title and description: marked lang="en" where not translated.
        "curriculum_title": english(curriculum.title, lang, curriculum.title == plan.curriculum.title),
        "description_english": lang != "en" and curriculum.description == plan.curriculum.description,
        "fill": fill,
    }

    def render(template: str, **extra: Any) -> bytes:
        return env.get_template(template).render(**common, **extra).encode("utf-8")

    files: dict[str, bytes] = {}
    common.update(tracks=tracks, dates=dates)
    files["index.md"] = render("home.md.j2", summaries=_schedule_summary(sessions, t))
    for role_plan in plan.roles:
        files[f"tracks/{role_plan.role}.md"] = render("track.md.j2", role_plan=role_plan)
        files[f"schedule/{role_plan.role}.md"] = render("schedule_role.md.j2", role=role_plan.role)
    cached = SitePages(cache, plan, facilitator=facilitator, facts=facts, sessions=sessions) if cache and cache.enabled else None
    for module_id in plan.module_ids:
        hit = cached.get(module_id) if cached else None
        if hit is not None:
            files.update(hit)
            continue
        own: dict[str, bytes] = {}  # this module's pages, cached together
        view = module_view(plan.modules[module_id], lang)
        view.roles = roles_of.get(module_id, [])
        module = view.module
        example = module.worked_example
        own[page_path(module_id)] = render(
            "module.md.j2", view=view, m=module, tx=PageText(facts, "../", lang), stops=stops_of.get(module_id, []),
            references=[facts.references[r] for r in cited(module) if r in facts.references],
            place=facts.places.get(example.place) if example else None,
        )
        for handout in module.handouts:
            own[handout_path(module_id, handout.id)] = render(
                "handout.md.j2", h=handout, view=view, m=module, tx=PageText(facts, "../../", lang)
            )
        files.update(own)
        if cached:
            cached.put(module_id, own)
    for role_plan in plan.roles:
        # Slots, filled with each module's built HTML after MkDocs (render/workbook.py).
        files[workbook_path(role_plan.role)] = render("workbook.md.j2", role_plan=role_plan,
                                                      modules=[workbook_slot(m) for m in role_plan.module_ids])
    files["schedule.md"] = render("schedule.md.j2")
    files["about.md"] = render("about.md.j2", **about_context(plan, t, kept))
    terms = glossary_terms(plan, facts, t)
    files["glossary.md"] = render("glossary.md.j2", terms=terms, english_terms=english_term_ids(plan, terms, t))
    if progress_markdown:
        files["progress.md"] = progress_markdown.encode("utf-8")
    ics = f"{ASSET_DIR}/{city.id}.ics"
    files[ics] = cached.calendar(ics, lambda: to_ics(plan, sessions)) if cached else to_ics(plan, sessions)
    assets = Path(__file__).parent / "assets"
    for asset in sorted(assets.iterdir()):
        if asset.is_file():
            files[f"{ASSET_DIR}/{asset.name}"] = asset.read_bytes()
    # Beside the theme's search worker, which it loads (its lunr path is found relative to /workers/).
    files[SEARCH_WORKER] = (assets / "workers" / "citycourse-search.js").read_bytes()
    files[f"{ASSET_DIR}/city.css"] = _city_css(city.branding.primary_color).encode("utf-8")
    if logo is not None:
        files[f"{ASSET_DIR}/{logo[0]}"] = logo[1]

    nav: list[Any] = [{t("home"): "index.md"}]
    # Each track lists its modules, so the sidebar shows where a reader is (navigation.prune keeps
    # every page's copy of the nav to the open track). A module in several tracks is one page.
    nav.append({t("tracks"): [
        {t(f"roles.{r.role}"): [f"tracks/{r.role}.md", *(page_path(m) for m in r.module_ids)]} for r in plan.roles
    ]})
    nav.append({t("schedule"): ["schedule.md", *({t(f"roles.{r.role}"): f"schedule/{r.role}.md"} for r in plan.roles)]})
    if progress_markdown:
        nav.append({t("progress"): "progress.md"})
    nav.append({t("about"): "about.md"})
    nav.append({t("glossary"): "glossary.md"})
    site_name = html.escape(city.name + (f" · {t('facilitator_notes')}" if facilitator else ""), quote=True)
    return RenderedSite(files, nav, ["/modules/", "/handouts/", "/workbooks/"], lang, site_name)


def workbook_path(role: str) -> str:
    return f"workbooks/{role}.md"


def workbook_slot(module_id: str) -> str:
    from citycourse.render.workbook import slot

    return slot(module_id)


def english_term_ids(plan: Plan, terms: list[Term], t: Strings) -> set[str]:
    """Glossary terms shown in English on a site in another language (marked lang="en" there):
    a module's term without a current translation, or a term taken from a module outside the plan."""
    lang = plan.city.language
    if lang == "en" or t.lang == "en":
        return set()
    built_in = {str(item.get("id")) for item in t.get("glossary_terms", [])}
    english_ids = set()
    for term in terms:
        if term.id in built_in:
            continue
        module = plan.modules.get(term.module or "")
        if module is None or localize(module, lang).english(f"glossary[{term.id}].term"):
            english_ids.add(term.id)
    return english_ids


def city_strings(city: Any) -> Strings:
    """The site's UI strings: the language's, with the city profile's `strings:` over them."""
    from citycourse.errors import BuildError
    from citycourse.render.i18n import unknown_overrides

    unknown = unknown_overrides(city.strings)
    if unknown:
        raise BuildError(
            f"{city.name}: unknown key(s) under strings: {', '.join(unknown)}",
            hint="use the keys of cli/citycourse/render/i18n/en.yaml, e.g. fictional_marker, contact, roles.planner",
        )
    return Strings(city.language, city.strings)


def about_context(plan: Plan, t: Strings, kept: set[str]) -> dict[str, Any]:
    """The About page's plain reasons (render/about.py), kept modules linked by title."""
    from citycourse.render.about import about_roles, dropped_role_reason

    lang = plan.city.language

    def title(module: Module) -> Markup:
        text = module_title(module, lang)
        return Markup(f"[{text}]({page_path(module.id)})") if module.id in kept else text

    return {"about_roles": about_roles(plan, t, title), "no_staff": dropped_role_reason(plan, t)}


def _schedule_summary(sessions: dict[str, list[Session]], t: Strings) -> list[str]:
    out = []
    for role, items in sessions.items():
        if items:
            out.append(md(t.plural("schedule_role", len(items), role=t(f"roles.{role}"),
                                   first=t.date(items[0].date, "medium"), last=t.date(items[-1].date, "medium"))))
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
