"""The self-check on module pages: choice questions answered in the page, no answer in the source, scored
against the pass mark, by keyboard, from file:// — and the page stays the same for the facilitator view."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, copy_shipped_project

MODULE = "city-data-basics"


def _module():
    from citycourse.loading import load_file

    model, _, problems = load_file(REPO / "modules" / f"{MODULE}.yaml", "module")
    assert model is not None and not [p for p in problems if p.severity == "error"]
    return model


def test_the_right_choice_is_the_one_the_answer_starts_with_and_the_longest_wins() -> None:
    from citycourse.models import Question
    from citycourse.render.selfcheck import right_choice

    q = Question(prompt="p", choices=["Yes", "Yes, and report it", "No"], answer="Yes, and report it. Because...")
    assert right_choice(q) == 1
    assert right_choice(Question(prompt="p", choices=["A", "B"], answer="b, since")) == 1
    assert right_choice(Question(prompt="p", choices=["A", "B"], answer="C")) is None


def test_digests_name_exactly_one_choice_and_are_the_same_on_every_build() -> None:
    from citycourse.render.selfcheck import answer_digest, right_choice, self_check

    module = _module()
    first, second = self_check(module, module), self_check(module, module)
    assert first == second and first is not None
    choice_questions = [q for q in module.assessment.questions if q.choices]
    assert len(first.questions) == len(choice_questions)
    for shown, question in zip(first.questions, choice_questions):
        matches = [i for i in range(len(question.choices)) if answer_digest(shown.salt, i) == shown.digest]
        assert matches == [right_choice(question)]
    assert first.open_questions == sum(1 for q in module.assessment.questions if not q.choices)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """puerto-alon (English), learner and facilitator views."""
    from citycourse.app import app

    project = tmp_path_factory.mktemp("quiz") / "project"
    copy_shipped_project(project)
    out = project / "out"
    for extra in ([], ["--facilitator"]):
        result = CliRunner().invoke(app, ["build", "smart-city-foundations", "--city", "puerto-alon", "--out", str(out),
                                          "-C", str(project), *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return out


def test_the_learner_page_has_the_questions_and_choices_but_no_answer(sites: Path) -> None:
    html = (sites / "puerto-alon" / "modules" / f"{MODULE}.html").read_text(encoding="utf-8")
    module = _module()
    choice_questions = [q for q in module.assessment.questions if q.choices]
    assert html.count('class="cc-quiz-q"') == len(choice_questions)
    for question in choice_questions:
        explanation = question.answer[len(max((c for c in question.choices if question.answer.startswith(c)), key=len)):]
        explanation = explanation.strip(" .")
        if len(explanation) > 12:
            assert explanation[:40] not in html  # the model answer's explanation is not in the page
        for choice in question.choices:
            assert choice.replace("'", "&#39;") in html or choice in html
    # Nothing marks the right radio button: every input looks alike apart from its index.
    inputs = re.findall(r"<input [^>]*>", html.split('class="cc-quiz"', 1)[1].split("</form>", 1)[0])
    assert inputs and all(re.fullmatch(r'<input type="radio" name="[^"]+" id="[^"]+" value="\d+">', i) for i in inputs)


def test_the_facilitator_view_has_the_answers_and_no_self_check(sites: Path) -> None:
    html = (sites / "puerto-alon-facilitator" / "modules" / f"{MODULE}.html").read_text(encoding="utf-8")
    assert 'class="cc-quiz' not in html
    assert _module().assessment.questions[0].answer[:30] in html



@pytest.mark.browser
@pytest.mark.slow
def test_answering_by_keyboard_from_file_scores_against_the_pass_mark(sites: Path, browser) -> None:
    from citycourse.render.selfcheck import right_choice

    module = _module()
    rights = [right_choice(q) for q in module.assessment.questions if q.choices]
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((sites / "puerto-alon" / "modules" / f"{MODULE}.html").as_uri())
    page.evaluate("""() => { window.events = [];
        document.addEventListener('citycourse:selfcheck', e => window.events.push(e.detail)); }""")
    # The page's SHA-256 is the real one (non-ASCII text too).
    for text in ["", "abc", "salt:0", "Thành phố " * 20]:
        assert page.evaluate("t => window.citycourseQuiz.sha256hex(t)", text) == hashlib.sha256(text.encode()).hexdigest()
    form = page.locator(f"#cc-quiz-{MODULE} form")
    assert form.is_visible()
    # Checking with a question unanswered says which one, and scores nothing.
    form.get_by_role("button", name="Check my answers").click()
    assert "question 1 has no answer yet" in page.locator(".cc-quiz-result").inner_text()
    assert page.evaluate("window.events.length") == 0

    def answer(indexes: list[int]) -> dict:
        form.get_by_role("button", name="Start again").click()
        for q, index in enumerate(indexes):
            group = form.locator("fieldset").nth(q)
            group.locator("input").first.focus()
            page.keyboard.press("Space")  # select the first option, then arrow down to the chosen one
            for _ in range(index):
                page.keyboard.press("ArrowDown")
            assert group.locator("input").nth(index).is_checked()
        page.locator(f"#cc-quiz-{MODULE} button[type=submit]").focus()
        page.keyboard.press("Enter")
        return page.evaluate("window.events[window.events.length - 1]")

    wrong_first = [(rights[0] + 1) % len(module.assessment.questions[0].choices), *rights[1:]]
    result = answer(wrong_first)
    total = len(rights)
    assert (result["correct"], result["total"]) == (total - 1, total)
    assert result["passed"] is ((total - 1) / total >= module.assessment.pass_mark)
    marks = form.locator(".cc-quiz-mark").all_inner_texts()
    assert marks[0].startswith("Not correct") and all(m == "Correct." for m in marks[1:])
    result = answer(rights)
    assert result == {"module": MODULE, "correct": total, "total": total, "scaled": 1, "passMark": module.assessment.pass_mark,
                      "passed": True}
    status = page.locator(".cc-quiz-result")
    assert f"{total} of {total} correct (100%): you reached the pass mark of {round(module.assessment.pass_mark * 100)}%" \
        in status.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('cc-quiz-result')")  # focus moves to the result
    assert errors == []
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_self_check_has_no_serious_accessibility_violation(sites: Path, browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto((sites / "puerto-alon" / "modules" / f"{MODULE}.html").as_uri())
    page.locator(f"#cc-quiz-{MODULE} button[type=submit]").click()  # with the "answer every question" message shown
    violations = Axe().run(page, context={"include": [[f"#cc-quiz-{MODULE}"]]}).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
    page.close()
