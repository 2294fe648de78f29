"""A reader's path through the site: each role's track in order, with the date each module starts.

A module can sit in several tracks (a foundation module is often in all of
them). It keeps one page, and that page shows one path per track it is in
(position, previous, next, session date, back to the track), rather than one
copy of the page per track: a single URL per module keeps search results,
glossary links, records and bookmarks unambiguous and the build linear in the
number of modules; the reader follows the line for their own role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from citycourse.schedule import Session
from citycourse.tailor import Plan


@dataclass(frozen=True)
class Stop:
    """One module in one role's track."""

    role: str
    number: int  # 1-based position in the track
    total: int
    module_id: str
    date: dt.date | None  # the session where the module starts
    session: int | None
    previous: str | None  # module ids
    next: str | None


def track_stops(plan: Plan, sessions: dict[str, list[Session]]) -> dict[str, list[Stop]]:
    """Every role's track as stops in plan order, dated by the role's schedule."""
    out: dict[str, list[Stop]] = {}
    for role_plan in plan.roles:
        starts: dict[str, Session] = {}
        for session in sessions.get(role_plan.role, []):
            for module_id in session.module_ids:
                starts.setdefault(module_id, session)
        ids = role_plan.module_ids
        out[role_plan.role] = [
            Stop(role_plan.role, i + 1, len(ids), module_id,
                 starts[module_id].date if module_id in starts else None,
                 starts[module_id].number if module_id in starts else None,
                 ids[i - 1] if i else None, ids[i + 1] if i + 1 < len(ids) else None)
            for i, module_id in enumerate(ids)
        ]
    return out


def stops_by_module(tracks: dict[str, list[Stop]]) -> dict[str, list[Stop]]:
    """For each module, its stop in every track that has it (tracks in plan order)."""
    out: dict[str, list[Stop]] = {}
    for stops in tracks.values():
        for stop in stops:
            out.setdefault(stop.module_id, []).append(stop)
    return out
