"""`citycourse schema`: the JSON Schema validates every shipped file, and schemas/ is current."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from citycourse.loading import kind_of
from citycourse.schemas import SCHEMA_FILES, json_schemas

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted([
    *(REPO / "modules").glob("*.yaml"), *(REPO / "curricula").rglob("*.yaml"), *(REPO / "references").rglob("*.yaml"),
])


def as_json_types(value):
    """YAML gives dates/times; editors (and JSON Schema) see them as strings."""
    if isinstance(value, dict):
        return {str(k): as_json_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json_types(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_files_validate_against_schema(path):
    schemas = json_schemas()
    data = as_json_types(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.validate(data, schemas[kind_of(path, data)])
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# yaml-language-server: $schema=") and first_line.endswith(SCHEMA_FILES[kind_of(path, data)])


def test_schema_rejects_what_the_models_reject():
    module_schema = json_schemas()["module"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "../x"}, module_schema)


def test_committed_schemas_are_current(invoke, tmp_path):
    result = invoke(["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    for name in SCHEMA_FILES.values():
        assert (tmp_path / name).read_text() == (REPO / "schemas" / name).read_text(), f"run `citycourse schema --out schemas` ({name})"


def test_schema_to_stdout_is_json(invoke):
    result = invoke(["schema"])
    assert set(json.loads(result.output)) == {"module", "curriculum", "city", "reference", "place"}
