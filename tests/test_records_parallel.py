"""A large export is read in a second process: the same items, the same errors, the same store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citycourse.records import RowError
from citycourse.records.detect import reader_for
from citycourse.records.parallel import read_items, worth_it
from test_records_common import make_project, module_titles, store_url  # noqa: F401
from test_records_errors import statement


def _write(path: Path, n: int, bad_at: int | None = None) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            st = statement(i)
            if i + 1 == bad_at:
                st["result"] = {"score": {"scaled": 1.5}}
            handle.write(json.dumps(st) + "\n")
    return path


def test_items_read_in_a_second_process_are_the_readers_items(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", 5_000)
    assert not worth_it(path, {}) and worth_it(path, {"parallel_min_bytes": 0})
    expected = list(reader_for("xapi")(path, {}))
    assert list(read_items("xapi", path, {"parallel_min_bytes": 0})) == expected


def test_an_unreadable_row_in_the_second_process_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.jsonl", 5_000, bad_at=4_321)
    with pytest.raises(RowError) as info:
        list(read_items("xapi", path, {"parallel_min_bytes": 0}))
    assert info.value.line == 4_321 and info.value.message.startswith("result.score.scaled:")


def test_an_import_read_in_two_processes_stores_the_same(tmp_path: Path, store_url: str) -> None:  # noqa: F811
    from citycourse.store import import_files, open_store

    root = make_project(tmp_path)
    path = _write(tmp_path / "s.jsonl", 3_000)
    titles = module_titles(root)
    summaries = []
    for options in ({}, {"parallel_min_bytes": 0}):
        with open_store(store_url) as store:
            summary = import_files(store, [path], titles, city="testville", options=options)
            summaries.append((summary.total("read"), summary.total("new"), summary.total("duplicate")))
    assert summaries[0][:2] == (3_000, 3_000) and summaries[1] == (3_000, 0, 3_000)


def test_stopping_early_ends_the_second_process(tmp_path: Path) -> None:
    import multiprocessing
    import threading

    path = _write(tmp_path / "s.jsonl", 200_000)
    items = read_items("xapi", path, {"parallel_min_bytes": 0})
    next(items)
    assert multiprocessing.active_children()
    items.close()  # what an import does when another file fails
    assert not multiprocessing.active_children()
    assert not [t for t in threading.enumerate() if t.name != "MainThread" and "_drain" in repr(t)]
