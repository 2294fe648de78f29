"""Dated sessions for each role's plan, and their iCalendar export.

Blocks (a lesson, an activity, an assessment) are placed in order into
sessions on the city's session days from its start date, skipping holidays.
A block never crosses a session boundary unless it is longer than a whole
session, in which case it is split into parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from citycourse.models import WEEKDAYS, CityProfile
from citycourse.tailor import Plan, RolePlan


@dataclass(frozen=True)
class Block:
    module_id: str
    module_title: str
    kind: str  # lesson | activity | assessment
    title: str
    minutes: int


@dataclass
class Session:
    number: int
    date: dt.date
    start: dt.time
    capacity: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(b.minutes for b in self.blocks)

    @property
    def module_ids(self) -> list[str]:
        return list(dict.fromkeys(b.module_id for b in self.blocks))

    def to_dict(self) -> dict[str, Any]:
        return {
            "session": self.number,
            "date": self.date.isoformat(),
            "start": self.start.strftime("%H:%M"),
            "minutes": self.minutes,
            "blocks": [
                {"module": b.module_id, "kind": b.kind, "title": b.title, "minutes": b.minutes} for b in self.blocks
            ],
        }


def blocks_for(role_plan: RolePlan) -> list[Block]:
    out: list[Block] = []
    for planned in role_plan.modules:
        m = planned.module
        out += [Block(m.id, m.title, "lesson", lesson.title, lesson.minutes) for lesson in m.lessons]
        out += [Block(m.id, m.title, "activity", a.title, a.minutes) for a in m.activities]
        if m.assessment.minutes:
            out.append(Block(m.id, m.title, "assessment", "Assessment", m.assessment.minutes))
    return out


def session_dates(city: CityProfile) -> Iterator[dt.date]:
    """Session days from the start date onward, holidays skipped."""
    days = {WEEKDAYS.index(d) for d in city.session_days}
    holidays = {h.date for h in city.holidays}
    day = city.start_date
    while True:
        if day.weekday() in days and day not in holidays:
            yield day
        day += dt.timedelta(days=1)


def schedule_role(role_plan: RolePlan, city: CityProfile) -> list[Session]:
    capacity = city.minutes_per_session
    dates = session_dates(city)
    sessions: list[Session] = []

    def new_session() -> Session:
        session = Session(len(sessions) + 1, next(dates), city.session_start, capacity)
        sessions.append(session)
        return session

    current: Session | None = None
    for block in blocks_for(role_plan):
        parts = [block]
        if block.minutes > capacity:  # longer than a whole session: split into parts
            count = -(-block.minutes // capacity)
            left = block.minutes
            parts = []
            for n in range(count):
                chunk = min(capacity, left)
                left -= chunk
                parts.append(Block(block.module_id, block.module_title, block.kind, f"{block.title} (part {n + 1}/{count})", chunk))
        for part in parts:
            if current is None or current.minutes + part.minutes > capacity:
                current = new_session()
            current.blocks.append(part)
    return sessions


def schedule(plan: Plan) -> dict[str, list[Session]]:
    """Role → its sessions."""
    return {r.role: schedule_role(r, plan.city) for r in plan.roles}


def to_ics(plan: Plan, sessions_by_role: dict[str, list[Session]] | None = None) -> bytes:
    """One VEVENT per session per role. Deterministic: UIDs and DTSTAMP derive from the inputs."""
    from icalendar import Calendar, Event

    sessions_by_role = sessions_by_role or schedule(plan)
    city, curriculum = plan.city, plan.curriculum
    calendar = Calendar()
    calendar.add("prodid", "-//citycourse//citycourse//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{curriculum.title} – {city.name}")
    stamp = dt.datetime.combine(city.start_date, dt.time(0, 0), tzinfo=dt.UTC)
    for role, sessions in sessions_by_role.items():
        for session in sessions:
            start = dt.datetime.combine(session.date, session.start)
            event = Event()
            event.add("uid", f"{curriculum.id}-{city.id}-{role}-{session.number}@citycourse")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=session.minutes))
            titles = ", ".join(dict.fromkeys(b.module_title for b in session.blocks))
            event.add("summary", f"{role} · session {session.number}: {titles}")
            event.add(
                "description",
                "\n".join(f"{b.module_title} – {b.title} ({b.minutes} min)" for b in session.blocks),
            )
            event.add("categories", [role])
            calendar.add_component(event)
    return calendar.to_ical()
