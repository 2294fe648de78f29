"""The site's Progress page (render/progress_page.py): reader's language, plain labels, capped
percentages, "—" for missing figures, right-aligned numbers and charts with their figures."""

from __future__ import annotations

import re
from pathlib import Path

from test_records_common import make_project, plan_for


def _progress(plan, roles, modules, learners=None):
    from citycourse.report import Progress

    return Progress(plan, learners or [], modules, roles)


def _role(role, staff, learners, complete, percent, of_staff, staff_from="profile"):
    return {"role": role, "staff": staff, "staff_from": staff_from, "learners": learners,
            "track_complete": complete, "percent": percent, "percent_of_staff": of_staff}


def _module(module_id, title, learners, started, completed, percent):
    return {"id": module_id, "title": title, "pass_mark": 0.7, "learners": learners, "started": started,
            "completed": completed, "percent": percent, "average_score": None}


def test_no_percentage_above_100_and_a_dash_for_missing_figures(tmp_path: Path) -> None:
    from citycourse.render.i18n import Strings
    from citycourse.render.progress_page import progress_page

    plan = plan_for(make_project(tmp_path))
    progress = _progress(plan, [
        _role("planner", 3, 40, 40, 100.0, 1333.3, staff_from="roster"),  # a figure from an older report
        _role("(no role)", None, 2, 0, None, None),
    ], [_module("intro-basics", "Smart city basics", 5, 3, 3, 60.0)])
    page = progress_page(plan, progress, Strings("en"))
    shares = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)%", page)]
    assert shares and max(shares) <= 100
    assert "1333" not in page and "1,333" not in page
    assert "| No role given | — | 2 | 0 | — | — |" in page
    assert "the roster lists 40 people but the city profile counts" in page
    assert "|---|---:|---:|---:|---:|---:|" in page  # numbers right-aligned


def test_page_in_thai_with_role_and_rule_labels_and_charts_that_carry_their_figures(tmp_path: Path) -> None:
    from citycourse.render.i18n import Strings
    from citycourse.render.progress_page import progress_page

    plan = plan_for(make_project(tmp_path))
    progress = _progress(plan, [_role("planner", 3, 3, 1, 33.3, 33.3), _role("it-officer", 2, 2, 2, 100.0, 100.0)],
                         [_module("intro-basics", "Smart city basics", 5, 3, 3, 60.0)])
    page = progress_page(plan, progress, Strings("th"))
    t = Strings("th")
    assert t("roles.planner") in page and t("rules." + plan.curriculum.completion.move_on) in page
    for raw in ("planner |", "it-officer", "completed-or-passed", "completed-and-passed", "percent"):
        assert raw not in page, raw
    assert t("col_percent_staff") in page and t("explain_percent_staff") in page
    charts = re.findall(r'<svg [^>]*role="img" aria-label="([^"]+)"', page)
    assert len(charts) == 2
    assert t("roles.planner") in charts[0] and "33.3%" in charts[0] and "100%" in charts[0]
    assert "Smart city basics 60%" in charts[1]
    assert "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_counts_are_in_proper_grammar(tmp_path: Path) -> None:
    from citycourse.render.i18n import Strings
    from citycourse.render.progress_page import progress_page

    plan = plan_for(make_project(tmp_path))
    from citycourse.report import LearnerProgress

    done = LearnerProgress("a@city.example", "A", "planner", track_complete=True)
    one = _progress(plan, [_role("planner", 3, 1, 1, 100.0, 33.3)], [], [done])
    page = progress_page(plan, one, Strings("en"))
    assert "1 learner has records or is on the roster; 1 of them has completed their track" in page
