"""Progress from the records store, judged against a tailored plan.

Completion of one module follows the curriculum's cmi5-style `move_on`:

- *completed*: a `completed` statement, `result.completion = true`, a Moodle
  "Completed..." state, or attendance (an in-person session counts as done);
- *passed*: a score at or above the module's `assessment.pass_mark` (scaled
  0–1), or a pass without a score (`passed` verb / `result.success = true` /
  Moodle "achieved pass grade"). A score below the pass mark is not a pass,
  whatever the source system said;
- `completed`, `passed`, `completed-and-passed`, `completed-or-passed`
  combine those as their names say. Voided statements never count.

A learner's track (their role in the plan) is complete when every required
module of the role's plan (required modules and the prerequisites they pull
in) is done and at least `min_electives` of the track's electives are (capped
at the number of electives that fitted the city's plan).
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any

from citycourse.tailor import Plan

FORMAT = "citycourse-progress/1"
UNASSIGNED = "(no role)"


def module_done(move_on: str, completed: bool, passed: bool) -> bool:
    if move_on == "completed":
        return completed
    if move_on == "passed":
        return passed
    if move_on == "completed-and-passed":
        return completed and passed
    return completed or passed


@dataclass
class LearnerProgress:
    email: str
    name: str
    role: str
    status: dict[str, str] = field(default_factory=dict)  # module id -> complete | in-progress
    required_done: int = 0
    required_total: int = 0
    electives_done: int = 0
    electives_needed: int = 0
    track_complete: bool = False

    @property
    def percent(self) -> float | None:
        total = self.required_total + self.electives_needed
        if not total:
            return None
        return round(100 * (self.required_done + min(self.electives_done, self.electives_needed)) / total, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "email": self.email, "name": self.name, "role": self.role,
            "required": {"done": self.required_done, "of": self.required_total},
            "electives": {"done": self.electives_done, "needed": self.electives_needed},
            "percent": self.percent, "track_complete": self.track_complete,
            "modules": dict(sorted(self.status.items())),
        }


@dataclass
class Progress:
    plan: Plan
    learners: list[LearnerProgress]
    modules: list[dict[str, Any]]
    roles: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "curriculum": {"id": self.plan.curriculum.id, "title": self.plan.curriculum.title,
                           "move_on": self.plan.curriculum.completion.move_on},
            "city": {"id": self.plan.city.id, "name": self.plan.city.name},
            "totals": {
                "learners": len(self.learners),
                "track_complete": sum(1 for lp in self.learners if lp.track_complete),
            },
            "learners": [lp.to_dict() for lp in self.learners],
            "modules": self.modules,
            "roles": self.roles,
        }


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def compute(plan: Plan, store: Any) -> Progress:
    """Progress of everyone in `plan.city` (roster city or records imported with --city)."""
    from citycourse.store import city_learners, evidence

    city = plan.city.id
    move_on = plan.curriculum.completion.move_on
    pass_marks = {mid: m.assessment.pass_mark for mid, m in plan.modules.items()}
    role_plans = {r.role: r for r in plan.roles}
    with store.engine.connect() as conn:
        people = {p.email: p for p in city_learners(conn, city)}
        status: dict[str, dict[str, str]] = {}
        scores: dict[str, list[float]] = {}
        started: dict[str, set[str]] = {}
        for ev in evidence(conn, city):
            mark = pass_marks.get(ev.module_id)
            if mark is None:  # a module outside this plan: judge with its own pass mark when loaded
                module = plan.modules.get(ev.module_id)
                mark = module.assessment.pass_mark if module else 1.0
            passed = bool(ev.passed_unscored) or (ev.best_score is not None and ev.best_score >= mark - 1e-9)
            done = module_done(move_on, bool(ev.completed), passed)
            status.setdefault(ev.email, {})[ev.module_id] = "complete" if done else "in-progress"
            started.setdefault(ev.module_id, set()).add(ev.email)
            if ev.best_score is not None:
                scores.setdefault(ev.module_id, []).append(ev.best_score)
            if ev.email not in people:
                from citycourse.store import _Person

                people[ev.email] = _Person(ev.email, None, None)

    learners: list[LearnerProgress] = []
    for email in sorted(people):
        person = people[email]
        role = person.role if person.role in role_plans else UNASSIGNED
        lp = LearnerProgress(email, person.name or "", role, status.get(email, {}))
        role_plan = role_plans.get(role)
        if role_plan is not None:
            required = [p.id for p in role_plan.modules if p.category in ("required", "prerequisite")]
            track = plan.curriculum.tracks[role]  # type: ignore[index]
            electives = [m for m in track.electives if m not in required]
            planned_electives = sum(1 for p in role_plan.modules if p.category == "elective")
            lp.required_total = len(required)
            lp.required_done = sum(1 for m in required if lp.status.get(m) == "complete")
            lp.electives_needed = min(role_plan.min_electives, planned_electives)
            lp.electives_done = sum(1 for m in electives if lp.status.get(m) == "complete")
            lp.track_complete = lp.required_done == lp.required_total and lp.electives_done >= lp.electives_needed
        learners.append(lp)

    modules = []
    for module_id in plan.module_ids:
        module = plan.modules[module_id]
        assigned = [
            lp for lp in learners
            if (lp.role in role_plans and module_id in role_plans[lp.role].module_ids)
            or (lp.role == UNASSIGNED and module_id in lp.status)
        ]
        done = sum(1 for lp in assigned if lp.status.get(module_id) == "complete")
        module_scores = scores.get(module_id, [])
        modules.append({
            "id": module_id, "title": module.title, "pass_mark": module.assessment.pass_mark,
            "learners": len(assigned), "started": len(started.get(module_id, set())),
            "completed": done, "percent": _pct(done, len(assigned)),
            "average_score": round(sum(module_scores) / len(module_scores), 3) if module_scores else None,
        })
    roles = []
    for role_plan in plan.roles:
        members = [lp for lp in learners if lp.role == role_plan.role]
        complete = sum(1 for lp in members if lp.track_complete)
        roles.append({
            "role": role_plan.role, "staff": role_plan.headcount, "learners": len(members),
            "track_complete": complete, "percent": _pct(complete, len(members)),
            "percent_of_staff": _pct(complete, role_plan.headcount),
        })
    unassigned = [lp for lp in learners if lp.role == UNASSIGNED]
    if unassigned:
        roles.append({"role": UNASSIGNED, "staff": None, "learners": len(unassigned), "track_complete": 0,
                      "percent": None, "percent_of_staff": None})
    return Progress(plan, learners, modules, roles)


# ------------------------------------------------------------------------------ rendering


def rows(progress: Progress, by: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one view (learner | module | role), shared by table, CSV and Markdown."""
    if by == "learner":
        header = ["email", "name", "role", "required", "electives", "percent", "track complete"]
        body = [
            [lp.email, lp.name, lp.role, f"{lp.required_done}/{lp.required_total}",
             f"{lp.electives_done}/{lp.electives_needed}", lp.percent, "yes" if lp.track_complete else "no"]
            for lp in progress.learners
        ]
    elif by == "module":
        header = ["module", "title", "learners", "started", "completed", "percent", "average score"]
        body = [[m["id"], m["title"], m["learners"], m["started"], m["completed"], m["percent"], m["average_score"]]
                for m in progress.modules]
    else:
        header = ["role", "staff", "learners", "track complete", "percent", "percent of staff"]
        body = [[r["role"], r["staff"], r["learners"], r["track_complete"], r["percent"], r["percent_of_staff"]]
                for r in progress.roles]
    return header, body


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): prefix with a quote."""
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(progress: Progress, by: str) -> str:
    header, body = rows(progress, by)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in body:
        writer.writerow([csv_safe(c) for c in row])
    return out.getvalue()


def _md_cell(value: Any) -> str:
    return _text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def md_table(header: list[str], body: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def to_markdown(progress: Progress, by: str) -> str:
    header, body = rows(progress, by)
    title = f"# Progress: {progress.plan.curriculum.title} — {progress.plan.city.name} (by {by})\n\n"
    return title + md_table(header, body)


def to_json(progress: Progress) -> str:
    return json.dumps(progress.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


# ------------------------------------------------------------------------------ site page


def site_progress_markdown(plan: Plan, store_url: str | None, show_learners: bool = False) -> str | None:
    """An aggregate progress page for the city's site, or None when there are no records for the city.

    Counts and percentages per module and role only; names and emails appear
    only with `show_learners`. A missing SQLite store is never created.
    """
    from citycourse.store import default_url, open_store, sqlite_missing

    url = store_url or os.environ.get("CITYCOURSE_STORE")
    if url is None:
        try:
            from citycourse.errors import UsageError
            from citycourse.project import Project

            url = default_url(Project.find().root)
        except UsageError:  # no project around: no records either
            return None
    if url is None or sqlite_missing(url):
        return None
    store = open_store(url)
    try:
        if not store.has_records(plan.city.id):
            return None
        progress = compute(plan, store)
    finally:
        store.close()
    parts = [
        "# Progress\n",
        f"How far {plan.city.name}'s staff have got with *{plan.curriculum.title}*, from the training records "
        f"imported so far. A module counts as done by the rule **{plan.curriculum.completion.move_on}**.\n",
        f"{len(progress.learners)} learners with records or on the roster; "
        f"{sum(1 for lp in progress.learners if lp.track_complete)} have completed their track.\n",
        "## By role\n",
        md_table(*_aggregate(progress, "role")),
        "## By module\n",
        md_table(*_aggregate(progress, "module")),
    ]
    if show_learners:
        parts += ["## Learners\n", md_table(*rows(progress, "learner"))]
    return "\n".join(parts)


def _aggregate(progress: Progress, by: str) -> tuple[list[str], list[list[Any]]]:
    header, body = rows(progress, by)
    if by == "role":
        return header, body
    return header[:-1], [row[:-1] for row in body]  # no average score on the public page


# ------------------------------------------------------------------------------ certificates


def certificate_html(progress: Progress, learner: LearnerProgress) -> str:
    """One printable, self-contained page (no external assets) for a learner who completed a track."""
    from html import escape

    plan = progress.plan
    done = [plan.modules[m].title for m in plan.role(learner.role).module_ids if learner.status.get(m) == "complete"]
    items = "".join(f"<li>{escape(title)}</li>" for title in done)
    name = escape(learner.name or learner.email)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Certificate: {name}</title>"
        "<style>@page{size:A4 landscape;margin:2cm}body{font-family:serif;text-align:center;color:#222}"
        "h1{font-size:2.2em;margin-top:1.5em}.name{font-size:2em;font-weight:bold;margin:.6em 0}"
        "ul{display:inline-block;text-align:left}</style></head><body>"
        "<h1>Certificate of completion</h1><p>This certifies that</p>"
        f"<p class=\"name\">{name}</p>"
        f"<p>completed the <strong>{escape(learner.role)}</strong> track of "
        f"<em>{escape(plan.curriculum.title)}</em> for {escape(plan.city.name)}, including:</p>"
        f"<ul>{items}</ul></body></html>\n"
    )


def write_certificates(progress: Progress, out: Any) -> list[Any]:
    """Write `<out>/<learner>.html` for every learner whose track is complete; the paths written."""
    import re
    from pathlib import Path

    from citycourse.fsutil import atomic_write_text

    out = Path(out)
    written = []
    for learner in progress.learners:
        if not learner.track_complete:
            continue
        stem = re.sub(r"[^a-z0-9]+", "-", learner.email.lower()).strip("-")
        path = out / f"{stem}.html"
        atomic_write_text(path, certificate_html(progress, learner))
        written.append(path)
    return written
