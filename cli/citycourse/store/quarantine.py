"""Rows that could not be matched: listed with the reason, retried after `records map`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select, update

from citycourse.store.db import Store
from citycourse.store.importer import Importer, insert_new
from citycourse.store.schema import BATCH, quarantine, records


def list_quarantine(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        query = select(quarantine).order_by(quarantine.c.source, quarantine.c.line, quarantine.c.key)
        if limit:
            query = query.limit(limit)
        out = []
        for r in conn.execute(query):
            payload = json.loads(r.payload)
            out.append({
                "file": r.source, "line": r.line, "format": r.format, "reason": r.reason,
                "learner": payload.get("email") or payload.get("name") or payload.get("learner_id"),
                "module": next((x for x in payload.get("refs", []) if x), ""),
            })
        return out


def retry_quarantine(store: Store, module_titles: dict[str, str]) -> tuple[int, int]:
    """Match quarantined rows again (after `records map`); (released, still quarantined)."""
    with store.engine.begin() as conn:
        importer = Importer(conn, module_titles, None)
        rows = list(conn.execute(select(quarantine)))
        keep: list[tuple[int, str]] = []
        batch: dict[str, tuple[Any, ...]] = {}
        done: list[int] = []
        for r in rows:
            item = json.loads(r.payload)
            row, reason = importer.match(item, r.source, r.format, r.city)
            if row is None and reason:
                keep.append((r.id, reason))
                continue
            done.append(r.id)
            if row is not None:
                batch[row[0]] = row
        insert_new(conn, records.c.key, batch)
        released = len(batch)
        for i in range(0, len(done), BATCH):
            conn.execute(delete(quarantine).where(quarantine.c.id.in_(done[i : i + BATCH])))
        for row_id, reason in keep:
            conn.execute(update(quarantine).where(quarantine.c.id == row_id).values(reason=reason))
        importer.apply_voids()
    return released, len(keep)
