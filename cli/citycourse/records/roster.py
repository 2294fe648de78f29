"""A roster: who is who. Columns `Email` (required), `Name`, `Role`, `City`, `Staff ID`.

`Staff ID` (also `Username`, `LMS account`, `Learner ID`) is how other systems
name the person: Moodle's username, or the `account.name` of xAPI statements
from an LMS that does not send email addresses.

Roles are the curriculum roles (`planner`, `it-officer`, ...; `IT officer` is
accepted). A row without a city takes the import's `--city`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citycourse.models import ROLES
from citycourse.records import RowError, normalise_email
from citycourse.records._common import EMAIL_HEADERS, cell, require
from citycourse.records.tables import open_table


def slug(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def read(path: Path, context: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    default_city = (context or {}).get("city")
    with open_table(path, context) as f:
        email_col = require(f, "Email", *EMAIL_HEADERS)
        role_col = require(f, "Role", "role", "position", "job role")
        name_col = f.column("name", "full name")
        city_col = f.column("city", "city id")
        id_col = f.column("staff id", "id", "learner id", "employee id", "username", "lms account", "lms username",
                          "account", "account name")
        for line, cells in f.rows():
            raw = cell(cells, email_col)
            email = normalise_email(raw)
            if email is None:
                raise RowError(line, f"not an email address: {raw!r}")
            role = slug(cell(cells, role_col))
            if role and role not in ROLES:
                raise RowError(line, f"unknown role {cell(cells, role_col)!r}", hint=f"roles: {', '.join(ROLES)}")
            yield {
                "kind": "roster", "line": line, "email": email, "name": cell(cells, name_col),
                "learner_id": cell(cells, id_col) or None, "role": role or None,
                "city": slug(cell(cells, city_col)) or default_city,
            }
