"""xAPI 1.0.3 as the spec defines it (adlnet/xAPI-Spec, xAPI-Data.md): every valid shape is read,
every broken rule is refused with the line, the property path and the rule in plain words."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from citycourse.records import RowError
from citycourse.records.detect import detect
from citycourse.records.xapi import read

ADL = "http://adlnet.gov/expapi/verbs/"
SID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"


def statement(**changes: Any) -> dict[str, Any]:
    """A statement in the shape of the ADL LRS conformance suite's templates."""
    base: dict[str, Any] = {
        "id": SID,
        "actor": {"objectType": "Agent", "name": "Lan Nguyen", "mbox": "mailto:lan@benmay.example"},
        "verb": {"id": ADL + "completed", "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": "https://course.example/modules/open-data-basics",
            "definition": {"name": {"en-US": "Open data basics"}, "type": "http://adlnet.gov/expapi/activities/module"},
        },
        "result": {"completion": True, "success": True, "score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
                   "duration": "PT1H30M"},
        "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "platform": "Moodle",
                    "language": "en-US", "contextActivities": {"parent": [{"id": "https://course.example/course"}]},
                    "extensions": {"http://example.org/ext": None}},
        "timestamp": "2026-03-14T10:15:00.123+07:00",
        "stored": "2026-03-14T03:16:00Z",
        "authority": {"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": "lrs"}},
        "version": "1.0.3",
    }
    for path, value in changes.items():
        target = base
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[key]
        if value is DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return base


DELETE = object()


def items(tmp_path: Path, content: str, name: str = "x.json") -> list[dict[str, Any]]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect(path) == "xapi"
    return list(read(path, {}))


# ------------------------------------------------------------------------------ valid shapes


def test_a_file_holding_one_pretty_printed_statement_is_read(tmp_path: Path) -> None:
    [item] = items(tmp_path, json.dumps(statement(), indent=2))
    assert item["kind"] == "record" and item["email"] == "lan@benmay.example"
    assert item["verb"] == "completed" and item["score"] == 0.8
    assert item["timestamp"] == "2026-03-14T03:15:00Z"  # +07:00 and fractional seconds
    assert item["refs"][:2] == ["https://course.example/modules/open-data-basics", "Open data basics"]


def test_one_statement_on_one_line_array_and_statement_result_pages(tmp_path: Path) -> None:
    one = statement()
    two = statement(id="0d6a3d4c-9a62-4c5e-b9d5-6d4c3c8d0a11", actor={"mbox": "mailto:b@x.example"})
    assert len(items(tmp_path, json.dumps(one), "a.json")) == 1
    assert len(items(tmp_path, json.dumps([one, two]), "b.json")) == 2
    assert len(items(tmp_path, json.dumps({"statements": [one, two], "more": ""}), "c.json")) == 2
    more_first = '{\n  "more": "/xapi/statements?more=abc",\n  "statements": [' + json.dumps(one) + "]\n}"
    assert len(items(tmp_path, more_first, "d.json")) == 1
    assert len(items(tmp_path, json.dumps(one) + "\n" + json.dumps(two) + "\n", "e.jsonl")) == 2


@pytest.mark.parametrize("actor,expected", [
    ({"mbox": "mailto:Lan@BenMay.example"}, {"email": "lan@benmay.example"}),
    ({"mbox_sha1sum": hashlib.sha1(b"mailto:lan@benmay.example").hexdigest().upper()},
     {"mbox_sha1sum": hashlib.sha1(b"mailto:lan@benmay.example").hexdigest()}),
    ({"openid": "https://id.benmay.example/lan"}, {"learner_id": "https://id.benmay.example/lan"}),
    ({"account": {"homePage": "https://lms.benmay.example", "name": "lnguyen"}},
     {"learner_id": "lnguyen", "account_name": "lnguyen"}),
])
def test_each_of_the_four_agent_identifiers(tmp_path: Path, actor: dict, expected: dict) -> None:
    [item] = items(tmp_path, json.dumps(statement(actor=actor)))
    assert item["kind"] == "record"
    for key, value in expected.items():
        assert item[key] == value


def test_a_group_credits_each_member(tmp_path: Path) -> None:
    group = {"objectType": "Group", "name": "Team A", "member": [
        {"mbox": "mailto:a@x.example"}, {"account": {"homePage": "https://lms.example", "name": "b"}}]}
    got = items(tmp_path, json.dumps(statement(actor=group)))
    assert [(i["key"], i.get("email"), i.get("learner_id")) for i in got] == [
        (f"{SID}/0", "a@x.example", None), (f"{SID}/1", None, "b")]


def test_an_identified_group_without_members_names_no_one(tmp_path: Path) -> None:
    group = {"objectType": "Group", "mbox": "mailto:team@x.example"}
    [item] = items(tmp_path, json.dumps(statement(actor=group)))
    assert item["email"] is None and "member" in item["unmatched_reason"]


@pytest.mark.parametrize("obj,reason", [
    ({"objectType": "Agent", "mbox": "mailto:c@x.example"}, "an Agent"),
    ({"objectType": "Group", "member": [{"mbox": "mailto:c@x.example"}]}, "a Group"),
    ({"objectType": "StatementRef", "id": "0d6a3d4c-9a62-4c5e-b9d5-6d4c3c8d0a11"}, "a StatementRef"),
    ({"objectType": "SubStatement", "actor": {"mbox": "mailto:c@x.example"}, "verb": {"id": ADL + "completed"},
      "object": {"id": "https://course.example/x"}, "timestamp": "2099-01-01T00:00:00Z"}, "a SubStatement"),
])
def test_objects_that_are_not_activities_are_skipped_with_the_reason(tmp_path: Path, obj: dict, reason: str) -> None:
    st = statement(object=obj)
    del st["context"]["platform"]  # platform is only allowed when the object is an Activity
    [item] = items(tmp_path, json.dumps(st))
    assert item["kind"] == "skip" and reason in item["reason"]


def test_context_activities_as_one_object(tmp_path: Path) -> None:
    [item] = items(tmp_path, json.dumps(statement(context={"contextActivities": {
        "parent": {"id": "https://course.example/p"}, "grouping": {"id": "https://course.example/g"}}})))
    assert item["refs"][-2:] == ["https://course.example/p", "https://course.example/g"]


def test_no_timestamp_uses_stored_and_neither_gives_an_undated_record(tmp_path: Path) -> None:
    [item] = items(tmp_path, json.dumps(statement(timestamp=DELETE)), "a.json")
    assert item["timestamp"] == "2026-03-14T03:16:00Z"
    [item] = items(tmp_path, json.dumps(statement(timestamp=DELETE, stored=DELETE)), "b.json")
    assert item["kind"] == "record" and item["timestamp"] is None


def test_minimal_statement_without_id_is_keyed_by_content(tmp_path: Path) -> None:
    st = {"actor": {"mbox": "mailto:a@x.example"}, "verb": {"id": ADL + "completed"},
          "object": {"id": "https://course.example/open-data-basics"}}
    [a] = items(tmp_path, json.dumps(st), "a.json")
    [b] = items(tmp_path, json.dumps(st), "b.json")
    assert a["key"] == b["key"] and a["key"].startswith("sha1:") and a["timestamp"] is None


def test_other_verbs_count_only_by_their_result(tmp_path: Path) -> None:
    cmi5_completed = statement(verb={"id": "https://example.org/verbs/finished"}, result={"completion": True})
    [item] = items(tmp_path, json.dumps(cmi5_completed), "a.json")
    assert item["verb"] == "completed"
    [item] = items(tmp_path, json.dumps(statement(verb={"id": ADL + "experienced"})), "b.json")
    assert item["kind"] == "skip" and "experienced" in item["reason"]


def test_voiding_statement(tmp_path: Path) -> None:
    void = statement(id="0d6a3d4c-9a62-4c5e-b9d5-6d4c3c8d0a11", verb={"id": ADL + "voided"},
                     object={"objectType": "StatementRef", "id": SID.upper()}, result=DELETE)
    del void["context"]["platform"]
    [item] = items(tmp_path, json.dumps(void))
    assert item == {"kind": "void", "key": "0d6a3d4c-9a62-4c5e-b9d5-6d4c3c8d0a11", "target": SID, "line": 1}


# ------------------------------------------------------------------------------ refused rules


def _broken(**changes: Any) -> dict[str, Any]:
    return statement(**changes)


REFUSED = [
    ("missing actor", _broken(actor=DELETE), "actor", "is missing"),
    ("missing verb", _broken(verb=DELETE), "verb", "is missing"),
    ("missing object", _broken(object=DELETE), "object", "is missing"),
    ("agent with two identifiers", _broken(actor={"mbox": "mailto:a@x.example", "openid": "https://x.example/a"}),
     "actor", "exactly one"),
    ("agent without identifier", _broken(actor={"name": "Lan"}), "actor", "exactly one"),
    ("mbox without mailto", _broken(actor={"mbox": "lan@x.example"}), "actor.mbox", "'mailto:'"),
    ("mbox not an email", _broken(actor={"mbox": "mailto:lan"}), "actor.mbox", "'mailto:'"),
    ("verb id not an IRI", _broken(verb={"id": "completed"}), "verb.id", "IRI"),
    ("statement id not a UUID", _broken(id="12345"), "id", "UUID"),
    ("timestamp not ISO 8601", _broken(timestamp="14/03/2026"), "timestamp", "ISO 8601"),
    ("duration not ISO 8601", _broken(result={"duration": "90 minutes"}), "result.duration", "ISO 8601 duration"),
    ("scaled above 1", _broken(result={"score": {"scaled": 1.5}}), "result.score.scaled", "-1 ≤ scaled ≤ 1"),
    ("raw above max", _broken(result={"score": {"raw": 12, "min": 0, "max": 10}}), "result.score.raw",
     "min ≤ raw ≤ max"),
    ("property in the wrong case", _broken(Actor={"mbox": "mailto:a@x.example"}, actor=DELETE), "Actor",
     "case-sensitive: use 'actor'"),
    ("unknown top-level property", _broken(grade=5), "grade", "unknown top-level property"),
    ("null outside extensions", _broken(result={"response": None}), "result.response", "null only inside extensions"),
    ("nested SubStatement", _broken(object={"objectType": "SubStatement", "actor": {"mbox": "mailto:c@x.example"},
                                            "verb": {"id": ADL + "completed"},
                                            "object": {"objectType": "SubStatement"}}, context=DELETE),
     "object.object.objectType", "forbids nesting"),
    ("voiding a non-StatementRef", _broken(verb={"id": ADL + "voided"}), "object", "must be a StatementRef"),
    ("objectType in the wrong case", _broken(actor={"objectType": "agent", "mbox": "mailto:a@x.example"}),
     "actor.objectType", "use 'Agent'"),
    ("type mismatch", _broken(result={"success": "yes"}), "result.success", "must be true or false"),
]


@pytest.mark.parametrize("label,st,path,rule", REFUSED, ids=[r[0] for r in REFUSED])
def test_each_broken_rule_is_refused_naming_line_property_and_rule(tmp_path: Path, label: str, st: dict,
                                                                   path: str, rule: str) -> None:
    good = statement(id="0d6a3d4c-9a62-4c5e-b9d5-6d4c3c8d0a11")
    path_file = tmp_path / "x.jsonl"
    path_file.write_text(json.dumps(good) + "\n" + json.dumps(st) + "\n", encoding="utf-8")
    with pytest.raises(RowError) as info:
        list(read(path_file, {}))
    assert info.value.line == 2
    assert info.value.message.startswith(f"{path}:"), info.value.message
    assert rule in info.value.message, info.value.message


def test_refused_inside_a_pretty_printed_array_names_the_statement_line(tmp_path: Path) -> None:
    bad = copy.deepcopy(statement(result={"score": {"scaled": 1.5}}))
    text = json.dumps([statement(), bad], indent=2)
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RowError) as info:
        list(read(path, {}))
    assert info.value.line == text.splitlines().index("  {", 2) + 1
    assert "result.score.scaled: is 1.5; xAPI requires -1 ≤ scaled ≤ 1" == info.value.message
