"""Training needs: the staff survey, its responses as counts, and what they ask of the plan.

The survey asks each person, for every competency their role needs
(competencies/roles.yaml): *how well can you do this today?* on the
framework's scale (0 = not yet … 4 = highly specialised) and *how important is
it to your job?* (1 = not important … 5 = essential). This pairs importance
with current performance per item, as the Hennessy-Hicks training needs
analysis questionnaire does (WHO-endorsed), with DigComp 2.2's proficiency
levels as the performance scale.

Method (composed for this project; documented in the README, "Training needs"):

- gap of one person = max(0, level the role needs − their self-rating);
- *large gap* = a gap of two levels or more; reports give the share of staff with one;
- priority of a competency for a role = Σ gap × importance ÷ (respondents × need × 5),
  from 0 (nobody below the need) to 1 (everyone at "not yet" and calling it essential);
- a role's answers are used only when at least `MIN_RESPONDENTS` people answered,
  so no published figure or plan reason describes one person.

Responses are personal data. `import_responses` reads them in memory (email
only to keep each person's latest answer) and returns counts per role ×
competency × self-rating × importance, which is all that is stored
(`needs/<city>.yaml`) or published.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citycourse.errors import InputError, Problem

if TYPE_CHECKING:
    from citycourse.competency import Competencies
    from citycourse.models import CityProfile, Curriculum, Module

NEEDS_DIR = "needs"
FORMAT = "citycourse-needs/1"
SURVEY_FORMAT = "citycourse-survey/1"
IMPORTANCE_MAX = 5
LARGE_GAP = 2
MIN_RESPONDENTS = 3
#: Weight of a module's surveyed priority in an elective's fit score (the same as the focus weight:
#: a competency everyone lacks and calls essential counts as much as the city's first priority).
NEEDS_WEIGHT = 3.0
IMPORTANCE_LABELS = {1: "not important", 2: "slightly important", 3: "important", 4: "very important", 5: "essential"}
ROLE_LABELS = {
    "department-head": "department heads", "planner": "planners", "it-officer": "IT officers",
    "finance-officer": "finance officers", "frontline-staff": "frontline staff",
    "community-liaison": "community liaison officers", "policy-adviser": "policy advisers",
}
FIXED_COLUMNS = ["Timestamp", "Email address", "Role"]
_QUESTION = re.compile(r"^\s*([A-Za-z]+(?:\.\d+)*)\s+(now|importance)\s*:", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(\d+)")


# ---------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class Question:
    competency: str
    kind: str  # "current" | "importance"
    min: int
    max: int
    column: str
    roles: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"competency": self.competency, "kind": self.kind, "min": self.min, "max": self.max,
                "column": self.column, "roles": list(self.roles)}


def survey_roles(curriculum: Curriculum, city: CityProfile, roles: list[str] | None = None) -> list[str]:
    """Roles the city has and the curriculum trains (optionally only `roles`), curriculum order."""
    return [r for r in curriculum.tracks if r in city.roles and (not roles or r in roles)]


def questions(competencies: Competencies, roles: list[str]) -> list[Question]:
    """Two questions per competency any of `roles` needs, in framework order."""
    framework = competencies.framework
    askers: dict[str, list[str]] = defaultdict(list)
    for role in roles:
        for competency_id in competencies.needed(role):
            askers[competency_id].append(role)
    out = []
    for c in framework.competencies:
        if c.id not in askers:
            continue
        who = tuple(askers[c.id])
        out.append(Question(c.id, "current", 0, framework.top_level, f"{c.code} now: {c.statement}", who))
        out.append(Question(c.id, "importance", 1, IMPORTANCE_MAX, f"{c.code} importance: {c.statement}", who))
    return out


def survey_json(competencies: Competencies, roles: list[str], city: CityProfile) -> dict[str, Any]:
    return {
        "format": SURVEY_FORMAT, "city": city.id, "columns": FIXED_COLUMNS,
        "roles": {r: ROLE_LABELS.get(r, r) for r in roles},
        "scale": {"0": "Not yet", **{str(s.level): s.name for s in competencies.framework.scale}},
        "importance": {str(k): v for k, v in IMPORTANCE_LABELS.items()},
        "questions": [q.to_dict() for q in questions(competencies, roles)],
    }


def survey_csv(competencies: Competencies, roles: list[str]) -> str:
    """The empty response sheet: the headings a Google or Microsoft Forms export of the survey carries."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(FIXED_COLUMNS + [q.column for q in questions(competencies, roles)])
    return out.getvalue()


def survey_markdown(competencies: Competencies, roles: list[str], city: CityProfile, curriculum: Curriculum) -> str:
    """The printable questionnaire per role, then the question list to paste into an online form."""
    framework = competencies.framework
    scale = ["0 Not yet"] + [f"{s.level} {s.name}" for s in framework.scale]
    lines = [
        f"# Training needs survey: {city.name}", "",
        f"For the course *{curriculum.title}*. Your answers are counted with your colleagues'; "
        "no name, email or single answer is kept or published.", "",
        "**How well can you do this today?** " + " · ".join(scale), "",
        "**How important is it to your job?** " + " · ".join(f"{k} {v}" for k, v in IMPORTANCE_LABELS.items()), "",
    ]
    for s in framework.scale:
        lines.append(f"- **{s.level} {s.name}** (DigComp 2.2 levels {s.digcomp}): {s.description}")
    lines.append("")
    for role in roles:
        lines += [f"## {ROLE_LABELS.get(role, role).capitalize()}", "",
                  "| Code | What you can do | Today (0–4) | Importance (1–5) |", "|---|---|---|---|"]
        by_id = framework.by_id
        for competency_id in sorted(competencies.needed(role), key=lambda i: [c.id for c in framework.competencies].index(i)):
            c = by_id[competency_id]
            lines.append(f"| {c.code} | {c.statement} | ☐0 ☐1 ☐2 ☐3 ☐4 | ☐1 ☐2 ☐3 ☐4 ☐5 |")
        lines.append("")
    lines += ["## Question list for Google Forms or Microsoft Forms", "",
              "Paste each title exactly: the import reads answers by these titles. Make *Role* a choice question "
              "and send each role to its own section; collect email addresses only if you need one answer per person.", "",
              "1. **Role** (choice): " + "; ".join(ROLE_LABELS.get(r, r) for r in roles)]
    for n, q in enumerate(questions(competencies, roles), 2):
        options = scale if q.kind == "current" else [f"{k} {v}" for k, v in IMPORTANCE_LABELS.items()]
        asked = ", ".join(ROLE_LABELS.get(r, r) for r in q.roles)
        lines.append(f"{n}. **{q.column}** (choice, for {asked}): " + "; ".join(options))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- counts


@dataclass
class CompetencyCounts:
    """counts[current][importance − 1]: how many people gave that pair of answers."""

    counts: list[list[int]]

    @property
    def answered(self) -> int:
        return sum(map(sum, self.counts))

    def below(self, needed: int, by: int = 1) -> int:
        return sum(sum(row) for level, row in enumerate(self.counts) if needed - level >= by)

    def priority(self, needed: int) -> float:
        n = self.answered
        if not n or needed <= 0:
            return 0.0
        weighted = sum(max(0, needed - level) * (i + 1) * count
                       for level, row in enumerate(self.counts) for i, count in enumerate(row))
        return round(weighted / (n * needed * IMPORTANCE_MAX), 4)

    def mean_importance(self) -> float | None:
        n = self.answered
        return round(sum((i + 1) * c for row in self.counts for i, c in enumerate(row)) / n, 2) if n else None


@dataclass
class RoleCounts:
    respondents: int = 0
    competencies: dict[str, CompetencyCounts] = field(default_factory=dict)


@dataclass
class Survey:
    """A city's survey results: counts only (`needs/<city>.yaml`)."""

    city: str
    top: int
    roles: dict[str, RoleCounts] = field(default_factory=dict)

    def to_yaml(self) -> str:
        import yaml

        body = {
            "format": FORMAT, "city": self.city, "scale_top": self.top,
            "roles": {
                role: {
                    "respondents": rc.respondents,
                    "competencies": {cid: {"counts": cc.counts} for cid, cc in sorted(rc.competencies.items())},
                }
                for role, rc in sorted(self.roles.items())
            },
        }
        head = ("# Written by `citycourse needs import`: counts only — no names, emails or single answers.\n"
                "# counts[r][i-1] = people who rated themselves r (0 = not yet) and its importance i (1–5).\n")
        return head + yaml.safe_dump(body, sort_keys=False, default_flow_style=None, allow_unicode=True, width=120)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Survey:
        survey = cls(str(data["city"]), int(data["scale_top"]))
        for role, body in (data.get("roles") or {}).items():
            rc = RoleCounts(int(body["respondents"]))
            for cid, cc in (body.get("competencies") or {}).items():
                rc.competencies[cid] = CompetencyCounts([[int(x) for x in row] for row in cc["counts"]])
            survey.roles[role] = rc
        return survey


def survey_path(root: Path, city_id: str) -> Path:
    return root / NEEDS_DIR / f"{city_id}.yaml"


def load_survey(root: Path, city_id: str) -> Survey | None:
    """The stored counts for a city, or None when it has no survey yet."""
    import yaml

    path = survey_path(root, city_id)
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"expected format: {FORMAT}")
        return Survey.from_data(data)
    except (yaml.YAMLError, ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(str(path), f"not a needs file: {exc}",
                                  hint="write it again with `citycourse needs import`")]) from None


# ---------------------------------------------------------------------------- import


def _role_of(value: str, roles: list[str]) -> str | None:
    wanted = " ".join(value.strip().lower().replace("_", " ").split())
    for role in roles:
        label = ROLE_LABELS.get(role, role)
        if wanted in (role, role.replace("-", " "), label, label.rstrip("s")):
            return role
    return None


def import_responses(paths: list[Path], competencies: Competencies, city: CityProfile) -> tuple[Survey, list[str]]:
    """Read survey exports (CSV or .xlsx, as Google or Microsoft Forms write them) into counts.

    One answer per person: a later row with the same email replaces an earlier one.
    Every problem in every file is collected and raised together (nothing is stored then).
    Returns the counts and warnings (e.g. roles below `MIN_RESPONDENTS`).
    """
    from citycourse.records import RowError
    from citycourse.records.tables import open_table

    framework = competencies.framework
    by_code = {c.code.lower(): c.id for c in framework.competencies}
    roles = list(city.roles)
    problems: list[Problem] = []
    answers: dict[Any, tuple[str, dict[str, tuple[int | None, int | None]]]] = {}
    anonymous = 0
    for path in paths:
        shown = str(path)
        try:
            table = open_table(path)
        except RowError as exc:
            problems.append(Problem(shown, str(exc), line=getattr(exc, "line", None)))
            continue
        with table:
            role_col = table.column("role", "your role", prefix=True)
            email_col = table.column("email address", "email", "e-mail")
            columns: dict[int, tuple[str, str]] = {}
            for i, heading in enumerate(table.raw_header):
                match = _QUESTION.match(heading)
                if match and match.group(1).lower() in by_code:
                    kind = "current" if match.group(2).lower() == "now" else "importance"
                    columns[i] = (by_code[match.group(1).lower()], kind)
            if role_col is None or not columns:
                problems.append(Problem(shown, "not a survey export: no Role column or no question columns",
                                        line=1, expected="headings as in `citycourse survey ... --format csv`",
                                        hint="export the responses from the form that `citycourse survey` described"))
                continue
            for line, cells in table.rows():
                def cell(i: int | None) -> str:
                    return cells[i].strip() if i is not None and i < len(cells) else ""

                role = _role_of(cell(role_col), roles)
                if role is None:
                    problems.append(Problem(shown, f"unknown role {cell(role_col)!r}", line=line, field="Role",
                                            expected=", ".join(ROLE_LABELS.get(r, r) for r in roles),
                                            hint=f"{city.name}'s profile lists these roles"))
                    continue
                needed = competencies.needed(role)
                person: dict[str, list[int | None]] = {}
                for i, (competency_id, kind) in columns.items():
                    text = cell(i)
                    if not text or competency_id not in needed:
                        continue
                    number = _NUMBER.match(text)
                    low, high = (0, framework.top_level) if kind == "current" else (1, IMPORTANCE_MAX)
                    if number is None or not low <= int(number.group(1)) <= high:
                        problems.append(Problem(shown, f"answer {text!r} is not a number from {low} to {high}",
                                                line=line, field=table.raw_header[i]))
                        continue
                    slot = person.setdefault(competency_id, [None, None])
                    slot[0 if kind == "current" else 1] = int(number.group(1))
                email = cell(email_col).lower()
                key: Any = email or ("anonymous", anonymous := anonymous + 1)
                answers[key] = (role, {k: (v[0], v[1]) for k, v in person.items()})
    if problems:
        raise InputError(problems, f"{len(problems)} problem(s) in the survey responses; nothing was stored")
    survey = Survey(city.id, framework.top_level)
    for role, person in answers.values():
        rc = survey.roles.setdefault(role, RoleCounts())
        rc.respondents += 1
        for competency_id, (current, importance) in person.items():
            if current is None:
                continue
            cc = rc.competencies.setdefault(
                competency_id, CompetencyCounts([[0] * IMPORTANCE_MAX for _ in range(framework.top_level + 1)]))
            cc.counts[current][(importance or 3) - 1] += 1
    warnings = [f"{ROLE_LABELS.get(r, r)}: {rc.respondents} response(s), fewer than {MIN_RESPONDENTS}; "
                "the plan and reports will not use them (one person's answers would show)"
                for r, rc in sorted(survey.roles.items()) if rc.respondents < MIN_RESPONDENTS]
    return survey, warnings


# ---------------------------------------------------------------------------- report


@dataclass(frozen=True)
class NeedRow:
    role: str
    competency: str
    code: str
    statement: str
    needed: int
    answered: int
    below: int
    large_gap: int
    mean_importance: float | None
    priority: float

    @property
    def large_gap_share(self) -> float | None:
        return round(100 * self.large_gap / self.answered, 1) if self.answered else None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "competency": self.competency, "code": self.code, "needed": self.needed,
                "answered": self.answered, "below_need": self.below, "large_gap": self.large_gap,
                "large_gap_percent": self.large_gap_share, "mean_importance": self.mean_importance,
                "priority": self.priority}

    def evidence(self) -> str:
        """The survey in plain words, for a plan reason."""
        who = ROLE_LABELS.get(self.role, self.role)
        if self.large_gap:
            return (f"{self.large_gap} of {self.answered} {who} rated “{self.statement.rstrip('.')}” two or more levels "
                    f"below what the role needs (survey priority {self.priority:.2f})")
        return (f"{self.below} of {self.answered} {who} rated “{self.statement.rstrip('.')}” below what the role needs "
                f"(survey priority {self.priority:.2f})")


def needs_rows(survey: Survey, competencies: Competencies) -> list[NeedRow]:
    """Per role (with enough respondents) and needed competency: the figures the method defines."""
    by_id = competencies.framework.by_id
    order = [c.id for c in competencies.framework.competencies]
    rows = []
    for role, rc in survey.roles.items():
        if rc.respondents < MIN_RESPONDENTS:
            continue
        needed = competencies.needed(role)
        for competency_id in sorted(needed, key=order.index):
            cc = rc.competencies.get(competency_id)
            if cc is None or not cc.answered:
                continue
            level = needed[competency_id]
            c = by_id[competency_id]
            rows.append(NeedRow(role, competency_id, c.code, c.statement, level, cc.answered, cc.below(level),
                                cc.below(level, LARGE_GAP), cc.mean_importance(), cc.priority(level)))
    return rows


def needs_summary(survey: Survey, competencies: Competencies) -> dict[str, Any]:
    rows = needs_rows(survey, competencies)
    return {"format": "citycourse-needs-report/1", "city": survey.city, "min_respondents": MIN_RESPONDENTS,
            "roles": {r: rc.respondents for r, rc in sorted(survey.roles.items())},
            "needs": [r.to_dict() for r in rows]}


# ---------------------------------------------------------------------------- tailoring


@dataclass(frozen=True)
class ModuleNeed:
    """How much the survey asks for one elective, and why in words."""

    value: float  # 0..1: the highest priority among the competencies it develops
    evidence: str


#: role → module id → what the survey asks of it. Empty for roles without (enough) responses.
PlanNeeds = dict[str, dict[str, "ModuleNeed"]]


def plan_needs(survey: Survey, competencies: Competencies, modules: dict[str, Module]) -> PlanNeeds:
    """For each role, every module that develops a competency with a surveyed priority above 0."""
    out: PlanNeeds = {}
    by_role: dict[str, list[NeedRow]] = defaultdict(list)
    for row in needs_rows(survey, competencies):
        if row.priority > 0:
            by_role[row.role].append(row)
    for role, rows in by_role.items():
        weights: dict[str, ModuleNeed] = {}
        for module_id, module in sorted(modules.items()):
            relevant = [r for r in rows if r.competency in module.competencies]
            if relevant:
                best = max(relevant, key=lambda r: (r.priority, r.code))
                weights[module_id] = ModuleNeed(best.priority, best.evidence())
        out[role] = weights
    return out


def needs_for_plan(root: Path, city: CityProfile, modules: dict[str, Module], competencies: Any) -> PlanNeeds | None:
    """What `plan` and `build` pass to `tailor`: None when the city has no survey or the project no framework."""
    if competencies is None:
        return None
    survey = load_survey(root, city.id)
    return plan_needs(survey, competencies, modules) if survey is not None else None

