"""YAML files → models, with `file:line:col` errors. The only place that reads them.

Fast path: the C safe loader builds plain data and pydantic validates it.
Only when something is wrong do we parse the file again into nodes to find
the line and column of the offending field, so valid files cost little more
than a bare `yaml.load`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ValidationError

from citycourse.errors import Problem, ProblemList
from citycourse.models import KIND_MODELS, CityProfile, Curriculum, Module, Place, Reference
from citycourse.project import Project  # noqa: F401 - part of this module's API

if TYPE_CHECKING:
    from citycourse.parse_cache import ParseCache

try:  # the C loader is ~10x faster; fall back when libyaml is missing
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 2 * 1024 * 1024  # a module is a few KB; 2 MB is generous
MAX_EXPANDED_NODES = 200_000  # alias expansion cap (a "billion laughs" file fails fast)
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s]")
_EVENT_ATTR = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_MINUTES_TOLERANCE = 0.8  # planned minutes must be 80–100 % of the module's hours


# ----------------------------------------------------------------------------- project


def kind_of(path: Path, data: Any = None) -> str:
    """Decide a file's kind from its folder, or from its keys when the folder says nothing."""
    parts = (path if path.is_absolute() else path.resolve()).parts  # collect_files gives resolved paths
    if len(parts) >= 3 and parts[-3] == "references":
        if parts[-2] == "sources":
            return "reference"
        if parts[-2] == "places":
            return "place"
    if "cities" in parts[:-1]:
        return "city"
    if "modules" in parts[:-1]:
        return "module"
    if "curricula" in parts[:-1]:
        return "curriculum"
    if isinstance(data, dict):
        if "tracks" in data:
            return "curriculum"
        if "digital_maturity" in data or "population" in data:
            return "city"
    return "module"


# ------------------------------------------------------------------------------- YAML


def _display(path: Path) -> str:
    try:
        return str((path if path.is_absolute() else path.resolve()).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _expanded_size(data: Any, budget: int) -> int:
    """Node count after alias expansion, memoised by identity, so a bomb is measured cheaply."""
    memo: dict[int, int] = {}

    def size(node: Any) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if isinstance(node, dict):
            total = 1 + sum(size(k) + size(v) for k, v in node.items())
        elif isinstance(node, list):
            total = 1 + sum(size(v) for v in node)
        else:
            total = 1
        memo[key] = min(total, budget + 1)
        return memo[key]

    return size(data)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _LeanLoader(SafeLoader):  # type: ignore[misc, valid-type]
    """The C safe loader with memoised tag resolution for short plain scalars.

    libyaml calls back into Python to resolve every scalar's tag; keys such as
    `title` or `minutes` repeat in every file, so their answers are kept.
    Long scalars (lesson text) are resolved as usual, uncached.
    """

    _tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and len(value) <= 40:
            tag = self._tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._tags) < 50_000:
                    self._tags[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


class _Fallback(Exception):
    """The lean constructor met something it leaves to PyYAML's own (merge keys, odd keys)."""


def _load_lean(text: str) -> tuple[Any, bool]:
    """Parse with the C parser and build plain data directly; (data, has_duplicate_keys).

    PyYAML's constructor is generic (generators, recursion bookkeeping) and is
    most of a load's time; strings, lists and dicts are built here in one
    recursive pass, every other scalar by PyYAML. Counting keys as each
    mapping is built flags a duplicate key for free. Only for files without
    anchors: an alias would be built once per use.
    """
    loader = _LeanLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, False
        construct = loader.construct_object
        duplicates = False
        budget = MAX_EXPANDED_NODES  # an anchor the pre-check missed cannot blow up here

        def build(node: Any) -> Any:
            nonlocal duplicates, budget
            tag = node.tag
            if tag == _STR:
                return node.value
            budget -= 1
            if budget < 0:
                raise _Fallback
            if tag == _MAP:
                pairs = node.value
                out: dict[Any, Any] = {}
                for key_node, value_node in pairs:
                    if key_node.tag == _STR:
                        out[key_node.value] = build(value_node)
                    elif isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                        out[construct(key_node, deep=True)] = build(value_node)
                    else:
                        raise _Fallback
                if len(out) != len(pairs):
                    duplicates = True
                return out
            if tag == _SEQ:
                return [build(item) for item in node.value]
            return construct(node, deep=True)

        return build(node), duplicates
    finally:
        loader.dispose()


def duplicate_keys(shown: str, text: str) -> list[Problem]:
    """Every key written twice in one mapping, naming both lines (PyYAML keeps only the last value)."""
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return []
    problems: list[Problem] = []
    stack: list[tuple[Any, list[Any]]] = [(root, [])] if root is not None else []
    seen_nodes: set[int] = set()
    while stack:
        node, loc = stack.pop()
        if id(node) in seen_nodes:  # an alias: already checked where it was defined
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in first and key != "<<":
                    earlier = first[key].start_mark.line + 1
                    problems.append(
                        Problem(
                            shown,
                            f"duplicate key {key!r} (first at line {earlier}); only the last value would be kept",
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1,
                            field=_field_path([*loc, key]),
                            found=f"{key!r} at lines {earlier} and {key_node.start_mark.line + 1}",
                            expected="each key once per mapping",
                            hint="merge the two entries into one, or delete the one you do not want",
                        )
                    )
                elif key is not None:
                    first[key] = key_node
                stack.append((value_node, [*loc, key]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, [*loc, i]) for i, item in enumerate(node.value))
    return sorted(problems, key=lambda p: p.line or 0)


def read_yaml(path: Path) -> tuple[Any, str, list[Problem]]:
    """Read one YAML file safely. Returns (data, text, problems); data is None on failure."""
    shown = _display(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, "", [Problem(shown, f"cannot read file: {exc.strerror}", hint="check the path")]
    if size > MAX_FILE_BYTES:
        return None, "", [
            Problem(
                shown,
                f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                found=f"{size:,} bytes",
                expected=f"at most {MAX_FILE_BYTES:,} bytes",
                hint="split long lessons into several modules; a module is usually a few kilobytes",
            )
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, "", [
            Problem(
                shown,
                "file is not valid UTF-8",
                line=line,
                column=column,
                found=f"byte 0x{raw[exc.start]:02x}",
                expected="UTF-8 text",
                hint="re-save the file as UTF-8 in your editor (e.g. 'Save with encoding → UTF-8')",
            )
        ]
    anchors = "&" in text and _ANCHOR.search(text) is not None
    try:
        duplicates = anchors
        if not anchors:
            try:
                data, duplicates = _load_lean(text)
            except (_Fallback, TypeError):
                anchors = True
        if anchors:
            data = yaml.load(text, Loader=SafeLoader)  # noqa: S506 - SafeLoader: no object tags
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "invalid YAML").strip()
        hint = "check indentation and quoting near this line"
        if "could not determine a constructor" in problem:
            hint = "Python object tags (!!python/...) are not allowed; write plain YAML values"
        return None, text, [
            Problem(
                shown,
                f"YAML syntax error: {problem}",
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                expected="valid YAML",
                hint=hint,
            )
        ]
    except yaml.YAMLError as exc:
        return None, text, [Problem(shown, f"YAML error: {exc}", hint="check the file is valid YAML")]
    if anchors and _expanded_size(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
        return None, text, [
            Problem(
                shown,
                "YAML aliases expand to too many values (possible 'billion laughs' file)",
                found=f"more than {MAX_EXPANDED_NODES:,} values after expanding aliases",
                expected="plain YAML without deeply nested anchors/aliases",
                hint="write the values out instead of using &anchors and *aliases",
            )
        ]
    if not isinstance(data, dict):
        return None, text, [
            Problem(
                shown,
                "file must contain a mapping of fields",
                line=1,
                column=1,
                found=type(data).__name__ if data is not None else "an empty file",
                expected="a mapping such as `id: my-module`",
                hint="start from `citycourse modules new ID` or the files created by `citycourse init`",
            )
        ]
    return data, text, duplicate_keys(shown, text) if duplicates else []


@lru_cache(maxsize=8)
def _compose(text: str) -> Any:
    """The node tree of a file, kept for the next few `locate` calls (one file, many problems)."""
    try:
        return yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None


def locate(text: str, path: Sequence[Any], needle: str = "") -> tuple[int | None, int | None]:
    """1-based line/column of the deepest node along `path` (keys and list indexes).

    With `needle`, and when the node is a `|` block of text, the line inside
    the block where `needle` first appears (a token in a long lesson body).
    """
    node = _compose(text)
    if node is None:
        return None, None
    best = node
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(step):
                    best = key_node
                    node = value_node
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            best = node
        else:
            break
    else:
        best = node if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) else best
        if needle and isinstance(node, yaml.ScalarNode) and node.style == "|" and needle in node.value:
            line = node.start_mark.line + 1 + node.value[: node.value.index(needle)].count("\n")
            raw = text.splitlines()[line] if line < len(text.splitlines()) else ""
            return line + 1, raw.find(needle) + 1 if needle in raw else 1
    return best.start_mark.line + 1, best.start_mark.column + 1


# --------------------------------------------------------------------------- validate


_TYPE_HINTS = {
    "missing": ("", "add this field; `citycourse schema` lists every field"),
    "extra_forbidden": ("", "remove it or fix its spelling; unknown fields are not allowed"),
    "literal_error": ("", "use one of the listed values"),
    "string_pattern_mismatch": ("", "ids use lower-case letters, digits and hyphens only (no '/', '.' or spaces)"),
    "float_parsing": ("a number, e.g. 12 or 2.5", "write digits only, without units"),
    "float_type": ("a number, e.g. 12 or 2.5", "write digits only, without units"),
    "int_parsing": ("a whole number, e.g. 3", "write digits only, without units or separators"),
    "int_type": ("a whole number, e.g. 3", "write digits only, without units or separators"),
    "int_from_float": ("a whole number, e.g. 3", "drop the decimals"),
    "multiple_of": ("", "use steps of half an hour: 1, 1.5, 2, ..."),
    "date_parsing": ("a date such as 2027-03-01", "write dates as YYYY-MM-DD"),
    "date_from_datetime_parsing": ("a date such as 2027-03-01", "write dates as YYYY-MM-DD"),
    "date_type": ("a date such as 2027-03-01", "write dates as YYYY-MM-DD"),
    "time_parsing": ('a time such as "09:00"', 'write the time in quotes: "09:00"'),
    "bool_parsing": ("true or false", ""),
    "bool_type": ("true or false", ""),
    "string_type": ("text", "quote values that YAML would read as numbers, dates or true/false"),
    "list_type": ("a list, e.g. [a, b] or one '- item' per line", ""),
    "dict_type": ("a mapping of 'key: value' lines", "check the indentation under this field"),
    "model_type": ("a mapping of 'key: value' lines", "check the indentation under this field"),
    "url_parsing": ("a full address starting with https://", ""),
    "url_scheme": ("a full address starting with https://", ""),
    "too_short": ("", "this list needs at least one entry"),
    "string_too_short": ("", "this text cannot be empty"),
}


def _field_path(loc: Sequence[Any]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _found(data: Any, loc: Sequence[Any]) -> str:
    node = data
    for step in loc:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return ""
    text = repr(node)
    return text if len(text) <= 80 else text[:77] + "..."


def _pydantic_problems(shown: str, text: str, data: Any, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [step for step in err["loc"] if not (isinstance(step, str) and step.startswith("function-"))]
        line, column = locate(text, loc)
        kind = err["type"]
        expected, hint = _TYPE_HINTS.get(kind, ("", ""))
        ctx = err.get("ctx") or {}
        if kind == "literal_error":
            expected = str(ctx.get("expected", ""))
        elif kind == "string_pattern_mismatch":
            expected = f"text matching {ctx.get('pattern')}"
        message = err["msg"].removeprefix("Value error, ")
        if kind == "string_pattern_mismatch" and (loc[-1:] == ["id"] or any(s in _found(data, loc) for s in ("/", ".."))):
            message = "not a valid id (ids become file and page names, so '/', '..' and spaces are refused)"
        problems.append(
            Problem(
                shown,
                message,
                line=line,
                column=column,
                field=_field_path(loc),
                found="(missing)" if kind == "missing" else _found(data, loc),
                expected=expected,
                hint=hint,
            )
        )
    return problems


def _markdown_problems(shown: str, text: str, module: Module) -> list[Problem]:
    """Reject lesson Markdown that could run script in the site (raw <script>, on*=, javascript:)."""
    from markdown_it import MarkdownIt  # imported only when a body looks suspicious

    from citycourse.references import module_texts

    problems: list[Problem] = []
    fields = list(module_texts(module))
    parser = None
    for loc, body in fields:
        if not _may_be_unsafe(body):
            continue
        parser = parser or MarkdownIt("commonmark")
        reason = _unsafe_markdown(parser, body)
        if reason:
            line, column = locate(text, loc)
            problems.append(
                Problem(
                    shown,
                    f"unsafe Markdown: {reason}",
                    line=line,
                    column=column,
                    field=_field_path(loc),
                    expected="plain Markdown without raw HTML scripts or javascript: links",
                    hint="remove the HTML; use Markdown links to https:// addresses",
                )
            )
    return problems


def _may_be_unsafe(body: str) -> bool:
    """Cheap pre-filter: script needs raw HTML ('<') or a script/data URL scheme.

    `glossary:` links are ours (the site turns them into glossary links) and pass.
    """
    if "<" in body:
        return True
    lowered = body.lower()
    return "script:" in lowered or "data:" in lowered


def _unsafe_markdown(parser: Any, body: str) -> str:
    def walk(tokens: Iterable[Any]) -> str:
        for token in tokens:
            if token.type in ("html_block", "html_inline"):
                content = token.content.lower()
                if "<script" in content or "<iframe" in content or "<object" in content or "<embed" in content:
                    return "raw <script>/<iframe> HTML"
                if _EVENT_ATTR.search(content):
                    return "HTML event-handler attribute (on...=)"
                if any(s in content for s in _BAD_SCHEMES):
                    return "HTML with a javascript:/data: address"
            for attr in ("href", "src"):
                value = (token.attrGet(attr) or "") if hasattr(token, "attrGet") else ""
                if str(value).strip().lower().startswith(_BAD_SCHEMES):
                    return f"link to {str(value)[:40]!r}"
            if token.children:
                found = walk(token.children)
                if found:
                    return found
        return ""

    reason = walk(parser.parse(body))
    if not reason:
        # markdown-it refuses to turn javascript: links into links, but MkDocs' renderer would.
        lowered = body.lower()
        if re.search(r"\]\(\s*<?\s*(javascript|vbscript|data):", lowered):
            reason = "link to a javascript:/data: address"
    return reason


def _module_rules(shown: str, text: str, module: Module) -> list[Problem]:
    problems = []
    planned = module.planned_minutes
    available = module.hours * 60
    if not (_MINUTES_TOLERANCE * available <= planned <= available):
        line, column = locate(text, ["hours"])
        problems.append(
            Problem(
                shown,
                "lesson, activity and assessment minutes contradict the module's hours",
                line=line,
                column=column,
                field="hours",
                found=f"{planned} minutes planned for {module.hours:g} hours ({available:g} minutes)",
                expected=f"between {_MINUTES_TOLERANCE * available:g} and {available:g} minutes",
                hint="change `hours` or the `minutes` of lessons/activities/assessment so they agree",
            )
        )
    problems.extend(_teaching_problems(shown, text, module))
    problems.extend(_markdown_problems(shown, text, module))
    return problems


_NEEDS_RUBRIC = ("project", "observation", "reflection")


def _teaching_problems(shown: str, text: str, module: Module) -> list[Problem]:
    """One module's teaching rules: objectives assessed, answers among the choices, handouts, glossary."""
    from citycourse.references import linked_terms

    problems: list[Problem] = []

    def add(loc: list[Any], message: str, severity: str = "error", **kw: str) -> None:
        line, column = locate(text, loc)
        problems.append(Problem(shown, message, line=line, column=column, field=_field_path(loc), severity=severity, **kw))

    count = len(module.objectives)
    assessed: set[int] = set()
    assessment = module.assessment
    items = [("questions", i, q.objectives) for i, q in enumerate(assessment.questions)]
    items += [("rubric", i, c.objectives) for i, c in enumerate(assessment.rubric)]
    for list_name, i, numbers in items:
        for k, number in enumerate(numbers):
            if number > count:
                add(["assessment", list_name, i, "objectives", k],
                    f"objective {number} does not exist: the module has {count} objective(s)",
                    found=str(number), expected=f"a number from 1 to {count}",
                    hint="objectives are numbered from 1 in the order of `objectives:`")
            assessed.add(number)
    for j, objective in enumerate(module.objectives, start=1):
        if j not in assessed:
            add(["objectives", j - 1], f"objective {j} ({objective.verb} {objective.text}) is not assessed",
                found="no question or rubric criterion lists it",
                expected=f"`objectives: [{j}]` on at least one question or rubric criterion",
                hint="add the number to the question or criterion that tests it, or add one that does")
    for i, question in enumerate(assessment.questions):
        answer = question.answer.strip().casefold()
        if question.choices and not any(answer.startswith(c.strip().casefold()) for c in question.choices):
            add(["assessment", "questions", i, "answer"], "the answer does not start with one of the question's choices",
                found=question.answer[:60], expected="one of: " + " / ".join(question.choices)[:120],
                hint="start the answer with the right choice, word for word (an explanation may follow)")
    if assessment.kind in _NEEDS_RUBRIC and not assessment.rubric:
        add(["assessment", "kind"], f"a {assessment.kind} assessment has no rubric", severity="warning",
            expected="a `rubric:` with criteria, points and what meets / partly / not yet look like",
            hint="learners and facilitators need to know how the work is judged")
    for list_name, items_ in (("handouts", module.handouts), ("glossary", module.glossary)):
        first: dict[str, int] = {}
        for i, item in enumerate(items_):
            if item.id in first:
                earlier, _ = locate(text, [list_name, first[item.id], "id"])
                add([list_name, i, "id"], f"{list_name} id {item.id!r} is used twice (first at line {earlier})",
                    found=item.id, hint="give each entry its own id")
            else:
                first[item.id] = i
    handout_ids = {h.id for h in module.handouts}
    for i, activity in enumerate(module.activities):
        for k, handout in enumerate(activity.handouts):
            if handout not in handout_ids:
                add(["activities", i, "handouts", k], f"unknown handout {handout!r}", found=handout,
                    expected="the id of an entry in this module's handouts: " + (", ".join(sorted(handout_ids)) or "(none)"),
                    hint="fix the id, or add the handout under `handouts:`")
    if module.glossary:
        linked = linked_terms(module)
        for i, term in enumerate(module.glossary):
            if term.id not in linked:
                add(["glossary", i, "id"], f"glossary term {term.id!r} is never linked from this module's text",
                    severity="warning", found=term.id,
                    expected=f"[{term.term}](glossary:{term.id}) in a lesson, the worked example, a handout or an activity",
                    hint="link the term where the module first uses it, or drop it from glossary:")
    return problems


def load_file(path: Path, kind: str | None = None) -> tuple[BaseModel | None, str, list[Problem]]:
    """Load and validate one file. Returns (model or None when unreadable, kind, problems)."""
    shown = _display(path)
    data, text, problems = read_yaml(path)
    if data is None:
        return None, kind or kind_of(path), problems
    kind = kind or kind_of(path, data)
    model_cls = KIND_MODELS[kind]
    try:
        model = model_cls.model_validate(data)
    except ValidationError as exc:
        return None, kind, problems + _pydantic_problems(shown, text, data, exc)
    if model.id != path.stem:  # type: ignore[attr-defined]
        line, column = locate(text, ["id"])
        problems.append(
            Problem(
                shown,
                f"id {model.id!r} does not match the file name {path.name!r}",  # type: ignore[attr-defined]
                line=line,
                column=column,
                field="id",
                found=model.id,  # type: ignore[attr-defined]
                expected=path.stem,
                hint=f"rename the file to {model.id}{path.suffix} or change the id",  # type: ignore[attr-defined]
            )
        )
    if isinstance(model, Module):
        problems.extend(_module_rules(shown, text, model))
    # The model is returned even with rule problems so cross-file checks (duplicates,
    # references) still see it; callers refuse to plan while any error is listed.
    return model, kind, problems


# ---------------------------------------------------------------------------- library


#: kind → the Library table holding it.
TABLES = {"module": "modules", "curriculum": "curricula", "city": "cities", "reference": "references", "place": "places"}


@dataclass
class Library:
    """Everything loaded from a project (or from the paths given), plus every problem found."""

    modules: dict[str, Module] = field(default_factory=dict)
    curricula: dict[str, Curriculum] = field(default_factory=dict)
    cities: dict[str, CityProfile] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)
    problems: ProblemList = field(default_factory=ProblemList)
    files_read: int = 0
    #: ids (from file names) of files that exist but did not validate: references to
    #: them are not reported again as "unknown", the file's own errors say it all.
    invalid: set[tuple[str, str]] = field(default_factory=set)
    #: The competency framework and role needs (citycourse.competency), when the project has them.
    competencies: Any = None
    project_root: Path | None = None

    def merge_from(self, other: Library) -> None:
        """Add `other`'s items where this library has none of that id (validate PATHS in a project)."""
        for table in TABLES.values():
            setattr(self, table, {**getattr(other, table), **getattr(self, table)})
        for key, path in other.sources.items():
            self.sources.setdefault(key, path)
        if self.competencies is None:
            self.competencies, self.project_root = other.competencies, other.project_root

    def source(self, kind: str, item_id: str) -> str:
        path = self.sources.get((kind, item_id))
        return _display(path) if path else f"<{kind} {item_id}>"

    def _add(self, kind: str, model: Any, path: Path) -> None:
        table: dict[str, Any] = getattr(self, TABLES[kind])
        if model.id in table:
            first = self.sources[(kind, model.id)]
            line, column = locate(path.read_text(encoding="utf-8-sig"), ["id"])
            self.problems.add(
                Problem(
                    _display(path),
                    f"duplicate {kind} id {model.id!r} (also defined in {_display(first)})",
                    line=line,
                    column=column,
                    field="id",
                    found=model.id,
                    hint="ids must be unique; rename one of the two",
                )
            )
            return
        table[model.id] = model
        self.sources[(kind, model.id)] = path


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their YAML files (recursively), keeping a stable order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            out.append(path)
    seen: dict[Path, None] = {}
    for p in out:
        seen.setdefault(p.resolve(), None)
    return list(seen)


def load_library(paths: Iterable[Path], *, check: bool = True, cache: ParseCache | None = None) -> Library:
    """Load every file under `paths`; collect all problems; run cross-file checks.

    With a `cache`, files whose bytes are unchanged since the last run are not
    parsed again (see `citycourse.parse_cache`).
    """
    from citycourse.gcpause import paused_gc

    library = Library()
    with paused_gc():  # many short-lived YAML nodes while the library keeps every model
        _load_files(library, paths, cache)
    if cache is not None:
        cache.save()
    if check:
        cross_check(library)
    return library


def _load_files(library: Library, paths: Iterable[Path], cache: ParseCache | None) -> None:
    import hashlib

    for path in collect_files(paths):
        if not path.exists():
            library.problems.add(Problem(_display(path), "file not found", hint="check the path"))
            continue
        model: BaseModel | None = None
        key, digest, entry = str(path), "", None
        if cache is not None and path.stat().st_size <= MAX_FILE_BYTES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            entry = cache.get(key, digest)
        if entry is not None:
            kind = entry["kind"]
            shown = _display(path)
            problems = [Problem(shown, **p) for p in entry["problems"]]
            if entry["data"] is not None:
                model = KIND_MODELS[kind].model_validate(entry["data"])
        else:
            model, kind, problems = load_file(path)
            if cache is not None and digest:
                data = model.model_dump(mode="json") if model is not None else None
                cache.put(key, digest, kind, data, problems)
        library.files_read += 1
        for problem in problems:
            library.problems.add(problem)
        if model is not None:
            library._add(kind, model, path)
        else:
            library.invalid.add((kind, path.stem))


def load_project(project: Project, *, check: bool = True, use_cache: bool = True) -> Library:
    """The whole project; unchanged files come from `.citycourse/cache/` when `use_cache`."""
    cache = None
    if use_cache:
        from citycourse.parse_cache import CACHE_FILE, ParseCache

        cache = ParseCache(project.root / CACHE_FILE)
    paths = [project.modules_dir, project.curricula_dir]
    paths += [d for d in (project.sources_dir, project.places_dir) if d.is_dir()]
    library = load_library(paths, check=False, cache=cache)
    from citycourse.competency import FRAMEWORK_FILE, ROLES_FILE, load_competencies

    library.competencies, problems = load_competencies(project.root)
    library.project_root = project.root
    library.files_read += sum(1 for f in (FRAMEWORK_FILE, ROLES_FILE) if (project.root / f).exists())
    for problem in problems:
        library.problems.add(problem)
    if check:
        cross_check(library)
    return library


# ------------------------------------------------------------------------ cross-file


def problem_at(
    library: Library, kind: str, item_id: str, loc: list[Any], message: str, *, needle: str = "", **kw: str
) -> Problem:
    """A problem located at `loc` (or at `needle` inside that text) in the file that defined `item_id`."""
    path = library.sources.get((kind, item_id))
    line = column = None
    if path is not None:
        line, column = locate(path.read_text(encoding="utf-8-sig"), loc, needle)
    return Problem(library.source(kind, item_id), message, line=line, column=column, field=_field_path(loc), **kw)




def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A prerequisite cycle as [a, b, ..., a], or None. Iterative DFS (deep graphs are fine)."""
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            children = [c for c in graph.get(node, []) if c in graph]
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if state.get(child) == 1:
                    return path[path.index(child):] + [child]
                if not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def cross_check(library: Library) -> None:
    """Checks that need more than one file: references, cycles, role fit."""
    from citycourse.references import check_references

    modules = library.modules
    for module_id, module in sorted(modules.items()):
        for i, prereq in enumerate(module.prerequisites):
            if prereq not in modules and ("module", prereq) not in library.invalid:
                library.problems.add(
                    problem_at(
                        library, "module", module_id, ["prerequisites", i],
                        f"unknown prerequisite {prereq!r}",
                        found=prereq,
                        expected="the id of a module in modules/",
                        hint="fix the spelling, add the module, or remove the prerequisite",
                    )
                )
    cycle = find_cycle({m.id: list(m.prerequisites) for m in modules.values()})
    if cycle:
        library.problems.add(
            problem_at(
                library, "module", cycle[0], ["prerequisites"],
                "prerequisite cycle: " + " → ".join(cycle),
                hint="a module cannot (even indirectly) require itself; remove one link of the cycle",
            )
        )
    for curriculum_id, curriculum in sorted(library.curricula.items()):
        for role, track in curriculum.tracks.items():
            for list_name in ("required", "electives"):
                for i, module_id in enumerate(getattr(track, list_name)):
                    loc = ["tracks", role, list_name, i]
                    module = modules.get(module_id)
                    if module is None and ("module", module_id) in library.invalid:
                        continue  # the module's own file errors are already reported
                    if module is None:
                        library.problems.add(
                            problem_at(
                                library, "curriculum", curriculum_id, loc,
                                f"unknown module {module_id!r}",
                                found=module_id,
                                expected="the id of a module in modules/",
                                hint="fix the spelling or add the module",
                            )
                        )
                    elif role not in module.roles:
                        library.problems.add(
                            problem_at(
                                library, "curriculum", curriculum_id, loc,
                                f"module {module_id!r} is not written for role {role!r}",
                                found=f"roles of {module_id}: {', '.join(module.roles)}",
                                expected=f"a module whose roles include {role}",
                                hint=f"add {role} to the module's roles, or drop it from this track",
                                severity="warning",
                            )
                        )
    check_references(library)
    if library.competencies is not None and library.project_root is not None:
        from citycourse.competency import check as check_competencies

        check_competencies(library, library.competencies, library.project_root)
