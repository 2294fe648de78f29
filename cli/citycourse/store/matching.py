"""Which learner and which module a record is about: roster ids, names, titles, IRIs, mappings.

A learner is found, in this order, by the record's email (readers normalise
it), its roster id (`learner_id`), its xAPI account name (`account_name`,
matched against the roster's learner id: the LMS user name or id column), its
xAPI `mbox_sha1sum` (matched against sha1("mailto:" + email) of every roster
email, as xAPI defines it), then its name when that is unique in the roster.
"""

from __future__ import annotations

import hashlib

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from citycourse.records import normalise_text
from citycourse.store.schema import learners, mappings


class Matcher:
    """Learner and module matching for one import (or one quarantine retry)."""

    def __init__(self, conn: Connection, module_titles: dict[str, str]) -> None:
        self.ids = set(module_titles)
        self.titles = {normalise_text(t): i for i, t in module_titles.items()}
        self.maps = {r.ref: r.module_id for r in conn.execute(select(mappings.c.ref, mappings.c.module_id))}
        self.by_id: dict[str, str] = {}
        self.by_sha1: dict[str, str] = {}
        self.by_name: dict[str, set[str]] = {}
        for row in conn.execute(select(learners.c.email, learners.c.learner_id, learners.c.name_norm)):
            self.add_learner(row.email, row.learner_id, row.name_norm)
        self.cache: dict[str, str | None] = {}

    def add_learner(self, email: str, learner_id: str | None, name_norm: str | None) -> None:
        self.by_sha1[mbox_sha1sum(email)] = email
        if learner_id:
            self.by_id[learner_id] = email
        if name_norm:
            self.by_name.setdefault(name_norm, set()).add(email)

    def _module_one(self, ref: str) -> str | None:
        norm = normalise_text(ref)
        if norm in self.maps:
            return self.maps[norm]
        if ref in self.ids:
            return ref
        if "://" in ref or ref.startswith(("urn:", "tag:")):
            tail = ref.split("#", 1)[0].split("?", 1)[0].rstrip("/")
            last = tail.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            for candidate in (last, last.rsplit(".", 1)[0]):
                if candidate in self.ids:
                    return candidate
        return self.titles.get(norm)

    def module(self, refs: list[str]) -> str | None:
        for ref in refs:
            if not ref:
                continue
            if ref in self.cache:
                found = self.cache[ref]
            else:
                found = self._module_one(ref)
                if len(self.cache) < 100_000:
                    self.cache[ref] = found
            if found is not None:
                return found
        return None

    def learner(self, item: dict[str, Any]) -> tuple[str | None, str]:
        """(email, reason when None); readers already normalised `email` when it is one."""
        if item.get("anonymous"):
            return None, ("anonymous response: the form did not record who answered (in Microsoft Forms, "
                          "set 'Record name' before the next cohort)")
        if item.get("unmatched_reason"):
            return None, item["unmatched_reason"]
        learner_id = item.get("learner_id")
        if learner_id and learner_id in self.by_id:
            return self.by_id[learner_id], ""
        account = item.get("account_name")
        if account:
            by_account = self.by_id.get(account)
            return (by_account, "") if by_account else (None, f"account {account!r} is not a learner id in the roster")
        sha1 = item.get("mbox_sha1sum")
        if sha1:
            by_hash = self.by_sha1.get(sha1.lower())
            if by_hash:
                return by_hash, ""
            return None, f"mbox_sha1sum {sha1} matches no email in the roster (sha1 of \"mailto:\" + email)"
        name = normalise_text(item.get("name") or "")
        if name and not item.get("email_raw"):
            found = self.by_name.get(name, set())
            if len(found) == 1:
                return next(iter(found)), ""
            if len(found) > 1:
                return None, f"name {item.get('name')!r} matches {len(found)} people in the roster; give an email"
            return None, f"no email, and name {item.get('name')!r} is not in the roster"
        if item.get("email_raw"):
            return None, f"not an email address: {item.get('email_raw')!r}"
        if learner_id:
            return None, f"account {learner_id!r} is not a staff id in the roster and there is no email"
        return None, "the record names no learner (no email, account or name)"


def mbox_sha1sum(email: str) -> str:
    """xAPI's mbox_sha1sum of a (normalised) email: sha1 of "mailto:" + email, 40 lowercase hex digits."""
    return hashlib.sha1(("mailto:" + email).encode("utf-8")).hexdigest()
