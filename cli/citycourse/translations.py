"""Translatable text of modules and curricula as units a translator works on, and gettext PO files.

Why PO (not XLIFF 2.0): Poedit, Weblate, Crowdin, OmegaT and every CAT tool read it, volunteers know it,
`msgctxt` carries where a string lives, and babel (already a dependency) reads and writes it.

A *unit* is one translatable piece: a title, an objective, one paragraph of a lesson (Markdown kept
intact; paragraphs are separated by blank lines), a talking point, a question, a choice, a rubric
level, a glossary term... Its *path* names where it lives and is stable while the English keeps its
shape: `lessons[1].body#p3`, `handouts[inventory-template].title`, `glossary[dataset].definition`.
Its *fingerprint* is a short hash of the English source; a translation records the fingerprint of the
text it was made from, so a changed English paragraph makes exactly that unit stale.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from citycourse.errors import InputError, Problem
from citycourse.models import Curriculum, Module, TranslatedUnit, fingerprint

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from citycourse.loading import Library


@dataclass(frozen=True)
class Unit:
    path: str
    source: str
    note: str  # what the translator is looking at

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.source)

    @property
    def markdown(self) -> bool:
        """A paragraph of a Markdown field: its block structure must survive translation."""
        return "#p" in self.path


#: What a unit's stored translation is worth against today's English.
State = Literal["missing", "current", "stale", "accepted"]


def state_of(unit: Unit, stored: TranslatedUnit | None) -> State:
    if stored is None:
        return "missing"
    if stored.source == unit.fingerprint:
        return "current"
    return "accepted" if stored.accepted else "stale"


def paragraphs(text: str) -> list[str]:
    """Markdown blocks separated by blank lines (a list stays one block when its items are adjacent)."""
    blocks, current = [], []
    for line in text.strip("\n").split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _text(path: str, text: str, note: str) -> Iterator[Unit]:
    if text and text.strip():
        yield Unit(path, text.strip(), note)


def _markdown(path: str, text: str, note: str) -> Iterator[Unit]:
    for n, block in enumerate(paragraphs(text or ""), 1):
        yield Unit(f"{path}#p{n}", block, f"{note}, paragraph {n}")


def module_units(module: Module) -> list[Unit]:
    """Every translatable field of a module, in reading order."""
    out: list[Unit] = []
    add = out.extend
    add(_text("title", module.title, "Module title"))
    add(_text("summary", module.summary, "Module summary"))
    for i, objective in enumerate(module.objectives):
        add(_text(f"objectives[{i}]", f"{objective.verb} {objective.text}", f"Objective {i + 1} (verb and text)"))
    for i, lesson in enumerate(module.lessons):
        where = f"Lesson {i + 1}"
        add(_text(f"lessons[{i}].title", lesson.title, f"{where} title"))
        add(_markdown(f"lessons[{i}].body", lesson.body, f"{where} text"))
        if lesson.facilitator:
            for j, point in enumerate(lesson.facilitator.talking_points):
                add(_text(f"lessons[{i}].facilitator.talking_points[{j}]", point, f"{where}: facilitator talking point"))
            add(_text(f"lessons[{i}].facilitator.question", lesson.facilitator.question, f"{where}: question for the room"))
            add(_text(f"lessons[{i}].facilitator.timing", lesson.facilitator.timing, f"{where}: timing"))
    for i, activity in enumerate(module.activities):
        where = f"Activity {i + 1}"
        add(_text(f"activities[{i}].title", activity.title, f"{where} title"))
        add(_markdown(f"activities[{i}].instructions", activity.instructions, f"{where} instructions"))
        add(_markdown(f"activities[{i}].self_study", activity.self_study, f"{where}, self-study version"))
        add(_markdown(f"activities[{i}].facilitator_tips", activity.facilitator_tips, f"{where}: facilitator tips"))
    a = module.assessment
    add(_markdown("assessment.description", a.description, "Assessment description"))
    for i, q in enumerate(a.questions):
        add(_text(f"assessment.questions[{i}].prompt", q.prompt, f"Question {i + 1}"))
        for j, choice in enumerate(q.choices):
            add(_text(f"assessment.questions[{i}].choices[{j}]", choice, f"Question {i + 1}, choice {j + 1}"))
        add(_text(f"assessment.questions[{i}].answer", q.answer,
                  f"Question {i + 1}, model answer (a choice question's answer starts with the translated choice)"))
    for i, c in enumerate(a.rubric):
        for part in ("criterion", "meets", "partly", "not_yet"):
            add(_text(f"assessment.rubric[{i}].{part}", getattr(c, part), f"Rubric criterion {i + 1}: {part}"))
    if module.worked_example:
        add(_text("worked_example.title", module.worked_example.title, "Worked example title"))
        add(_markdown("worked_example.body", module.worked_example.body, "Worked example"))
    for h in module.handouts:
        add(_text(f"handouts[{h.id}].title", h.title, f"Handout {h.id}: title"))
        add(_markdown(f"handouts[{h.id}].body", h.body, f"Handout {h.id}"))
    for g in module.glossary:
        add(_text(f"glossary[{g.id}].term", g.term, f"Glossary term {g.id}"))
        add(_text(f"glossary[{g.id}].definition", g.definition, f"Glossary definition of {g.id}"))
    add(_markdown("facilitator_notes", module.facilitator_notes, "Facilitator notes"))
    return out


def curriculum_units(curriculum: Curriculum) -> list[Unit]:
    return [*_text("title", curriculum.title, "Curriculum title"),
            *_text("description", curriculum.description, "Curriculum description")]



# ----------------------------------------------------------------------------- owners


OwnerKind = Literal["module", "curriculum"]


@dataclass
class Owner:
    """A module or curriculum file whose text is translated."""

    kind: OwnerKind
    model: Module | Curriculum
    path: Path

    @property
    def context(self) -> str:
        return f"{self.kind}:{self.model.id}"

    @property
    def units(self) -> list[Unit]:
        if not hasattr(self, "_units"):
            self._units = module_units(self.model) if isinstance(self.model, Module) else curriculum_units(self.model)
        return self._units

    def unit(self, path: str) -> Unit | None:
        return next((u for u in self.units if u.path == path), None)

    def stored(self, lang: str) -> dict[str, TranslatedUnit]:
        return dict(self.model.translations.get(lang) or {})


def owners(library: Library, module_ids: Sequence[str] | None = None, *, curricula: bool = True) -> list[Owner]:
    """The named modules (default: all), then every curriculum when `curricula`; sorted by id."""
    from citycourse.errors import UsageError

    unknown = [m for m in module_ids or [] if m not in library.modules]
    if unknown:
        raise UsageError(f"unknown module {unknown[0]!r}", hint="see `citycourse modules list`")
    ids = list(dict.fromkeys(module_ids)) if module_ids else sorted(library.modules)
    out = [Owner("module", library.modules[m], library.sources[("module", m)]) for m in ids]
    if curricula:
        out += [Owner("curriculum", library.curricula[c], library.sources[("curriculum", c)]) for c in sorted(library.curricula)]
    return out


_STEP = re.compile(r"([a-z_]+)(?:\[([^\]]+)\])?")


def yaml_path(model: Module | Curriculum, path: str) -> list[str | int]:
    """`handouts[inventory].body#p2` → ["handouts", 3, "body"] (ids looked up), for locating a unit in its file."""
    steps: list[str | int] = []
    node: Any = model
    for part in path.split("#", 1)[0].split("."):
        m = _STEP.fullmatch(part)
        if not m:
            break
        name, index = m.groups()
        steps.append(name)
        node = getattr(node, name, None)
        if index is None:
            continue
        if index.isdigit():
            position = int(index)
        else:
            position = next((k for k, item in enumerate(node or []) if getattr(item, "id", None) == index), -1)
        if position < 0:
            break
        steps.append(position)
        node = node[position] if node is not None and position < len(node) else None
    return steps


def unit_line(text: str, owner: Owner, unit: Unit) -> int | None:
    from citycourse.loading import locate

    needle = unit.source.split("\n", 1)[0][:60] if unit.markdown else ""
    line, _ = locate(text, yaml_path(owner.model, unit.path), needle)
    return line


# ----------------------------------------------------------------------------- export

NOTE = "Keep Markdown, {ref:...} placeholders and (glossary:...) link targets unchanged."


def export_po(owners_: Sequence[Owner], lang: str, root: Path) -> bytes:
    """A PO catalogue for `lang`: one entry per unit, existing translations filled in, stale ones fuzzy."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale=None, project="citycourse", fuzzy=False)
    catalog.language_team = f"{lang} <citycourse>"
    for owner in owners_:
        text = owner.path.read_text(encoding="utf-8-sig")
        shown = _relative(owner.path, root)
        stored = owner.stored(lang)
        for unit in owner.units:
            existing = stored.get(unit.path)
            state = state_of(unit, existing)
            comments = [unit.note, f"source fingerprint {unit.fingerprint}", NOTE]
            if state == "stale":
                comments.append(f"The English changed since this translation was made (from {existing.source}); "  # type: ignore[union-attr]
                                "check it, then clear the fuzzy flag.")
            line = unit_line(text, owner, unit)
            catalog.add(unit.source, string=existing.text if existing else "", context=f"{owner.context}|{unit.path}",
                        locations=[(shown, line)] if line else [(shown, None)],
                        auto_comments=comments, flags=("fuzzy",) if state == "stale" else ())
    return _po_bytes(catalog, lang)


def _po_bytes(catalog: Catalog, lang: str) -> bytes:
    from babel.messages.pofile import write_po as babel_write_po

    buffer = io.BytesIO()
    babel_write_po(buffer, catalog, width=0, omit_header=False)
    data = buffer.getvalue().decode("utf-8")
    # babel writes the Language header only for locales it knows; every code here must be there for import.
    data = re.sub(r'^"Language-Team: ', f'"Language: {lang}\\\\n"\n"Language-Team: ', data, count=1, flags=re.M)
    return data.encode("utf-8")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_po(data: bytes) -> Any:
    from babel.messages.pofile import read_po as babel_read_po

    return babel_read_po(io.BytesIO(data), abort_invalid=True)


# ------------------------------------------------------------------------ checking


@dataclass(frozen=True)
class Shape:
    """What must not change between the English and its translation."""

    blocks: tuple[str, ...]
    strong: int
    emphasis: int
    code: int
    html: int
    links: tuple[str, ...]
    glossary: tuple[str, ...]
    urls: tuple[str, ...]
    refs: tuple[str, ...]


_REF = re.compile(r"\{ref:([^}\s]+)\}")
_URL = re.compile(r"(?:https?|mailto|ftp)://[^\s)>\]\"']+|www\.[^\s)>\]\"']+")


def shape(text: str) -> Shape:
    from markdown_it import MarkdownIt

    blocks: list[str] = []
    counts = {"strong_open": 0, "em_open": 0, "code_inline": 0, "html_inline": 0}
    links: list[str] = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in counts:
                    counts[child.type] += 1
                elif child.type in ("link_open", "image"):
                    links.append(str(child.attrs.get("href") or child.attrs.get("src") or ""))
        elif token.nesting >= 0:
            blocks.append(token.type + (token.tag if token.type == "heading_open" else ""))
            if token.type == "html_block":
                counts["html_inline"] += 1
    glossary = sorted(link for link in links if link.startswith("glossary:"))
    return Shape(tuple(blocks), counts["strong_open"], counts["em_open"], counts["code_inline"], counts["html_inline"],
                 tuple(sorted(link for link in links if not link.startswith("glossary:"))), tuple(glossary),
                 tuple(sorted(_URL.findall(text))), tuple(sorted(_REF.findall(text))))


def _describe_blocks(blocks: Sequence[str]) -> str:
    names = {"paragraph_open": "paragraph", "list_item_open": "list item", "blockquote_open": "quote",
             "fence": "code block", "code_block": "code block", "table_open": "table", "hr": "rule"}
    counts: dict[str, int] = {}
    for b in blocks:
        name = f"h{b[-1]} heading" if b.startswith("heading_open") else names.get(b)
        if name:
            counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items()) or "plain text"


def _diff(english: Sequence[str], translated: Sequence[str]) -> str:
    missing = [x for x in english if list(english).count(x) > list(translated).count(x)]
    extra = [x for x in translated if list(translated).count(x) > list(english).count(x)]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(dict.fromkeys(missing)))
    if extra:
        parts.append("not in the English: " + ", ".join(dict.fromkeys(extra)))
    return "; ".join(parts)


def check_translation(english: str, translated: str, *, markdown: bool) -> list[tuple[str, str]]:
    """(message, hint) for every way `translated` breaks what must stay as in `english`."""
    a, b = shape(english), shape(translated)
    out: list[tuple[str, str]] = []
    if a.refs != b.refs:
        out.append((f"{{ref:...}} placeholders differ from the English ({_diff(a.refs, b.refs)})",
                    "copy every {ref:ID} from the English unchanged; it becomes a link to the reference"))
    if a.glossary != b.glossary:
        out.append((f"(glossary:...) link targets differ from the English ({_diff(a.glossary, b.glossary)})",
                    "translate the link text in [text](glossary:ID) but keep (glossary:ID) as it is"))
    if a.links != b.links or a.urls != b.urls:
        detail = _diff(a.links, b.links) or _diff(a.urls, b.urls)
        out.append((f"links or URLs differ from the English ({detail})",
                    "keep every [text](URL) with the same URL and both brackets; translate only the text"))
    if markdown and a.blocks != b.blocks:
        out.append((f"Markdown structure differs: the English has {_describe_blocks(a.blocks)}, "
                    f"the translation {_describe_blocks(b.blocks)}",
                    "keep the same list items, headings and paragraphs (blank lines and '- ', '1. ', '#' markers)"))
    for name, x, y, marker in (("bold", a.strong, b.strong, "**"), ("emphasis", a.emphasis, b.emphasis, "*"),
                               ("code", a.code, b.code, "`"), ("raw HTML", a.html, b.html, "<")):
        if x != y:
            out.append((f"{name} spans differ: {x} in the English, {y} in the translation",
                        f"keep the {marker}…{marker if marker != '<' else '>'} markers around the translated words"))
    return out


# ------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    imported: int = 0  # entries whose translation was added or changed
    unchanged: int = 0
    empty: int = 0  # untranslated entries (ignored)
    fuzzy_skipped: int = 0
    warnings: list[Problem] = field(default_factory=list)


def import_po(library: Library, files: Sequence[Path], root: Path, *, accept_fuzzy: bool = False) -> ImportResult:
    """Check every entry of every file, then write all changed module/curriculum files or none."""
    from citycourse.errors import ProblemList

    by_context = {o.context: o for o in owners(library)}
    problems = ProblemList()
    result = ImportResult()
    changed: dict[str, dict[str, dict[str, TranslatedUnit]]] = {}  # owner context → lang → path → unit
    for po_path in files:
        shown = _relative(po_path, root)
        try:
            catalog = read_po(po_path.read_bytes())
        except OSError:
            raise
        except Exception as exc:  # babel's PoFileError and friends
            problems.add(Problem(shown, f"not a readable PO file: {exc}", hint="open it in Poedit and save it again"))
            continue
        lang = dict(catalog.mime_headers).get("Language", "").strip().replace("-", "_")
        if not re.fullmatch(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})?", lang):
            problems.add(Problem(shown, "the PO file has no usable Language header", field="Language", found=lang,
                                 hint="set the catalogue language (Poedit: Translation → Properties), e.g. th"))
            continue
        for message in catalog:
            if not message.id:
                continue
            where = dict(file=shown, line=message.lineno, field=message.context or "")
            string = message.string if isinstance(message.string, str) else ""
            owner_key, _, unit_path = (message.context or "").partition("|")
            owner = by_context.get(owner_key)
            unit = owner.unit(unit_path) if owner else None
            if not string.strip():
                result.empty += 1
                continue
            if owner is None or unit is None:
                problems.add(Problem(**where, message=f"no {'module or curriculum' if owner is None else 'unit'} "
                                     f"matches the entry's context {message.context!r}",
                                     hint="export a fresh PO file with `citycourse translations export` and translate in that"))
                continue
            if message.fuzzy and not accept_fuzzy:
                result.fuzzy_skipped += 1
                continue
            text = string.replace("\r\n", "\n").strip()
            failures = check_translation(message.id, text, markdown=unit.markdown)
            for text_, hint in failures:
                problems.add(Problem(**where, message=text_, hint=hint))
            if failures:
                continue
            if message.id.strip() != unit.source:
                result.warnings.append(Problem(**where, severity="warning",
                                               message="translated from older English; stored as stale",
                                               hint="export again to see the current English"))
            table = changed.setdefault(owner.context, {}).setdefault(lang, owner.stored(lang))
            new = _merge(unit, table.get(unit.path), text, fingerprint(message.id), fuzzy=message.fuzzy)
            if new == table.get(unit.path):
                result.unchanged += 1
            else:
                table[unit.path] = new
                result.imported += 1
    problems.raise_if_errors()
    writes: dict[Path, str] = {}
    for context, langs in changed.items():
        owner = by_context[context]
        merged = {lang: dict(units) for lang, units in owner.model.translations.items()}
        merged.update(langs)
        if merged == {lang: dict(units) for lang, units in owner.model.translations.items()}:
            continue
        old = owner.path.read_text(encoding="utf-8")
        new_text = replace_block(old, translations_block(merged, owner.units))
        _verify(new_text, merged, owner.path)
        if new_text != old:
            writes[owner.path] = new_text
    write_all(writes)
    result.written = sorted(writes)
    return result


def _merge(unit: Unit, stored: TranslatedUnit | None, text: str, source: str, *, fuzzy: bool) -> TranslatedUnit:
    """The unit to store for an imported entry; an unchanged, still valid translation is kept as it was."""
    if stored is not None and stored.text == text:
        if fuzzy:
            return stored.model_copy(update={"accepted": True}) if state_of(unit, stored) == "stale" else stored
        if state_of(unit, stored) in ("current", "accepted") or stored.source == source:
            return stored
    return TranslatedUnit(text=text, source=source, accepted=fuzzy and source != unit.fingerprint)


# ------------------------------------------------------------------ writing YAML

_PLAIN_KEY = re.compile(r"^[a-z_][a-z0-9_.\[\]#-]*$")


def _scalar(value: str, indent: int) -> str:
    """A YAML scalar after `key:`: plain or quoted on one line, a `|-` block for several lines."""
    import yaml

    if "\n" in value and value == value.strip() and all(c.isprintable() or c == "\n" for c in value) \
            and not any(line != line.rstrip() for line in value.split("\n")):
        pad = " " * indent
        return " |-\n" + "\n".join(pad + line if line else "" for line in value.split("\n"))
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=False)
    dumped = dumped.removesuffix("\n").removesuffix("\n...")
    if "\n" in dumped:  # safety net: a double-quoted scalar always fits on one line
        import json

        dumped = json.dumps(value, ensure_ascii=False)
    return " " + dumped


def _key(key: str) -> str:
    import json

    return key if _PLAIN_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def translations_block(translations: dict[str, dict[str, TranslatedUnit]], units: Sequence[Unit]) -> str:
    """The canonical `translations:` block: languages sorted, units in reading order (unknown paths last)."""
    order = {u.path: i for i, u in enumerate(units)}
    lines = ["translations:"]
    for lang in sorted(translations):
        table = translations[lang]
        if not table:
            continue
        lines.append(f"  {_key(lang)}:")
        for path in sorted(table, key=lambda p: (order.get(p, len(order)), p)):
            unit = table[path]
            lines.append(f"    {_key(path)}:")
            lines.append("      text:" + _scalar(unit.text, 8))
            lines.append("      source:" + _scalar(unit.source, 8))  # quoted when it would read as a number
            if unit.accepted:
                lines.append("      accepted: true")
    return "\n".join(lines) + "\n" if len(lines) > 1 else ""


def replace_block(text: str, block: str) -> str:
    """`text` with its top-level `translations:` block replaced by `block`; every other byte kept."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"translations\s*:", line)), None)
    if start is None:
        if not block:
            return text
        return text + ("" if not text or text.endswith("\n") else "\n") + block
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
        end += 1
    if end < len(lines):  # blank lines and comments just above the next key belong to it
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def _verify(text: str, expected: dict[str, dict[str, TranslatedUnit]], path: Path) -> None:
    """Read back what is about to be written: the block must mean exactly the translations meant."""
    import yaml

    from citycourse.errors import BuildError

    data = yaml.safe_load(text) or {}
    got = {lang: {p: TranslatedUnit(**u) for p, u in units.items()} for lang, units in (data.get("translations") or {}).items()}
    want = {lang: units for lang, units in expected.items() if units}
    if got != want:
        raise BuildError(f"internal check failed: the translations written to {path} would not read back the same",
                         hint="nothing was written; please report this with the PO file")


def write_all(writes: dict[Path, str]) -> None:
    """Write every file or none: all temporary files first, then renames; a failed rename puts back the old bytes."""
    import os
    import tempfile

    staged: list[tuple[Path, str, bytes]] = []
    try:
        for path, text in writes.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            staged.append((path, tmp, path.read_bytes()))
        done: list[tuple[Path, bytes]] = []
        try:
            for path, tmp, old in staged:
                os.replace(tmp, path)
                done.append((path, old))
        except BaseException:
            for path, old in reversed(done):
                path.write_bytes(old)
            raise
    finally:
        for _, tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


# ------------------------------------------------------------------------- status


@dataclass(frozen=True)
class StatusRow:
    language: str
    kind: OwnerKind
    id: str
    units: int
    translated: int  # current or accepted
    missing: int
    stale: int
    accepted: int

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.stale == 0

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "kind": self.kind, "id": self.id, "units": self.units,
                "translated": self.translated, "missing": self.missing, "stale": self.stale,
                "accepted": self.accepted, "complete": self.complete}


def languages(library: Library) -> list[str]:
    found = {lang for table in (library.modules, library.curricula) for item in table.values() for lang in item.translations}
    return sorted(found)


def status(library: Library, langs: Sequence[str] | None = None) -> list[StatusRow]:
    """Per language, every module then every curriculum: how much is translated and how much is stale."""
    rows = []
    all_owners = owners(library)
    for lang in langs or languages(library):
        for owner in all_owners:
            stored = owner.stored(lang)
            states = [state_of(u, stored.get(u.path)) for u in owner.units]
            rows.append(StatusRow(lang, owner.kind, owner.model.id, len(states),
                                  states.count("current") + states.count("accepted"), states.count("missing"),
                                  states.count("stale"), states.count("accepted")))
    return rows


# --------------------------------------------------------------------------- site


@dataclass
class Localized:
    """A module's or curriculum's units in one language: the translation where current (or accepted), else English."""

    lang: str
    units: list[Unit]
    shown: dict[str, str]  # unit path → translated text the site may show

    def text(self, path: str, english: str) -> str:
        return self.shown.get(path, english)

    def english(self, path: str) -> bool:
        """True when this unit falls back to English on a page in another language."""
        return self.lang != "en" and path not in self.shown

    def blocks(self, path: str, english: str) -> list[tuple[str, bool]]:
        """A Markdown field paragraph by paragraph: (text, shown in English?)."""
        return [(self.shown.get(f"{path}#p{n}", block), self.english(f"{path}#p{n}"))
                for n, block in enumerate(paragraphs(english or ""), 1)]

    @property
    def state(self) -> Literal["english", "none", "partial", "full"]:
        if self.lang == "en":
            return "english"
        if not self.shown:
            return "none"
        return "full" if all(u.path in self.shown for u in self.units) else "partial"


def localize(model: Module | Curriculum, lang: str) -> Localized:
    units = module_units(model) if isinstance(model, Module) else curriculum_units(model)
    stored = (model.translations.get(lang) or {}) if lang != "en" else {}
    shown = {u.path: stored[u.path].text for u in units
             if u.path in stored and state_of(u, stored[u.path]) in ("current", "accepted")}
    return Localized(lang, units, shown)
