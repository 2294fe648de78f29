"""JSON Schema for the three file kinds, generated from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citycourse.fsutil import atomic_write_text
from citycourse.models import KIND_MODELS

SCHEMA_FILES = {kind: f"{kind}.schema.json" for kind in KIND_MODELS}


def json_schemas() -> dict[str, dict[str, Any]]:
    """kind → JSON Schema (draft 2020-12), titled so editors show something useful."""
    out = {}
    for kind, model in KIND_MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"citycourse {kind}"
        out[kind] = schema
    return out


def write_schemas(directory: Path) -> list[Path]:
    paths = []
    for kind, schema in json_schemas().items():
        path = directory / SCHEMA_FILES[kind]
        atomic_write_text(path, json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        paths.append(path)
    return paths
