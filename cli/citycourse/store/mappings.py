"""Trainer-made mappings from an export's title or IRI to a module (or to "ignore")."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from citycourse.records import normalise_text
from citycourse.store.db import Store
from citycourse.store.schema import mappings


def add_mapping(store: Store, label: str, module_id: str) -> None:
    ref = normalise_text(label)
    with store.engine.begin() as conn:
        conn.execute(delete(mappings).where(mappings.c.ref == ref))
        conn.execute(insert(mappings).values(ref=ref, label=label, module_id=module_id))


def remove_mapping(store: Store, label: str) -> bool:
    with store.engine.begin() as conn:
        return (conn.execute(delete(mappings).where(mappings.c.ref == normalise_text(label))).rowcount or 0) > 0


def list_mappings(store: Store) -> list[dict[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(mappings.c.label, mappings.c.module_id).order_by(mappings.c.ref))
        return [{"title": r.label, "module": r.module_id} for r in rows]
