"""Has a city's site already been built from exactly these inputs? Answered cheaply.

Imports nothing heavy (no YAML, pydantic, jinja2, MkDocs or SQLAlchemy), so a
no-change `citycourse build` costs little more than starting Python.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

INPUTS_FILE = ".citycourse-inputs"


def site_name(city_id: str, facilitator: bool) -> str:
    """The site's folder under the output folder: <city> or <city>-facilitator."""
    return city_id + ("-facilitator" if facilitator else "")


def code_state() -> str:
    """Size and modification time of every file of the installed package (code, templates, assets, strings).

    A stat per file (about 200, a millisecond or two), so a site built by older code is rebuilt after an
    upgrade or an edit of a template in a development install, not only when the version number changes.
    """
    import citycourse

    root = Path(citycourse.__file__).parent
    parts = []
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        st = path.stat()
        parts.append(f"{path.relative_to(root).as_posix()}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def inputs_key(project_root: Path, city_id: str, options: dict[str, Any], store_url: str | None) -> str | None:
    """A fingerprint of every input of one city's build, computed without parsing anything.

    It hashes the bytes of the project's YAML files and base config, the
    options and the record store's file state. When it matches the key saved
    in the built site, the build is skipped before any YAML is loaded, which
    makes a no-change rebuild cost little more than starting Python. None when
    the inputs cannot be fingerprinted cheaply (a PostgreSQL store).
    """
    from citycourse import __version__
    from citycourse.store_location import default_url, normalise_url

    digest = hashlib.sha256(f"citycourse {__version__}".encode())
    digest.update(code_state().encode())
    digest.update(json.dumps({"city": city_id, **options}, sort_keys=True, default=str).encode())
    url = store_url or default_url(project_root)
    if url:
        full = normalise_url(url)
        if not full.startswith("sqlite:///"):
            return None
        db = Path(full.removeprefix("sqlite:///"))
        for path in (db, db.with_name(db.name + "-wal")):
            try:
                st = path.stat()
                digest.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
            except OSError:
                digest.update(f"{path.name}:absent".encode())
    files = [project_root / "mkdocs.yml"]
    files += sorted((project_root / "modules").rglob("*.y*ml"))
    files += sorted((project_root / "references").rglob("*.y*ml"))
    files += sorted((project_root / "competencies").rglob("*.y*ml"))  # the Competencies page
    files += sorted((project_root / "needs").rglob("*.y*ml"))  # staff surveys weigh electives
    files += sorted(p for p in (project_root / "curricula").rglob("*") if p.is_file())  # logos live here too
    for path in files:
        digest.update(str(path.relative_to(project_root)).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"absent")
    return digest.hexdigest()


def site_keys(
    project_root: Path, curriculum: str, city: str | None, options: dict[str, Any], store_url: str | None
) -> dict[str, str] | None:
    """`inputs_key` of each city a build names (`city` None: every city in the project).

    None when a build cannot be judged before loading: the curriculum or city is
    a path outside the project, or an input cannot be fingerprinted cheaply.
    """
    cities_dir = project_root / "curricula" / "cities"
    if not (project_root / "curricula" / f"{curriculum}.yaml").is_file():
        return None
    if city is None:
        city_ids = sorted(p.stem for p in cities_dir.glob("*.yaml"))
    elif (cities_dir / f"{city}.yaml").is_file():
        city_ids = [city]
    else:
        return None
    options = {**options, "curriculum": curriculum}
    keys = {cid: inputs_key(project_root, cid, options, store_url) for cid in city_ids}
    return None if not keys or any(k is None for k in keys.values()) else keys  # type: ignore[return-value]


def up_to_date(target: Path, key: str | None, needs_zip: Path | None) -> bool:
    """True when the site in `target` was built from exactly these inputs."""
    if key is None or (needs_zip is not None and not needs_zip.exists()):
        return False
    try:
        return (target / INPUTS_FILE).read_text(encoding="utf-8").strip() == key
    except OSError:
        return False
