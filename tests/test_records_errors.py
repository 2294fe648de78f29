"""Bad input gets a clear message naming file and line, and nothing partial is stored; crashes roll back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citycourse.errors import RecordError
from test_records_common import DATA, make_project, module_titles, store_url  # noqa: F401

A = "http://adlnet.gov/expapi/verbs/"


def statement(n: int, verb: str = "completed", ts: str = "2026-03-01T10:00:00Z", module: str = "intro-basics") -> dict:
    return {
        "id": f"10000000-0000-4000-8000-{n:012d}",
        "actor": {"mbox": f"mailto:learner{n % 50}@testville.example.gov"},
        "verb": {"id": A + verb},
        "object": {"id": f"https://training.example.org/modules/{module}"},
        "result": {"score": {"scaled": 0.9}, "success": True, "completion": True},
        "timestamp": ts,
    }


def _run(url: str, root: Path, paths: list[Path], **kw):
    from citycourse.store import import_files, open_store

    with open_store(url) as store:
        return import_files(store, paths, module_titles(root), city="testville", **kw)


def _dump(url: str):
    from citycourse.store import open_store

    with open_store(url) as store:
        return store.dump()


def _fails(url: str, root: Path, paths: list[Path], **kw) -> RecordError:
    with pytest.raises(RecordError) as info:
        _run(url, root, paths, **kw)
    return info.value


@pytest.fixture
def setup(tmp_path: Path, store_url: str):
    root = make_project(tmp_path)
    exports = tmp_path / "exports"
    _run(store_url, root, [exports / "roster.csv", exports / "xapi-statements.json"])
    return root, exports, store_url, _dump(store_url)


def test_malformed_json_line_names_file_and_line_and_stores_nothing(setup) -> None:
    root, exports, url, before = setup
    bad = exports / "bad.jsonl"
    bad.write_text(json.dumps(statement(1)) + "\n" + json.dumps(statement(2)) + "\n{\"id\": oops}\n")
    err = _fails(url, root, [exports / "xapi-page.json", bad])
    [problem] = err.problems
    assert problem.file.endswith("bad.jsonl") and problem.line == 3
    assert "malformed JSON" in problem.message
    assert _dump(url) == before


def test_malformed_json_array_names_the_line(setup) -> None:
    root, exports, url, before = setup
    bad = exports / "bad.json"
    bad.write_text("[\n" + json.dumps(statement(1)) + ",\n" + json.dumps(statement(2))[:-5] + "\n]")
    [problem] = _fails(url, root, [bad]).problems
    assert problem.line in (3, 4) and "malformed JSON" in problem.message
    assert _dump(url) == before


def test_a_verb_id_that_is_not_an_iri_is_refused(setup) -> None:
    root, exports, url, before = setup
    bad = exports / "verbs.jsonl"
    liked = statement(2)
    liked["verb"]["id"] = "liked"
    bad.write_text(json.dumps(statement(1)) + "\n" + json.dumps(liked) + "\n")
    [problem] = _fails(url, root, [bad]).problems
    assert problem.line == 2 and problem.message == "verb.id: is 'liked'; xAPI requires an IRI (an absolute address such as http://example.org/x)"
    assert _dump(url) == before


def test_future_timestamp_in_xapi_and_csv(setup) -> None:
    root, exports, url, before = setup
    bad = exports / "future.jsonl"
    bad.write_text(json.dumps(statement(1, ts="2999-01-01T00:00:00Z")) + "\n")
    csv_bad = exports / "att.csv"
    csv_bad.write_text("Date,Email,Module,Present\n01/01/2999,lan@testville.example.gov,intro-basics,yes\n")
    problems = _fails(url, root, [bad, csv_bad]).problems
    assert [(Path(p.file).name, p.line) for p in problems] == [("future.jsonl", 1), ("att.csv", 2)]
    assert all("in the future" in p.message for p in problems)
    assert _dump(url) == before


def test_csv_missing_columns(setup) -> None:
    root, exports, url, before = setup
    bad = exports / "quiz.csv"
    bad.write_text("Timestamp,Email address,Comment\n2026-03-01,lan@testville.example.gov,fine\n")
    [problem] = _fails(url, root, [bad], fmt="quiz-csv").problems
    assert "missing column 'Score'" in problem.message and problem.line == 1
    assert "Comment" in problem.hint  # says what was found
    [problem] = _fails(url, root, [bad]).problems  # auto: not recognisable
    assert "format not recognised" in problem.message
    assert _dump(url) == before


def test_bad_cell_names_the_row(setup) -> None:
    root, exports, url, before = setup
    bad = exports / "Quiz (Responses).csv"
    bad.write_text("Timestamp,Email address,Score\n2026-03-01 10:00,lan@testville.example.gov,8 / 10\n"
                   "2026-03-01 10:05,budi@testville.example.gov,eleven\n")
    [problem] = _fails(url, root, [bad]).problems
    assert problem.line == 3 and "eleven" in problem.message
    assert _dump(url) == before


def test_a_100_mb_file_is_refused_fast_with_bounded_memory(setup) -> None:
    root, exports, url, before = setup
    big = exports / "huge.json"
    with big.open("w") as handle:
        handle.write('[{"id": "' )
        block = "x" * (1 << 20)
        for _ in range(100):
            handle.write(block)
    assert big.stat().st_size >= 100 * (1 << 20)
    started = time.perf_counter()
    [problem] = _fails(url, root, [big]).problems
    assert time.perf_counter() - started < 10
    assert problem.file.endswith("huge.json") and problem.line == 1 and "no complete value" in problem.message
    lines = exports / "huge.jsonl"
    os.replace(big, lines)
    with lines.open("r+") as handle:  # JSON Lines whose first line is 100 MB
        handle.write('{"id":')
    [problem] = _fails(url, root, [lines]).problems
    assert "longer than" in problem.message
    assert _dump(url) == before


def test_fatal_error_late_in_a_big_file_rolls_everything_back(setup) -> None:
    root, exports, url, before = setup
    big = exports / "late.jsonl"
    with big.open("w") as handle:
        for n in range(12_000):  # more than two batches are written before the error
            handle.write(json.dumps(statement(n)) + "\n")
        handle.write("not json\n")
    [problem] = _fails(url, root, [exports / "xapi-void.jsonl", big]).problems
    assert problem.line == 12_001
    assert _dump(url) == before


def test_process_killed_mid_import_leaves_the_store_unchanged(setup, tmp_path: Path) -> None:
    root, exports, url, before = setup
    big = exports / "big.jsonl"
    with big.open("w") as handle:
        for n in range(150_000):
            handle.write(json.dumps(statement(n)) + "\n")
    env = {**os.environ, "CITYCOURSE_STORE": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "citycourse", "records", "import", str(big), "--city", "testville"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    journal = Path(url + "-journal")
    deadline = time.monotonic() + 30
    sqlite = "://" not in url
    while time.monotonic() < deadline and proc.poll() is None:
        if (sqlite and journal.exists()) or (not sqlite and _pg_inserting(url)):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, "the import finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _dump(url) == before


def _pg_inserting(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE state <> 'idle' AND query ILIKE 'INSERT INTO records%'"
            )).scalar())
    finally:
        engine.dispose()


def test_missing_file_and_undetectable_file(setup) -> None:
    root, exports, url, before = setup
    junk = exports / "notes.txt"
    junk.write_text("hello\nworld\n")
    problems = _fails(url, root, [exports / "nope.json", junk]).problems
    assert [Path(p.file).name for p in problems] == ["nope.json", "notes.txt"]
    assert _dump(url) == before
