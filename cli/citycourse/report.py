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

Percent of staff divides by the city profile's head-count for the role, or by
the roster's count when the roster lists more people (with a warning), so it
is never above 100.

Where it runs: the store groups the records per (learner, module) and judges
each module done in SQL (`Store.statuses`, the rule above as SQL); this module
judges tracks one learner at a time and counts module and role figures on the
way, so nothing here holds more than one learner (`ProgressStream`); `compute`
keeps them all for small uses.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from citycourse.tailor import Plan

if TYPE_CHECKING:
    from citycourse.store import LearnerStatus, PassRule, Store

FORMAT = "citycourse-progress/1"
UNASSIGNED = "(no role)"
COMPLETE, IN_PROGRESS = "complete", "in-progress"


def module_done(move_on: str, completed: bool, passed: bool) -> bool:
    """The rule in words; the store applies the same rule in SQL (`store.queries.done_expression`)."""
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
    """Progress with every learner in memory: for small cities, tests and certificates of a few people.

    At programme scale use `ProgressStream`, which never holds more than one learner.
    """

    plan: Plan
    learners: list[LearnerProgress]
    modules: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {"learners": len(self.learners), "track_complete": sum(1 for lp in self.learners if lp.track_complete)}

    def iter_learners(self) -> Iterator[LearnerProgress]:
        return iter(self.learners)

    def to_dict(self) -> dict[str, Any]:
        return {**_head(self), "learners": [lp.to_dict() for lp in self.learners], "modules": self.modules,
                "roles": self.roles}


class ProgressStream:
    """Progress read from the store while it is written: memory does not grow with learners or records.

    The first full pass over `iter_learners()` also counts the aggregates
    (totals, modules, roles), so a writer that needs both (JSON) reads the
    store once; asking for an aggregate first takes a pass of its own.
    """

    def __init__(self, plan: Plan, store: Store) -> None:
        self.plan = plan
        self.store = store
        self._summary: _Tally | None = None

    def iter_learners(self) -> Iterator[LearnerProgress]:
        if self._summary is not None:
            yield from learners(self.plan, self.store)
            return
        tally = _Tally(self.plan)
        for status, lp in _judged(self.plan, self.store):
            tally.add(status, lp)
            yield lp
        tally.finish()
        self._summary = tally

    def _tally(self) -> _Tally:
        if self._summary is None:
            for _ in self.iter_learners():
                pass
        assert self._summary is not None
        return self._summary

    @property
    def totals(self) -> dict[str, int]:
        return self._tally().totals

    @property
    def modules(self) -> list[dict[str, Any]]:
        return self._tally().modules

    @property
    def roles(self) -> list[dict[str, Any]]:
        return self._tally().roles

    @property
    def warnings(self) -> list[str]:
        return self._tally().warnings


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def pass_rule(plan: Plan) -> PassRule:
    from citycourse.store import PassRule

    return PassRule(plan.curriculum.completion.move_on,
                    {mid: m.assessment.pass_mark for mid, m in plan.modules.items()})


class _Judge:
    """A learner's track: required modules (with the prerequisites they pull in) and electives."""

    def __init__(self, plan: Plan) -> None:
        self.tracks: dict[str, tuple[frozenset[str], int, frozenset[str], int]] = {}
        for role_plan in plan.roles:
            required = [p.id for p in role_plan.modules if p.category in ("required", "prerequisite")]
            track = plan.curriculum.tracks[role_plan.role]  # type: ignore[index]
            electives = frozenset(m for m in track.electives if m not in required)
            planned_electives = sum(1 for p in role_plan.modules if p.category == "elective")
            self.tracks[role_plan.role] = (
                frozenset(required), len(required), electives, min(role_plan.min_electives, planned_electives))

    def __call__(self, status: LearnerStatus) -> LearnerProgress:
        person = status.learner
        role = person.role if person.role in self.tracks else UNASSIGNED
        modules = {m: COMPLETE if done else IN_PROGRESS for m, done, _ in status.modules}
        lp = LearnerProgress(person.email, person.name or "", role, modules)
        track = self.tracks.get(role)
        if track is not None:
            required, lp.required_total, electives, lp.electives_needed = track
            done = [m for m, ok, _ in status.modules if ok]
            lp.required_done = sum(1 for m in done if m in required)
            lp.electives_done = sum(1 for m in done if m in electives)
            lp.track_complete = lp.required_done == lp.required_total and lp.electives_done >= lp.electives_needed
        return lp


def _judged(plan: Plan, store: Store) -> Iterator[tuple[LearnerStatus, LearnerProgress]]:
    judge = _Judge(plan)
    for status in store.statuses(plan.city.id, pass_rule(plan)):
        yield status, judge(status)


def learners(plan: Plan, store: Store) -> Iterator[LearnerProgress]:
    """Everyone in `plan.city` (roster city or records imported with --city), sorted by email, streamed."""
    for _, lp in _judged(plan, store):
        yield lp


class _Tally:
    """Module and role figures, counted as learners stream past (memory: one counter per module and role)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.role_modules = {r.role: frozenset(r.module_ids) for r in plan.roles}
        self.members: Counter[str] = Counter()
        self.role_complete: Counter[str] = Counter()
        self.completed: Counter[str] = Counter()  # assigned learners who completed the module
        self.unassigned_with: Counter[str] = Counter()  # learners without a role who have evidence for it
        self.started: Counter[str] = Counter()  # learners with any evidence for the module
        self.score_sum: dict[str, float] = defaultdict(float)  # of learners' best scores, for the average
        self.scored: Counter[str] = Counter()
        self.learners = 0
        self.track_complete = 0
        self.modules: list[dict[str, Any]] = []
        self.roles: list[dict[str, Any]] = []
        self.warnings: list[str] = []

    def add(self, status: LearnerStatus, lp: LearnerProgress) -> None:
        for module_id, _, best in status.modules:
            self.started[module_id] += 1
            if best is not None:
                self.score_sum[module_id] += best
                self.scored[module_id] += 1
        self.learners += 1
        self.members[lp.role] += 1
        if lp.track_complete:
            self.track_complete += 1
            self.role_complete[lp.role] += 1
        assigned = self.role_modules.get(lp.role)
        for module_id, state in lp.status.items():
            if assigned is None:
                self.unassigned_with[module_id] += 1
            elif module_id not in assigned:
                continue
            if state == COMPLETE:
                self.completed[module_id] += 1

    @property
    def totals(self) -> dict[str, int]:
        return {"learners": self.learners, "track_complete": self.track_complete}

    def finish(self) -> None:
        plan = self.plan
        for module_id in plan.module_ids:
            module = plan.modules[module_id]
            assigned = self.unassigned_with[module_id] + sum(
                self.members[role] for role, ids in self.role_modules.items() if module_id in ids)
            done = self.completed[module_id]
            scored = self.scored[module_id]
            self.modules.append({
                "id": module_id, "title": module.title, "pass_mark": module.assessment.pass_mark,
                "learners": assigned, "started": self.started[module_id],
                "completed": done, "percent": _pct(done, assigned),
                "average_score": round(self.score_sum[module_id] / scored, 3) if scored else None,
            })
        for role_plan in plan.roles:
            role, members, complete = role_plan.role, self.members[role_plan.role], self.role_complete[role_plan.role]
            staff = role_plan.headcount
            if members > staff:
                self.warnings.append(
                    f"{role}: the roster lists {members} people but {plan.city.name}'s profile counts {staff} staff; "
                    f"percent of staff uses the roster's {members} (update the city profile's head-count)"
                )
            self.roles.append({
                "role": role, "staff": max(staff, members), "staff_from": "roster" if members > staff else "profile",
                "learners": members, "track_complete": complete, "percent": _pct(complete, members),
                "percent_of_staff": _pct(complete, max(staff, members)),
            })
        if self.members[UNASSIGNED]:
            self.roles.append({"role": UNASSIGNED, "staff": None, "staff_from": None,
                               "learners": self.members[UNASSIGNED], "track_complete": 0,
                               "percent": None, "percent_of_staff": None})


def compute(plan: Plan, store: Store) -> Progress:
    """Progress with every learner in memory (one streaming pass); see `ProgressStream` for large cities."""
    tally = _Tally(plan)
    kept = []
    for status, lp in _judged(plan, store):
        tally.add(status, lp)
        kept.append(lp)
    tally.finish()
    return Progress(plan, kept, tally.modules, tally.roles, tally.warnings)


# ------------------------------------------------------------------------------ rendering

#: what `rows`, the CSV, JSON and Markdown writers accept: a `Progress` or a `ProgressStream`
View = Progress | ProgressStream


def header(by: str) -> list[str]:
    if by == "learner":
        return ["email", "name", "role", "required", "electives", "percent", "track complete"]
    if by == "module":
        return ["module", "title", "learners", "started", "completed", "percent", "average score"]
    return ["role", "staff", "learners", "track complete", "percent", "percent of staff"]


def iter_rows(progress: View, by: str) -> Iterator[list[Any]]:
    """The rows of one view (learner | module | role), streamed for learners."""
    if by == "learner":
        for lp in progress.iter_learners():
            yield [lp.email, lp.name, lp.role, f"{lp.required_done}/{lp.required_total}",
                   f"{lp.electives_done}/{lp.electives_needed}", lp.percent, "yes" if lp.track_complete else "no"]
    elif by == "module":
        for m in progress.modules:
            yield [m["id"], m["title"], m["learners"], m["started"], m["completed"], m["percent"], m["average_score"]]
    else:
        for r in progress.roles:
            yield [r["role"], r["staff"], r["learners"], r["track_complete"], r["percent"], r["percent_of_staff"]]


def rows(progress: View, by: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of one view, in memory (the site page and small outputs)."""
    return header(by), list(iter_rows(progress, by))


def text(value: Any) -> str:
    """A cell as the table, CSV and Markdown show it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): prefix with a quote."""
    shown = text(value)
    return "'" + shown if shown.startswith(FORMULA_PREFIXES) else shown


def write_csv(progress: View, by: str, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_safe(h) for h in header(by)])
    for row in iter_rows(progress, by):
        writer.writerow([csv_safe(c) for c in row])


def to_csv(progress: View, by: str) -> str:
    out = io.StringIO()
    write_csv(progress, by, out)
    return out.getvalue()


def _md_cell(value: Any) -> str:
    return text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _md_lines(head: list[str], body: Iterable[list[Any]]) -> Iterator[str]:
    yield "| " + " | ".join(head) + " |\n"
    yield "|" + "---|" * len(head) + "\n"
    for row in body:
        yield "| " + " | ".join(_md_cell(c) for c in row) + " |\n"


def md_table(head: list[str], body: Iterable[list[Any]]) -> str:
    return "".join(_md_lines(head, body))


def _md_title(progress: View, by: str) -> str:
    return f"# Progress: {progress.plan.curriculum.title} — {progress.plan.city.name} (by {by})\n\n"


def write_markdown(progress: View, by: str, out: IO[str]) -> None:
    out.write(_md_title(progress, by))
    out.writelines(_md_lines(header(by), iter_rows(progress, by)))


def to_markdown(progress: View, by: str) -> str:
    out = io.StringIO()
    write_markdown(progress, by, out)
    return out.getvalue()


def _head(progress: View) -> dict[str, Any]:
    plan = progress.plan
    return {
        "format": FORMAT,
        "curriculum": {"id": plan.curriculum.id, "title": plan.curriculum.title,
                       "move_on": plan.curriculum.completion.move_on},
        "city": {"id": plan.city.id, "name": plan.city.name},
        "totals": progress.totals,
    }


_LEARNERS_SLOT = "\x00learners\x00"
#: learners' JSON is kept in memory up to this size, then in a temporary file
SPOOL_BYTES = 8 << 20


def _learner_json(lp: LearnerProgress, lines: dict[tuple[str, str], str]) -> str:
    """`json.dumps(lp.to_dict(), indent=2)` nested two levels deep, written by hand: the indenting
    encoder is pure Python and was most of the time of a large report (a test checks the two agree).
    `lines` caches the few distinct `"module": "state"` lines."""
    from json.encoder import encode_basestring as enc  # the C encoder, as json.dumps(ensure_ascii=False) uses

    pad = "\n      "
    if lp.status:
        parts = []
        for pair in sorted(lp.status.items()):
            line = lines.get(pair)
            if line is None:
                line = lines[pair] = f"{pad}  {enc(pair[0])}: {enc(pair[1])}"
            parts.append(line)
        modules = "{" + ",".join(parts) + pad + "}"
    else:
        modules = "{}"
    percent = lp.percent
    return (
        f"{{{pad}\"email\": {enc(lp.email)},{pad}\"name\": {enc(lp.name)},{pad}\"role\": {enc(lp.role)},"
        f"{pad}\"required\": {{{pad}  \"done\": {lp.required_done},{pad}  \"of\": {lp.required_total}{pad}}},"
        f"{pad}\"electives\": {{{pad}  \"done\": {lp.electives_done},{pad}  \"needed\": {lp.electives_needed}{pad}}},"
        f"{pad}\"percent\": {'null' if percent is None else repr(percent)},"
        f"{pad}\"track_complete\": {'true' if lp.track_complete else 'false'},"
        f"{pad}\"modules\": {modules}\n    }}"
    )


def write_json(progress: View, out: IO[str]) -> None:
    """The same text as `json.dumps(progress.to_dict(), indent=2)`, learners written one at a time.

    Totals come before the learners in the document but are only known after
    them, so the learners go to a spool first (memory up to SPOOL_BYTES, then
    a temporary file) and the store is read once.
    """
    import shutil
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8") as spool:
        first = True
        lines: dict[tuple[str, str], str] = {}
        for lp in progress.iter_learners():
            spool.write(("[\n    " if first else ",\n    ") + _learner_json(lp, lines))
            first = False
        spool.write("[]" if first else "\n  ]")
        doc = {**_head(progress), "learners": _LEARNERS_SLOT, "modules": progress.modules, "roles": progress.roles}
        before, after = json.dumps(doc, indent=2, ensure_ascii=False).split(json.dumps(_LEARNERS_SLOT), 1)
        out.write(before)
        spool.seek(0)
        shutil.copyfileobj(spool, out)
        out.write(after + "\n")


def to_json(progress: View) -> str:
    out = io.StringIO()
    write_json(progress, out)
    return out.getvalue()


# ------------------------------------------------------------------------------ site page


def site_progress_markdown(plan: Plan, store_url: str | None, show_learners: bool = False) -> str | None:
    """An aggregate progress page for the city's site, or None when there are no records for the city.

    Counts and percentages per module and role only; names and emails appear
    only with `show_learners`. A missing SQLite store is never created. The page
    itself (language, charts) is `render/progress_page.py`.
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
        from citycourse.render.pages import city_strings
        from citycourse.render.progress_page import progress_page

        page = progress_page(plan, ProgressStream(plan, store), city_strings(plan.city), show_learners=show_learners)
    finally:
        store.close()
    return page


# ------------------------------------------------------------------------------ certificates


def certificate_html(progress: View, learner: LearnerProgress) -> str:
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


def write_certificates(progress: View, out: Any) -> list[Any]:
    """Write `<out>/<learner>.html` for every learner whose track is complete; the paths written."""
    import re
    from pathlib import Path

    from citycourse.fsutil import atomic_write_text

    out = Path(out)
    written = []
    for learner in progress.iter_learners():
        if not learner.track_complete:
            continue
        stem = re.sub(r"[^a-z0-9]+", "-", learner.email.lower()).strip("-")
        path = out / f"{stem}.html"
        atomic_write_text(path, certificate_html(progress, learner))
        written.append(path)
    return written
