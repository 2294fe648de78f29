"""A module's self-check on its page: the choice questions, answerable in the browser, with no answer in the source.

The page carries, per question, a salt and the SHA-256 of `salt + ":" + index of
the right choice`; `assets/citycourse-quiz.js` hashes the chosen index the same
way and compares. Reading the page source (or printing it) does not show which
choice is right. It is a self-check, not an exam: anyone who runs the hash over
every choice finds the answer, as with any check done entirely in the browser.

The right choice is found in the English module (validation requires the answer
to start with one of the choices, word for word) and its index is used for the
translated choices, so a translation cannot move the answer. Open questions
(no choices) stay for the facilitator; they are counted, not scored.

Salts are derived from the module id, the question's place and its English
prompt, so the same module renders the same bytes on every build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from citycourse.models import Module, Question

#: Bumped when the hashing changes, so old salts are never reused with a new scheme.
SCHEME = "citycourse-selfcheck-1"


@dataclass(frozen=True)
class CheckQuestion:
    """One choice question as the page shows it."""

    number: int  # 1-based place among the module's questions
    prompt: str
    choices: list[str]
    salt: str
    digest: str  # sha256(salt + ":" + index of the right choice), hex
    english: bool  # the prompt is shown in English on a page in another language


@dataclass(frozen=True)
class SelfCheck:
    module_id: str
    pass_mark: float
    questions: list[CheckQuestion]
    open_questions: int  # questions without choices: answered with a facilitator

    @property
    def pass_percent(self) -> int:
        return round(self.pass_mark * 100)


def right_choice(question: Question) -> int | None:
    """Index of the choice the model answer starts with (the longest, if one choice starts another)."""
    answer = question.answer.strip().casefold()
    best: int | None = None
    for i, choice in enumerate(question.choices):
        text = choice.strip().casefold()
        if answer.startswith(text) and (best is None or len(text) > len(question.choices[best].strip())):
            best = i
    return best


def answer_digest(salt: str, index: int) -> str:
    """What the page compares against: the same function as `sha256hex(salt + ":" + index)` in the JS."""
    return hashlib.sha256(f"{salt}:{index}".encode("ascii")).hexdigest()


def salt_for(module_id: str, number: int, prompt: str) -> str:
    return hashlib.sha256(f"{SCHEME}\0{module_id}\0{number}\0{prompt}".encode("utf-8")).hexdigest()[:24]


def self_check(original: Module, shown: Module, english: object = None) -> SelfCheck | None:
    """The self-check of `original` (English) with the text of `shown` (the page's language); None when it
    has no choice question. `english(path)` says whether a unit is shown in English (ModuleView.english)."""
    questions: list[CheckQuestion] = []
    for i, (question, display) in enumerate(zip(original.assessment.questions, shown.assessment.questions)):
        right = right_choice(question) if question.choices else None
        if right is None:
            continue
        salt = salt_for(original.id, i + 1, question.prompt)
        in_english = bool(english(f"assessment.questions[{i}].prompt")) if callable(english) else False
        questions.append(CheckQuestion(i + 1, display.prompt, list(display.choices), salt, answer_digest(salt, right),
                                       in_english))
    if not questions:
        return None
    open_count = sum(1 for q in original.assessment.questions if not q.choices)
    return SelfCheck(original.id, original.assessment.pass_mark, questions, open_count)
