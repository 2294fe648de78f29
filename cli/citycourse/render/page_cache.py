"""Rendered module pages kept between builds, so an unchanged module is not rendered again.

Like the parse cache does for YAML, each entry is keyed by a fingerprint of
its inputs: a module's page (and its handouts) by

* the code that renders (the `render` package, its templates and UI strings,
  and the modules pages draw on), with the jinja2 and babel versions;
* the site's context: language, learner or facilitator view, city profile,
  curriculum, every track's modules in order with their sessions and dates,
  and the references, places and glossary terms (`SiteFacts`);
* the module itself and the modules its page names (its prerequisites and
  its neighbours in each track).

So editing one module's text re-renders that page and its neighbours';
anything that moves the schedule or the plan re-renders every page. The
calendar (.ics) is keyed by the site's context alone.

Stored as JSON in `<project>/.citycourse/cache/pages/<site>.json`, never
pickle. Unlike parsed YAML, a rendered page cannot be checked again cheaply,
and a project folder may come from anyone, so each file is signed (HMAC-SHA256)
with a key kept in the user's cache folder; a file that fails the check is
ignored and rebuilt. When that key cannot be kept (read-only home), nothing is
cached. Light to import: nothing heavy at module level.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citycourse.references import SiteFacts
    from citycourse.schedule import Session
    from citycourse.tailor import Plan

PAGE_CACHE_DIR = Path(".citycourse") / "cache" / "pages"
_FORMAT = b"citycourse-pages 1\n"


def user_cache_dir() -> Path:
    """Where per-user cache state lives: $XDG_CACHE_HOME/citycourse or ~/.cache/citycourse."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citycourse"


def signing_key() -> bytes | None:
    """This user's secret for signing cache files (created on first use, mode 0600); None if it cannot be kept."""
    path = user_cache_dir() / "page-cache.key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:  # another build created it meanwhile
        try:
            return path.read_bytes() or None
        except OSError:
            return None
    except OSError:
        return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The code and data that turn a plan into Markdown; any change invalidates every cached page."""
    from importlib.metadata import version

    import citycourse
    from citycourse import models, references, schedule, tailor, translations

    render = Path(__file__).parent
    digest = hashlib.sha256(f"{citycourse.__version__} jinja2 {version('jinja2')} babel {version('babel')}".encode())
    files = sorted(p for p in render.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".yaml", ".yml"))
    files += [Path(m.__file__ or "") for m in (models, references, schedule, tailor, translations)]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def site_context(plan: Plan, *, facilitator: bool, facts: SiteFacts, sessions: dict[str, list[Session]]) -> str:
    """A fingerprint of everything a module page may show that is not a module: see the module docstring."""
    roles = [
        (r.role, r.headcount, r.budget, r.min_electives, [(p.id, p.category, p.reason) for p in r.modules])
        for r in plan.roles
    ]
    return _hash(
        code_fingerprint(),
        plan.city.language,
        str(facilitator),
        plan.city.model_dump_json(),
        plan.curriculum.model_dump_json(),
        repr(roles),
        repr(sorted(plan.dropped_roles.items())),
        repr(sessions),
        repr(facts),
    )


def module_keys(plan: Plan, context: str) -> dict[str, str]:
    """Module id → the key of its pages: the site context, the module and the modules its page names."""
    every = {**getattr(plan, "considered", {}), **plan.modules}  # a dropped prerequisite is named by its title
    digests: dict[str, str] = {}

    def digest(module_id: str) -> str:
        if module_id not in digests:
            module = every.get(module_id)
            digests[module_id] = _hash(module.model_dump_json()) if module is not None else "absent"
        return digests[module_id]

    neighbours: dict[str, set[str]] = {}
    for role_plan in plan.roles:
        ids = role_plan.module_ids
        for i, module_id in enumerate(ids):
            near = neighbours.setdefault(module_id, set())
            near.update(ids[max(i - 1, 0):i] + ids[i + 1:i + 2])
    keys = {}
    for module_id in plan.module_ids:
        module = plan.modules[module_id]
        related = sorted(neighbours.get(module_id, set()) | set(module.prerequisites))
        keys[module_id] = _hash(context, module_id, digest(module_id), *(f"{r}={digest(r)}" for r in related))
    return keys


class PageCache:
    """One site's cached pages: key → {docs path: bytes}. Entries not used by a build are dropped when saved."""

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.key = key if key is not None else signing_key()
        self.entries: dict[str, dict[str, str]] = {}
        self.used: set[str] = set()
        self.dirty = False
        if self.key is None:
            return
        try:
            data = path.read_bytes()
        except OSError:
            return
        if not data.startswith(_FORMAT):
            return
        mac, _, body = data[len(_FORMAT):].partition(b"\n")
        if hmac.compare_digest(mac, self._sign(body).encode()):
            try:
                entries = json.loads(body)
            except ValueError:
                return
            if isinstance(entries, dict):
                self.entries = entries

    def _sign(self, body: bytes) -> str:
        assert self.key is not None
        return hmac.new(self.key, body, hashlib.sha256).hexdigest()

    @property
    def enabled(self) -> bool:
        return self.key is not None

    def get(self, key: str) -> dict[str, bytes] | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.used.add(key)
        return {path: text.encode("utf-8") for path, text in entry.items()}

    def put(self, key: str, files: dict[str, bytes]) -> None:
        if not self.enabled:
            return
        self.entries[key] = {path: data.decode("utf-8") for path, data in files.items()}
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Write the cache (only the entries this build used), atomically; failures are harmless."""
        from citycourse.fsutil import atomic_write_bytes

        if not self.enabled or (not self.dirty and set(self.entries) == self.used):
            return
        body = json.dumps({k: v for k, v in self.entries.items() if k in self.used}, ensure_ascii=False).encode()
        try:
            atomic_write_bytes(self.path, _FORMAT + self._sign(body).encode() + b"\n" + body)
        except OSError:
            pass


class SitePages:
    """The cache bound to one site's plan: look pages up by module id (or the calendar), store them after rendering."""

    def __init__(self, cache: PageCache, plan: Plan, *, facilitator: bool, facts: SiteFacts,
                 sessions: dict[str, list[Session]]) -> None:
        self.cache = cache
        self.context = site_context(plan, facilitator=facilitator, facts=facts, sessions=sessions)
        self.keys = module_keys(plan, self.context)

    def get(self, module_id: str) -> dict[str, bytes] | None:
        return self.cache.get(self.keys[module_id])

    def put(self, module_id: str, files: dict[str, bytes]) -> None:
        self.cache.put(self.keys[module_id], files)

    def calendar(self, path: str, make: Any) -> bytes:
        """The .ics file at `path`, from the cache when the site's context is unchanged, else `make()`."""
        key = _hash(self.context, "calendar", path)
        hit = self.cache.get(key)
        if hit is not None and path in hit:
            return hit[path]
        data: bytes = make()
        self.cache.put(key, {path: data})
        return data

