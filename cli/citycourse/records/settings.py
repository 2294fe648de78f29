"""How to read a trainer's exports: options from the command line, the project and the city.

Precedence for an ambiguous date column (see `records._common.DateColumns`):
the file's own values, then `--date-order`, then `records.date_order` in the
project's `citycourse.yaml`, then the city's locale, then day first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SETTINGS_FILE = "citycourse.yaml"


def project_settings(root: Path) -> Any:
    """The project's `citycourse.yaml` as a `ProjectSettings` (defaults when absent); InputError when invalid."""
    from pydantic import ValidationError

    from citycourse.errors import InputError
    from citycourse.loading import _display, _pydantic_problems, read_yaml
    from citycourse.models import ProjectSettings

    path = root / SETTINGS_FILE
    if not path.is_file():
        return ProjectSettings()
    data, text, problems = read_yaml(path)
    if problems:
        raise InputError(problems)
    try:
        return ProjectSettings.model_validate(data or {})
    except ValidationError as exc:
        raise InputError(_pydantic_problems(_display(path), text, data, exc)) from None


def reading_options(root: Path, city: Any | None, *, date_order: str | None = None, sheet: str | None = None,
                    max_score: float | None = None) -> dict[str, Any]:
    """The `options` for `store.import_files`: what the readers need to know beyond the file."""
    settings = project_settings(root).records
    options: dict[str, Any] = {
        "date_order": date_order,
        "project_date_order": settings.date_order,
        "moodle_states": dict(settings.moodle_states),
        "sheet": sheet,
        "max_score": max_score,
    }
    if city is not None:
        options["locale"] = f"{city.language.replace('-', '_')}_{city.country}"
    return options
