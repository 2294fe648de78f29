"""The store's typed API and matching: xAPI account and mbox_sha1sum, Group voiding, undated records, the SQL rule.

Every test runs on SQLite and on a real PostgreSQL server (`store_url`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest

from conftest import write
from test_records_common import make_project, module_titles, plan_for, store_url  # noqa: F401

CITY = "testville"
ROSTER = ("email,name,role,city,staff id\n"
          "lan@testville.example.gov,Nguyen Thi Lan,planner,testville,lan.n\n"
          "budi@testville.example.gov,Budi Santoso,planner,testville,budi.s\n"
          "maria@testville.example.gov,\"Santos, Maria\",it-officer,testville,\n")


def statement(sid: int, actor: dict, module: str = "intro-basics", verb: str = "completed", **extra) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{sid:012d}", "actor": actor,
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": f"https://training.example.org/modules/{module}"},
        "result": {"completion": True, "success": True, "score": {"scaled": 0.9}},
        "timestamp": "2026-03-10T09:00:00Z", **extra,
    }


def void(sid: int, target: int) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{sid:012d}", "actor": {"mbox": "mailto:admin@testville.example.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": f"00000000-0000-4000-8000-{target:012d}"},
        "timestamp": "2026-03-11T09:00:00Z",
    }


def _import(url: str, root: Path, files: dict[str, object]):
    from citycourse.store import import_files, open_store

    paths = []
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content)
        paths.append(write(root.parent / "in" / name, text))
    with open_store(url) as store:
        return import_files(store, paths, module_titles(root), city=CITY)


def _evidence(url: str):
    from citycourse.store import open_store

    with open_store(url) as store:
        return list(store.evidence(CITY))


def sha1_of(email: str) -> str:
    return hashlib.sha1(f"mailto:{email}".encode()).hexdigest()


def test_account_name_and_mbox_sha1sum_find_the_roster_learner(tmp_path: Path, store_url: str) -> None:
    from citycourse.store import list_quarantine, open_store

    root = make_project(tmp_path)
    summary = _import(store_url, root, {"roster.csv": ROSTER, "s.json": [
        statement(1, {"mbox_sha1sum": sha1_of("lan@testville.example.gov")}),
        statement(2, {"mbox_sha1sum": sha1_of("maria@testville.example.gov").upper()}, module="privacy"),
        statement(3, {"account": {"homePage": "https://lms.example.org", "name": "budi.s"}}, module="data-basics"),
        statement(4, {"mbox_sha1sum": sha1_of("ghost@testville.example.gov")}),
        statement(5, {"account": {"homePage": "https://lms.example.org", "name": "nobody"}}),
    ]})
    assert summary.total("quarantined") == 2
    found = {(e.email, e.module_id) for e in _evidence(store_url)}
    assert found == {("lan@testville.example.gov", "intro-basics"), ("maria@testville.example.gov", "privacy"),
                     ("budi@testville.example.gov", "data-basics")}
    with open_store(store_url) as store:
        reasons = sorted(q["reason"] for q in list_quarantine(store))
    assert reasons[0] == "account 'nobody' is not a learner id in the roster"
    assert reasons[1].startswith(f"mbox_sha1sum {sha1_of('ghost@testville.example.gov')} matches no email in the roster")


def test_voiding_a_group_statement_voids_every_member_in_either_order(tmp_path: Path, store_url: str) -> None:
    root = make_project(tmp_path)
    group = statement(10, {"objectType": "Group", "member": [
        {"mbox": "mailto:lan@testville.example.gov"}, {"mbox": "mailto:budi@testville.example.gov"}]})
    other = statement(11, {"mbox": "mailto:maria@testville.example.gov"})
    _import(store_url, root, {"roster.csv": ROSTER, "group.json": [group, other]})
    assert {e.email for e in _evidence(store_url)} == {
        "lan@testville.example.gov", "budi@testville.example.gov", "maria@testville.example.gov"}
    summary = _import(store_url, root, {"void.json": [void(12, 10)]})
    assert summary.cancelled == 2
    assert {e.email for e in _evidence(store_url)} == {"maria@testville.example.gov"}

    # the void first, the group statement in a later import
    url2 = str(tmp_path / "second.db")
    _import(url2, root, {"roster.csv": ROSTER, "void.json": [void(12, 10)]})
    summary = _import(url2, root, {"group.json": [group, other]})
    assert summary.cancelled == 2
    assert {e.email for e in _evidence(url2)} == {"maria@testville.example.gov"}


def test_a_void_does_not_touch_a_statement_whose_id_only_starts_the_same(tmp_path: Path, store_url: str) -> None:
    root = make_project(tmp_path)
    _import(store_url, root, {"roster.csv": ROSTER, "s.json": [
        statement(20, {"mbox": "mailto:lan@testville.example.gov"}),
        statement(21, {"mbox": "mailto:budi@testville.example.gov"}),
    ]})
    summary = _import(store_url, root, {"void.json": [void(22, 2)]})  # ...0002 is a prefix of no key + "/"
    assert summary.cancelled == 0 and len(_evidence(store_url)) == 2


def test_undated_records_import_and_count(tmp_path: Path, store_url: str) -> None:
    from citycourse.report import compute
    from citycourse.store import open_store

    root = make_project(tmp_path)
    undated = statement(30, {"mbox": "mailto:maria@testville.example.gov"})
    del undated["timestamp"]
    privacy = statement(31, {"mbox": "mailto:maria@testville.example.gov"}, module="privacy")
    del privacy["timestamp"]
    summary = _import(store_url, root, {"roster.csv": ROSTER, "s.json": [undated, privacy]})
    assert summary.total("new") == 3 + 2
    assert [(e.module_id, e.last, e.completed) for e in _evidence(store_url)] == [
        ("intro-basics", None, True), ("privacy", None, True)]
    with open_store(store_url) as store:
        progress = compute(plan_for(root), store)
    maria = next(lp for lp in progress.learners if lp.email.startswith("maria@"))
    assert maria.track_complete and maria.status == {"intro-basics": "complete", "privacy": "complete"}


def test_typed_people_include_learners_with_records_but_no_roster_entry(tmp_path: Path, store_url: str) -> None:
    from citycourse.store import Learner, open_store

    root = make_project(tmp_path)
    _import(store_url, root, {"roster.csv": ROSTER, "s.json": [statement(40, {"mbox": "mailto:x@elsewhere.org"})]})
    with open_store(store_url) as store:
        people = list(store.learners(CITY))
        assert store.count_learners(CITY) == 4
    assert people[0] == Learner("budi@testville.example.gov", "Budi Santoso", "planner")
    assert people[-1] == Learner("x@elsewhere.org", None, None)
    assert [p.email for p in people] == sorted(p.email for p in people)


@pytest.mark.parametrize("move_on", ["completed", "passed", "completed-and-passed", "completed-or-passed"])
def test_the_sql_rule_agrees_with_module_done(tmp_path: Path, store_url: str, move_on: str) -> None:
    """Every combination of completion, score (below, at, above the mark, none) and unscored pass."""
    from sqlalchemy import insert

    from citycourse.report import module_done
    from citycourse.store import PassRule, open_store, records

    marks = {"m-at": 0.7, "m-low": 0.7}
    cases = list(itertools.product([False, True], [None, 0.5, 0.7, 0.9], [False, True]))
    rows = []
    for n, (completed, score, unscored) in enumerate(cases):
        email = f"p{n:02d}@x.org"
        module = "m-at" if n % 2 else "outside-plan"  # outside the plan: pass mark 1.0
        base = {"email": email, "module_id": module, "city": CITY, "format": "xapi", "source": "t", "voided": False}
        rows.append({**base, "key": f"{n}-a", "verb": "completed" if completed else "scored", "score": score,
                     "success": None, "completion": None})
        if unscored:
            rows.append({**base, "key": f"{n}-b", "verb": "passed", "score": None, "success": True,
                         "completion": None})
        rows.append({**base, "key": f"{n}-c", "verb": "completed", "score": None, "success": None,
                     "completion": None, "voided": True})  # voided: never counts
    with open_store(store_url) as store:
        with store.engine.begin() as conn:
            conn.execute(insert(records), rows)
        judged = {s.learner.email: s.modules[0] for s in store.statuses(CITY, PassRule(move_on, marks))}
    for n, (completed, score, unscored) in enumerate(cases):
        mark = 0.7 if n % 2 else 1.0
        passed = unscored or (score is not None and score >= mark)
        module_id, done, best = judged[f"p{n:02d}@x.org"]
        assert done == module_done(move_on, completed, passed), (move_on, completed, score, unscored)
        assert best == score
