"""A per-file cache of validated YAML, so unchanged files are not parsed again.

Stored as JSON, never pickle (a project folder may come from anyone), in
`<project>/.citycourse/cache/library.json`. Each entry is keyed by the file's
SHA-256; the whole cache by a fingerprint of the code that validates files, so
a new citycourse version never trusts an old verdict. Cached data is validated
again by the models on the way back in (cheap: no YAML parsing). Anything
unreadable is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from citycourse.errors import Problem

CACHE_FILE = Path(".citycourse") / "cache" / "library.json"


def code_fingerprint() -> str:
    from citycourse import __version__, loading, models, references

    digest = hashlib.sha256(__version__.encode())
    for module in (models, loading, references):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


class ParseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint = code_fingerprint()
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("fingerprint") == self.fingerprint and isinstance(stored.get("files"), dict):
                self.entries = stored["files"]
        except (OSError, ValueError, AttributeError):
            pass

    def get(self, key: str, digest: str) -> dict[str, Any] | None:
        entry = self.entries.get(key)
        if entry is None or entry.get("sha256") != digest:
            return None
        self.used.add(key)
        return entry

    def put(self, key: str, digest: str, kind: str, data: dict[str, Any] | None, problems: list[Problem]) -> None:
        self.entries[key] = {
            "sha256": digest,
            "kind": kind,
            "data": data,
            "problems": [{k: v for k, v in asdict(p).items() if k != "file"} for p in problems],
        }
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the cache (dropping files no longer read), atomically; failures are harmless."""
        from citycourse.fsutil import atomic_write_text

        if not self.dirty and set(self.entries) == self.used:
            return
        files = {k: v for k, v in self.entries.items() if k in self.used}
        try:
            atomic_write_text(self.path, json.dumps({"fingerprint": self.fingerprint, "files": files}, ensure_ascii=False))
        except OSError:
            pass
