"""The three file kinds (module, curriculum, city profile) as pydantic models.

These models are the single source of truth: loading validates against them,
`citycourse schema` exports their JSON Schema, and the README documents them.
Vocabularies that drive tailoring (focus areas, themes, roles, levels) are
closed so that a typo is an error, not a silently ignored module.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")]

#: The six focus areas of the ASEAN Smart Cities Framework (2018).
FocusArea = Literal[
    "civic-and-social",
    "health-and-well-being",
    "safety-and-security",
    "quality-environment",
    "built-infrastructure",
    "industry-and-innovation",
]
FOCUS_AREAS: tuple[str, ...] = FocusArea.__args__  # type: ignore[attr-defined]

#: The three themes of the 4th ASEAN-Japan Smart Cities Network High Level Meeting.
Theme = Literal[
    "digital-infrastructure-and-data",
    "planning-and-execution",
    "community-participation",
]
THEMES: tuple[str, ...] = Theme.__args__  # type: ignore[attr-defined]

#: Staff roles found in small and mid-sized city governments.
Role = Literal[
    "department-head",
    "planner",
    "it-officer",
    "finance-officer",
    "frontline-staff",
    "community-liaison",
    "policy-adviser",
]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

Level = Literal["foundation", "practitioner", "lead"]
LEVELS: tuple[str, ...] = Level.__args__  # type: ignore[attr-defined]
LEVEL_RANK = {"foundation": 1, "practitioner": 2, "lead": 3}

#: Measurable verbs from the revised Bloom's taxonomy (Anderson & Krathwohl, 2001).
BloomVerb = Literal[
    "list", "name", "identify", "recall", "define", "describe",
    "explain", "summarise", "classify", "compare", "interpret",
    "apply", "use", "calculate", "demonstrate", "prepare", "map", "draft",
    "analyse", "assess", "prioritise", "distinguish", "examine",
    "evaluate", "justify", "critique", "select", "decide",
    "design", "plan", "create", "develop", "propose", "write",
]

Connectivity = Literal["reliable", "intermittent", "offline"]
MoveOn = Literal["completed", "passed", "completed-and-passed", "completed-or-passed"]


def reject_repeats(value: list[str]) -> list[str]:
    """Lists of ids and vocabulary terms name each entry once."""
    seen = [v for i, v in enumerate(value) if v in value[:i]]
    if seen:
        raise ValueError(f"lists {seen[0]!r} twice; each entry must appear once")
    return value


class Strict(BaseModel):
    """Base for file models: unknown keys are errors (they are almost always typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- module


class Objective(Strict):
    verb: BloomVerb = Field(description="A measurable verb from Bloom's taxonomy.")
    text: NonEmpty = Field(description="What the learner can do, continuing the verb.")


class FacilitatorScript(Strict):
    """How a facilitator teaches one lesson: what to say, what to ask, how long each part takes."""

    talking_points: list[NonEmpty] = Field(min_length=1, description="Points to make, in order.")
    question: NonEmpty = Field(description="One question to ask the room.")
    timing: NonEmpty = Field(description="How the lesson's minutes are spent, e.g. '10 min talk, 5 min question'.")


class Lesson(Strict):
    title: NonEmpty
    minutes: int = Field(gt=0, le=360)
    body: NonEmpty = Field(
        description=(
            "CommonMark Markdown. No raw script, no javascript: links. Cite a reference as {ref:ID};"
            " link a glossary term as [text](glossary:TERM-ID)."
        )
    )
    facilitator: FacilitatorScript | None = Field(None, description="Shown only in the facilitator view.")


class Activity(Strict):
    title: NonEmpty
    minutes: int = Field(gt=0, le=360)
    kind: Literal["individual", "pair", "group", "field-visit", "discussion", "role-play"] = "group"
    instructions: NonEmpty
    self_study: str = Field(
        "", description="The same activity for one learner working alone, without a facilitator."
    )
    handouts: list[Slug] = Field(default_factory=list, description="Ids of this module's handouts it uses.")
    facilitator_tips: str = Field("", description="Shown only in the facilitator view.")


ObjectiveRefs = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(description="Numbers (1-based) of the module objectives this item assesses."),
]


class Question(Strict):
    prompt: NonEmpty
    choices: list[NonEmpty] = Field(default_factory=list, description="Empty for open questions.")
    answer: NonEmpty = Field(description="Model answer. Shown only in the facilitator view.")
    objectives: ObjectiveRefs = Field(default_factory=list)


class RubricCriterion(Strict):
    """One line of a rubric: what is judged, and what each level of work looks like."""

    criterion: NonEmpty
    objectives: ObjectiveRefs = Field(default_factory=list)
    points: int = Field(gt=0, le=100, description="Points for work that fully meets the criterion.")
    meets: NonEmpty = Field(description="What full-marks work looks like.")
    partly: NonEmpty = Field(description="What half-marks work looks like.")
    not_yet: NonEmpty = Field(description="What work that earns no points looks like.")


class Assessment(Strict):
    kind: Literal["quiz", "project", "observation", "reflection"] = "quiz"
    description: str = Field("", description="What learners do and how it is judged.")
    minutes: int = Field(0, ge=0, le=180)
    pass_mark: float = Field(gt=0, le=1, description="Scaled score (0–1) needed to pass.")
    questions: list[Question] = Field(default_factory=list)
    rubric: list[RubricCriterion] = Field(
        default_factory=list, description="For project, observation and reflection assessments."
    )


class Resource(Strict):
    title: NonEmpty
    url: AnyHttpUrl
    publisher: NonEmpty
    year: int = Field(ge=1950, le=2100)


class Requirements(Strict):
    connectivity: Literal["any", "online"] = "any"


class WorkedExample(Strict):
    """A worked example from a (fictional, registered) small or mid-sized ASEAN city, with numbers."""

    title: NonEmpty
    place: Slug = Field(description="Id of a fictional place in references/places/ or a city profile.")
    body: NonEmpty = Field(description="Markdown, 300–600 words: the situation, the numbers, what was done, what happened.")


class Handout(Strict):
    """A page an activity hands out: a template, a sample clause, a scenario."""

    id: Slug
    title: NonEmpty
    body: NonEmpty = Field(description="Markdown; printed as its own page.")


class GlossaryTerm(Strict):
    """A term this module defines; lessons link to it as [text](glossary:ID)."""

    id: Slug
    term: NonEmpty
    definition: NonEmpty


class TranslatedUnit(Strict):
    """One unit's text in another language and the English it was made from.

    `source` is the fingerprint (see `fingerprint`) of the English text the
    translator saw; when the English changes the translation is *stale* and the
    site shows English instead, unless a trainer set `accepted: true`.
    """

    text: NonEmpty
    source: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")] = Field(
        description="Fingerprint of the English text this translation was made from."
    )
    accepted: bool = Field(False, description="A trainer accepts this translation although the English changed.")

    def current_for(self, english: str) -> bool:
        """True when made from `english` (or accepted): the site may show it."""
        return self.accepted or self.source == fingerprint(english)


def fingerprint(text: str) -> str:
    """Short, stable hash of an English source text (whitespace at the ends ignored)."""
    import hashlib

    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


#: Per language, unit path (see `citycourse.translations`) → translated unit.
Translations = dict[LanguageCode, dict[str, TranslatedUnit]]


class Module(Strict):
    id: Slug
    title: NonEmpty
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = "1.0.0"
    summary: NonEmpty
    focus_areas: list[FocusArea] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    level: Level
    hours: float = Field(ge=0.5, le=6, multiple_of=0.5)
    min_maturity: int = Field(1, ge=1, le=5, description="Lowest city digital maturity (1–5) it suits.")
    prerequisites: list[Slug] = Field(default_factory=list)
    objectives: list[Objective] = Field(min_length=1)
    lessons: list[Lesson] = Field(min_length=1, max_length=12)
    activities: list[Activity] = Field(default_factory=list)
    assessment: Assessment
    worked_example: WorkedExample | None = None
    handouts: list[Handout] = Field(default_factory=list)
    glossary: list[GlossaryTerm] = Field(default_factory=list, description="Terms this module defines.")
    facilitator_notes: str = Field("", description="Shown only in the facilitator view.")
    resources: list[Resource] = Field(default_factory=list)
    requires: Requirements = Field(default_factory=Requirements)
    competencies: dict[Slug, Annotated[int, Field(ge=1, le=8)]] = Field(
        default_factory=dict,
        description="Competency id (competencies/framework.yaml) → the level of its scale this module develops.",
    )
    translations: Translations = Field(
        default_factory=dict, description="Per language, unit path → {text, source}; written by `citycourse translations import`."
    )

    @field_validator("focus_areas", "themes", "roles", "prerequisites")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return reject_repeats(value)

    @model_validator(mode="after")
    def _not_own_prerequisite(self) -> Module:
        if self.id in self.prerequisites:
            raise ValueError(f"module {self.id!r} lists itself as a prerequisite")
        return self

    @property
    def planned_minutes(self) -> int:
        """Minutes of lessons, activities and assessment: what a session must fit."""
        return (
            sum(lesson.minutes for lesson in self.lessons)
            + sum(activity.minutes for activity in self.activities)
            + self.assessment.minutes
        )


# ------------------------------------------------------------------ reference library


class Reference(Strict):
    """A law, standard, publication or organisation that modules cite as {ref:ID}.

    Kept in one place (references/sources/ID.yaml) so that one correction fixes
    every module that cites it.
    """

    id: Slug
    kind: Literal["law", "regulation", "policy", "standard", "publication", "organisation"]
    title: NonEmpty = Field(description="The official title, as the publisher writes it.")
    cite_as: NonEmpty = Field(description="How lessons name it, e.g. 'Data Privacy Act of 2012 (Republic Act No. 10173)'.")
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="ISO 3166-1 alpha-2 code for national laws; empty for international sources."
    )
    number: str = Field("", description="The official number, e.g. 'Republic Act No. 10173', 'Law No. 27/2022'.")
    year: int = Field(ge=1900, le=2100)
    publisher: NonEmpty
    url: AnyHttpUrl
    last_checked: dt.date = Field(description="When someone last checked the text at url.")
    note: str = Field("", description="What changed, or what a reader should check; shown to facilitators.")
    cite_as_in: dict[LanguageCode, NonEmpty] = Field(
        default_factory=dict,
        description=(
            "How lessons name it in other languages: the official name in that language "
            "(e.g. vi: 'Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15)'); English cite_as otherwise."
        ),
    )

    def cite(self, lang: str) -> str:
        """The citation in `lang` when one is recorded, else the English `cite_as`."""
        return self.cite_as_in.get(lang, self.cite_as)


class Place(Strict):
    """A fictional place used in worked examples (references/places/ID.yaml).

    Registered once so that one name never means two places with two populations.
    """

    id: Slug
    name: NonEmpty
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    kind: Literal["city", "municipality", "province", "district"] = "city"
    population: int = Field(gt=0)
    description: str = ""


# ----------------------------------------------------------------------- curriculum


class Track(Strict):
    required: list[Slug] = Field(default_factory=list)
    electives: list[Slug] = Field(default_factory=list)
    min_electives: int = Field(0, ge=0, description="Electives a learner must complete.")
    min_hours: float = Field(0, ge=0)
    max_hours: float | None = Field(None, gt=0, description="Cap on planned hours for this track.")

    @model_validator(mode="after")
    def _consistent(self) -> Track:
        both = sorted(set(self.required) & set(self.electives))
        if both:
            raise ValueError(f"{both[0]!r} is both required and elective; list it once")
        if self.max_hours is not None and self.max_hours < self.min_hours:
            raise ValueError("max_hours is smaller than min_hours")
        return self


class Completion(Strict):
    move_on: MoveOn = Field(
        "completed-and-passed",
        description="cmi5-style rule for when one module counts as done.",
    )


class SessionDefaults(Strict):
    sessions_per_week: int = Field(2, ge=1, le=7)
    minutes_per_session: int = Field(120, ge=30, le=480)


class Curriculum(Strict):
    id: Slug
    title: NonEmpty
    description: NonEmpty
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = "1.0.0"
    tracks: dict[Role, Track] = Field(min_length=1)
    completion: Completion = Field(default_factory=Completion)
    sessions: SessionDefaults = Field(default_factory=SessionDefaults)
    translations: Translations = Field(
        default_factory=dict, description="Title and description in other languages (unit path → {text, source})."
    )

    def in_language(self, lang: str) -> Curriculum:
        """This curriculum with its title and description in `lang` where translated and not stale."""
        units = self.translations.get(lang) or {}
        update = {
            name: units[name].text
            for name in ("title", "description")
            if name in units and units[name].current_for(getattr(self, name))
        }
        return self.model_copy(update=update) if update else self

    @property
    def module_ids(self) -> list[str]:
        """Every module the curriculum names, in first-seen order."""
        seen: dict[str, None] = {}
        for track in self.tracks.values():
            for module_id in [*track.required, *track.electives]:
                seen.setdefault(module_id, None)
        return list(seen)


# ------------------------------------------------------------------------- city

SIZE_BANDS = {"small": (0, 200_000), "mid": (200_000, 1_000_000), "large": (1_000_000, None)}


def size_band_for(population: int) -> str:
    """small < 200,000 ≤ mid < 1,000,000 ≤ large."""
    if population < 200_000:
        return "small"
    if population < 1_000_000:
        return "mid"
    return "large"


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]
DEFAULT_SESSION_DAYS = {
    1: ("wed",),
    2: ("tue", "thu"),
    3: ("mon", "wed", "fri"),
    4: ("mon", "tue", "thu", "fri"),
    5: ("mon", "tue", "wed", "thu", "fri"),
    6: ("mon", "tue", "wed", "thu", "fri", "sat"),
    7: WEEKDAYS,
}


class Holiday(Strict):
    date: dt.date
    name: NonEmpty = "Holiday"


class Branding(Strict):
    logo: str | None = Field(None, description="Path to an image, relative to the city file.")
    primary_color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None


class Contact(Strict):
    name: NonEmpty
    fictional: bool = Field(
        False, description="An invented person: the site adds a marker in its own language, e.g. \"(hư cấu)\"."
    )
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class CityProfile(Strict):
    id: Slug
    name: NonEmpty
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="ISO 3166-1 alpha-2 code, e.g. VN."
    )
    illustrative: bool = Field(
        True, description="True when figures are invented or approximate; the site says so."
    )
    population: int = Field(gt=0)
    size_band: Literal["small", "mid", "large"] | None = Field(
        None, description="Derived from population when omitted: small < 200k ≤ mid < 1M ≤ large."
    )
    languages: list[LanguageCode] = Field(min_length=1, description="First is the site language.")
    digital_maturity: int = Field(ge=1, le=5)
    priorities: list[FocusArea] = Field(min_length=1, description="Focus areas, most important first.")
    roles: dict[Role, int] = Field(min_length=1, description="Role → number of staff to train.")
    hours_budget: float = Field(gt=0, le=500, description="Training hours per person.")
    connectivity: Connectivity
    start_date: dt.date
    sessions_per_week: int = Field(ge=1, le=7)
    minutes_per_session: int = Field(ge=30, le=480)
    session_start: dt.time = Field(dt.time(9, 0), description="Local start time of each session, e.g. \"09:00\".")
    session_days: list[Weekday] = Field(
        default_factory=list,
        description="Weekdays sessions fall on; spread over Mon–Fri by default.",
    )
    holidays: list[Holiday] = Field(default_factory=list)
    branding: Branding = Field(default_factory=Branding)
    contact: Contact | None = None
    strings: dict[str, str] = Field(
        default_factory=dict,
        description="UI strings for this city's site, in its language, replacing the built-in ones by key"
        " (keys as in render/i18n/en.yaml, e.g. fictional_marker, contact, roles.planner).",
    )

    @field_validator("session_start", mode="before")
    @classmethod
    def _yaml_sexagesimal(cls, value: object) -> object:
        """YAML 1.1 reads an unquoted 10:30 as the number 630 (base 60); read it back as a time."""
        if isinstance(value, int) and 0 <= value < 24 * 60:
            return dt.time(value // 60, value % 60)
        return value

    @field_validator("roles")
    @classmethod
    def _headcounts_positive(cls, value: dict[str, int]) -> dict[str, int]:
        for role, count in value.items():
            if count < 1:
                raise ValueError(f"role {role!r} has {count} staff; remove the role or give at least 1")
        return value

    @field_validator("priorities", "languages", "session_days")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return reject_repeats(value)

    @model_validator(mode="after")
    def _derive_and_check(self) -> CityProfile:
        band = size_band_for(self.population)
        if self.size_band is None:
            object.__setattr__(self, "size_band", band)
        elif self.size_band != band:
            raise ValueError(
                f"size_band {self.size_band!r} does not match population {self.population:,}"
                f" (that is {band!r}: small < 200,000 ≤ mid < 1,000,000 ≤ large)"
            )
        if not self.session_days:
            object.__setattr__(self, "session_days", list(DEFAULT_SESSION_DAYS[self.sessions_per_week]))
        elif len(self.session_days) != self.sessions_per_week:
            raise ValueError(
                f"sessions_per_week is {self.sessions_per_week} but session_days names "
                f"{len(self.session_days)} day(s); make them agree"
            )
        return self

    @property
    def language(self) -> str:
        return self.languages[0]


# ----------------------------------------------------------------- project settings

DateOrder = Literal["dmy", "mdy", "ymd"]
MoodleState = Literal["completed", "not-completed", "passed", "failed"]


class RecordSettings(Strict):
    date_order: DateOrder | None = Field(
        None, description="How to read numeric dates when a column's values fit either order (dmy, mdy, ymd)."
    )
    moodle_states: dict[NonEmpty, MoodleState] = Field(
        default_factory=dict,
        description=(
            "Completion-state strings of a Moodle site in another language → their meaning, e.g. "
            "'Selesai': completed; write a teacher override as 'Selesai (diatur oleh {name})'."
        ),
    )


class ProjectSettings(Strict):
    """citycourse.yaml at the project root: settings that are the project's, not one city's."""

    records: RecordSettings = Field(default_factory=RecordSettings)


KIND_MODELS: dict[str, type[BaseModel]] = {
    "module": Module,
    "curriculum": Curriculum,
    "city": CityProfile,
    "reference": Reference,
    "place": Place,
}
