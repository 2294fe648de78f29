"""A learner's rights over the store (`records export`, `records forget`, `records prune`) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_records_common import SAMPLES, make_project, store_url  # noqa: F401

MARIA = "maria@testville.example.gov"


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str, invoke) -> Path:  # noqa: F811
    """Every sample export imported (records, voids, quarantined rows), a key made, certificates issued."""
    monkeypatch.setenv("CITYCOURSE_STORE", store_url)
    root = make_project(tmp_path)
    files = [str(root.parent / "exports" / n) for n in SAMPLES]
    assert invoke(["records", "import", *files, "--city", "testville", "--allow-quarantine"], cwd=root).exit_code == 0
    assert invoke(["keys", "init", "--name", "Testville Training Unit"], cwd=root).exit_code == 0
    assert invoke(["certificates", "--city", "testville", "--out", str(tmp_path / "certs")], cwd=root).exit_code == 0
    return root


def _dump(url: str) -> dict[str, list[tuple]]:
    from sqlalchemy import select

    from citycourse.store import open_store
    from citycourse.store.schema import audit, credential_holders, credentials

    with open_store(url) as store:
        out = store.dump()
        with store.engine.connect() as conn:
            for table in (credentials, credential_holders, audit):
                cols = [c for c in table.c if c.name not in ("id", "at")] if table is audit else list(table.c)
                out[table.name] = sorted(tuple(r) for r in conn.execute(select(*cols)))
    return out


def _mentions(row: tuple, email: str) -> bool:
    return any(isinstance(v, str) and email in v.lower() for v in row)


def test_export_lists_every_row_held_about_the_learner(invoke, proj: Path, store_url: str) -> None:  # noqa: F811
    result = invoke(["records", "export", MARIA], cwd=proj)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [r["name"] for r in found["learners"]] == ["Santos, Maria"]
    assert {r["email"] for r in found["records"]} == {MARIA} and len(found["records"]) >= 3
    assert [c["scope"] for c in found["certificates"]] == ["track"] and found["certificates"][0]["salt"]
    # Everything in the store that mentions her is in the export: compare with a scan of every table.
    dump = _dump(store_url)
    mentioned = {table: [r for r in rows if _mentions(r, MARIA)] for table, rows in dump.items()}
    assert len(found["records"]) == len(mentioned["records"])
    assert len(found["quarantine"]) == len(mentioned["quarantine"])
    assert len(found["learners"]) == len(mentioned["learners"]) == 1
    same = invoke(["records", "export", "--learner", "MARIA@testville.example.gov"], cwd=proj)
    assert json.loads(same.stdout)["records"] == found["records"]


def test_forget_removes_exactly_that_person(invoke, proj: Path, store_url: str) -> None:  # noqa: F811
    before = _dump(store_url)
    assert any(_mentions(r, MARIA) for r in before["records"])
    result = invoke(["records", "forget", MARIA], cwd=proj)
    assert result.exit_code == 0 and result.output.startswith("erased "), result.output
    after = _dump(store_url)
    for table, rows in before.items():
        if table == "audit":
            continue
        kept = [r for r in rows if not _mentions(r, MARIA)]
        if table == "voids":  # voids are keyed by statement id: hers are the ones whose target was her record
            assert set(after[table]) <= set(rows)
            continue
        if table == "credential_holders":
            kept = [r for r in rows if r[1] != MARIA]
        assert after[table] == kept, table
    assert not any(_mentions(r, MARIA) for rows in after.values() for r in rows)
    assert after["credentials"] == before["credentials"]  # the revocation facts stay, without her
    [entry] = after["audit"]
    assert entry[0] == "forget" and "@" not in entry[1] and "records" in entry[1]
    again = invoke(["records", "forget", MARIA], cwd=proj)
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert _dump(store_url) == after  # a second run is a no-op
    progress = invoke(["progress", "--city", "testville", "--format", "json"], cwd=proj)
    assert MARIA not in progress.stdout and "lan@testville.example.gov" in progress.stdout


def test_prune_deletes_old_records_only(invoke, proj: Path, store_url: str) -> None:  # noqa: F811
    before = _dump(store_url)
    dated = sorted(r for r in before["records"] if r[7])  # column 7: timestamp (dump drops id and source)
    cut = dated[len(dated) // 2][7][:10]
    result = invoke(["records", "prune", "--before", cut], cwd=proj)
    assert result.exit_code == 0, result.output
    after = _dump(store_url)
    assert after["records"] == [r for r in before["records"] if not (r[7] and r[7] < cut)]
    assert after["learners"] == before["learners"]
    bad = invoke(["records", "prune", "--before", "last year"], cwd=proj)
    assert bad.exit_code == 2 and "not an ISO date" in bad.output
