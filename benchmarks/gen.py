"""Deterministic synthetic module libraries for benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from citycourse.models import FOCUS_AREAS, LEVELS, ROLES, THEMES

PARAGRAPH = (
    "City staff use data every day. This lesson shows how a department can turn the records it "
    "already keeps into a short brief that changes a decision, with one worked example.\n\n"
    "- Ask whose problem it is.\n- Ask what changes.\n- Ask how we will measure it.\n"
)


def module_dict(i: int, rng: random.Random, ids: list[str]) -> dict:
    prereqs = rng.sample(ids[max(0, i - 50):i], k=min(i, rng.randint(0, 2))) if i else []
    return {
        "id": f"m{i:05d}", "title": f"Module {i}", "version": "1.0.0", "summary": "A generated module.",
        "focus_areas": rng.sample(FOCUS_AREAS, 2), "themes": [rng.choice(THEMES)],
        "roles": rng.sample(ROLES, 3), "level": LEVELS[min(2, i * 3 // max(len(ids), 1))] if ids else "foundation",
        "hours": 2, "min_maturity": rng.randint(1, 3), "prerequisites": prereqs,
        "objectives": [{"verb": "identify", "text": "three decisions data could improve"}],
        "lessons": [{"title": f"Lesson {n}", "minutes": 30, "body": PARAGRAPH * 3} for n in range(3)],
        "activities": [{"title": "Group work", "minutes": 20, "kind": "group", "instructions": "Work in groups."}],
        "assessment": {"kind": "quiz", "minutes": 10, "pass_mark": 0.7,
                       "questions": [{"prompt": "Why?", "answer": "Because."}]},
        "facilitator_notes": "Timing as planned.",
        "resources": [{"title": "ASEAN Smart Cities Framework", "url": "https://asean.org/",
                       "publisher": "ASEAN Secretariat", "year": 2018}],
    }


def write_library(directory: Path, n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    (directory / "modules").mkdir(parents=True, exist_ok=True)
    (directory / "curricula" / "cities").mkdir(parents=True, exist_ok=True)
    ids = [f"m{i:05d}" for i in range(n)]
    for i in range(n):
        text = yaml.safe_dump(module_dict(i, rng, ids), sort_keys=False, allow_unicode=True)
        (directory / "modules" / f"{ids[i]}.yaml").write_text(text, encoding="utf-8")
    return ids


def write_curriculum_and_cities(directory: Path, ids: list[str], cities: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    by_role: dict[str, list[str]] = {r: [] for r in ROLES}
    for module_id in ids:
        data = yaml.safe_load((directory / "modules" / f"{module_id}.yaml").read_text())
        for role in data["roles"]:
            by_role[role].append(module_id)
    tracks = {r: {"required": m[:2], "electives": m[2:]} for r, m in by_role.items() if m}
    curriculum = {"id": "bench", "title": "Bench", "description": "Generated.", "tracks": tracks}
    (directory / "curricula" / "bench.yaml").write_text(yaml.safe_dump(curriculum), encoding="utf-8")
    names = []
    for c in range(cities):
        city = {
            "id": f"city-{c:02d}", "name": f"City {c}", "country": "VN", "population": 150_000 + c * 40_000,
            "languages": ["en"], "digital_maturity": 1 + c % 4,
            "priorities": rng.sample(FOCUS_AREAS, 3), "roles": {r: 5 for r in rng.sample(ROLES, 5)},
            "hours_budget": 20 + 2 * c, "connectivity": ["reliable", "intermittent", "offline"][c % 3],
            "start_date": "2027-03-01", "sessions_per_week": 2, "minutes_per_session": 120,
        }
        (directory / "curricula" / "cities" / f"city-{c:02d}.yaml").write_text(yaml.safe_dump(city), encoding="utf-8")
        names.append(f"city-{c:02d}")
    return names
