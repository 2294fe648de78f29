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
    """A module in the deep schema: facilitator scripts, self-study, a worked example, refs and terms."""
    prereqs = rng.sample(ids[max(0, i - 50):i], k=min(i, rng.randint(0, 2))) if i else []
    term = f"term-{i:05d}"
    body = PARAGRAPH * 3 + f"\nSee {{ref:asean-framework}} and the [key idea](glossary:{term}).\n"
    script = {"talking_points": ["Start from a resident's problem.", "Show the numbers."],
              "question": "Which decision in your department would change?", "timing": "20 min talk, 10 min question"}
    return {
        "id": f"m{i:05d}", "title": f"Module {i}", "version": "1.0.0", "summary": "A generated module.",
        "focus_areas": rng.sample(FOCUS_AREAS, 2), "themes": [rng.choice(THEMES)],
        "roles": rng.sample(ROLES, 3), "level": LEVELS[min(2, i * 3 // max(len(ids), 1))] if ids else "foundation",
        "hours": 2, "min_maturity": rng.randint(1, 3), "prerequisites": prereqs,
        "objectives": [{"verb": "identify", "text": "three decisions data could improve"},
                       {"verb": "draft", "text": "a one-page brief for one decision"}],
        "lessons": [{"title": f"Lesson {n}", "minutes": 30, "body": body,
                     "facilitator": {**script, "talking_points": list(script["talking_points"])}} for n in range(3)],
        "activities": [{"title": "Group work", "minutes": 20, "kind": "group", "instructions": "Work in groups.",
                        "self_study": "Work alone: write the brief for your own department.", "handouts": ["brief"]}],
        "assessment": {"kind": "quiz", "minutes": 10, "pass_mark": 0.7,
                       "questions": [{"prompt": "Why?", "answer": "Because.", "objectives": [1]},
                                     {"prompt": "Which?", "choices": ["A brief", "A report"],
                                      "answer": "A brief", "objectives": [2]}]},
        "worked_example": {"title": "A brief in Kota Contoh", "place": "kota-contoh", "body": PARAGRAPH * 6},
        "handouts": [{"id": "brief", "title": "One-page brief template", "body": PARAGRAPH}],
        "glossary": [{"id": term, "term": f"Key idea {i}", "definition": "A generated term."}],
        "facilitator_notes": "Timing as planned.",
        "resources": [{"title": "ASEAN Smart Cities Framework", "url": "https://asean.org/",
                       "publisher": "ASEAN Secretariat", "year": 2018}],
    }


REFERENCE = {"id": "asean-framework", "kind": "publication", "title": "ASEAN Smart Cities Framework",
             "cite_as": "ASEAN Smart Cities Framework (2018)", "year": 2018, "publisher": "ASEAN Secretariat",
             "url": "https://asean.org/", "last_checked": "2026-11-25"}
PLACE = {"id": "kota-contoh", "name": "Kota Contoh", "country": "ID", "population": 150000}


def write_library(directory: Path, n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    (directory / "modules").mkdir(parents=True, exist_ok=True)
    (directory / "curricula" / "cities").mkdir(parents=True, exist_ok=True)
    ids = [f"m{i:05d}" for i in range(n)]
    for folder, item in (("sources", REFERENCE), ("places", PLACE)):
        (directory / "references" / folder).mkdir(parents=True, exist_ok=True)
        (directory / "references" / folder / f"{item['id']}.yaml").write_text(yaml.safe_dump(item), encoding="utf-8")
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
