"""A learner's rights over the record store: see everything held about them, have it erased.

Rows about a person, table by table (the same on SQLite and PostgreSQL):
`learners` and `records` by email; `voids` whose target is one of their
records; `quarantine` rows whose payload names their email (unmatched rows
keep the raw export row); `credential_holders` (the link from an issued
credential to them, with the identity-hash salt). `credentials` keeps only
what the revocation list needs (id, code, bit, dates, reason) and no person,
so a revoked certificate stays revoked after its holder is forgotten.

`forget_person` deletes all of that in one transaction and adds an `audit`
row that says how many rows went from which table, never whose. A second run
finds nothing and changes nothing (no audit row either).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select

from citycourse.store.schema import audit, credential_holders, credentials, learners, now, quarantine, records, voids

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from citycourse.store import Store


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _quarantine_ids(conn: Connection, email: str) -> list[int]:
    """Quarantined rows whose payload carries this email in any field (scanned: the payload is JSON text)."""
    ids = []
    like = f"%{email}%"
    for row in conn.execute(select(quarantine.c.id, quarantine.c.payload).where(quarantine.c.payload.ilike(like))):
        try:
            values = json.loads(row.payload).values()
        except (ValueError, AttributeError):
            continue
        if any(isinstance(v, str) and normalise_email(v) == email for v in values):
            ids.append(row.id)
    return ids


def _row(r: Any) -> dict[str, Any]:
    return dict(r._mapping)


def export_person(store: Store, email: str) -> dict[str, Any]:
    """Every row the store holds about `email`, by table (JSON-ready)."""
    email = normalise_email(email)
    with store.engine.connect() as conn:
        own_records = [_row(r) for r in conn.execute(select(records).where(records.c.email == email)
                                                     .order_by(records.c.timestamp, records.c.key))]
        keys = [r["key"] for r in own_records]
        own_voids = [_row(r) for r in conn.execute(select(voids).where(voids.c.target.in_(keys)))] if keys else []
        quarantined = []
        for qid in _quarantine_ids(conn, email):
            row = _row(conn.execute(select(quarantine).where(quarantine.c.id == qid)).one())
            row["payload"] = json.loads(row["payload"])
            quarantined.append(row)
        issued = [
            {**_row(r)} for r in conn.execute(
                select(credentials, credential_holders.c.salt)
                .join(credential_holders, credential_holders.c.credential_id == credentials.c.id)
                .where(credential_holders.c.email == email).order_by(credentials.c.issued_at))
        ]
        return {
            "email": email,
            "learners": [_row(r) for r in conn.execute(select(learners).where(learners.c.email == email))],
            "records": own_records,
            "voids": own_voids,
            "quarantine": quarantined,
            "certificates": issued,
        }


def forget_person(store: Store, email: str) -> dict[str, int]:
    """Erase `email` from every table in one transaction; rows deleted per table (all 0: nothing held)."""
    email = normalise_email(email)
    with store.engine.begin() as conn:
        keys = select(records.c.key).where(records.c.email == email)
        counts = {
            "voids": conn.execute(delete(voids).where(voids.c.target.in_(keys))).rowcount,
            "records": conn.execute(delete(records).where(records.c.email == email)).rowcount,
            "learners": conn.execute(delete(learners).where(learners.c.email == email)).rowcount,
            "credential_holders": conn.execute(
                delete(credential_holders).where(credential_holders.c.email == email)).rowcount,
        }
        ids = _quarantine_ids(conn, email)
        counts["quarantine"] = conn.execute(delete(quarantine).where(quarantine.c.id.in_(ids))).rowcount if ids else 0
        if any(counts.values()):
            detail = ", ".join(f"{table} {n}" for table, n in counts.items() if n)
            conn.execute(insert(audit).values(at=now(), action="forget", detail=f"one person erased: {detail}"))
    return counts


def prune(store: Store, before: str) -> dict[str, int]:
    """Retention: delete records dated before `before` (ISO date) and the voids that pointed at them."""
    with store.engine.begin() as conn:
        old = select(records.c.key).where(records.c.timestamp < before)
        counts = {
            "voids": conn.execute(delete(voids).where(voids.c.target.in_(old))).rowcount,
            "records": conn.execute(delete(records).where(records.c.timestamp < before)).rowcount,
        }
        if any(counts.values()):
            conn.execute(insert(audit).values(at=now(), action="prune",
                                              detail=f"before {before}: records {counts['records']}, voids {counts['voids']}"))
    return counts


def audit_log(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(select(audit).order_by(audit.c.id))]
