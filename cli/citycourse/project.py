"""Where a trainer's files live. Light on purpose: no YAML or pydantic imports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from citycourse.errors import UsageError


@dataclass(frozen=True)
class Project:
    """Where a trainer's files live: `modules/`, `curricula/`, `curricula/cities/`, optional `references/`."""

    root: Path

    @property
    def modules_dir(self) -> Path:
        return self.root / "modules"

    @property
    def curricula_dir(self) -> Path:
        return self.root / "curricula"

    @property
    def cities_dir(self) -> Path:
        return self.root / "curricula" / "cities"

    @property
    def references_dir(self) -> Path:
        """Facts kept in one place: `sources/` (laws, standards, ...) and `places/` (fictional places)."""
        return self.root / "references"

    @property
    def sources_dir(self) -> Path:
        return self.root / "references" / "sources"

    @property
    def places_dir(self) -> Path:
        return self.root / "references" / "places"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest directory at or above `start` that has `modules/` or `curricula/`."""
        here = (start or Path.cwd()).resolve()
        for candidate in [here, *here.parents]:
            if (candidate / "modules").is_dir() or (candidate / "curricula").is_dir():
                return cls(candidate)
        raise UsageError(
            f"no citycourse project found at or above {here}",
            hint="run inside a project (a folder with modules/ and curricula/), or create one with `citycourse init DIR`",
        )

    def yaml_files(self, directory: Path) -> list[Path]:
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
