"""One error hierarchy for the core; the CLI maps each class to an exit code.

The core never prints: it raises these (or returns `Problem` lists) and the
Typer layer renders them. Exit codes: 0 ok, 1 input errors, 2 usage, 3 build/IO.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_BUILD = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    found: str = ""
    expected: str = ""
    hint: str = ""
    severity: str = "error"  # "error" | "warning"

    @property
    def location(self) -> str:
        """`file:line:col`, the form editors and terminals make clickable."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        parts = [f"{self.location}: {self.message}"]
        if self.field:
            parts.append(f"field: {self.field}")
        if self.found:
            parts.append(f"found: {self.found}")
        if self.expected:
            parts.append(f"expected: {self.expected}")
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n  ".join(parts)


class CitycourseError(Exception):
    """Base class: anything the user can act on. Never shown with a traceback."""

    exit_code = EXIT_BUILD
    hint = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class InputError(CitycourseError):
    """Input files are invalid; carries every problem found, not just the first."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem], message: str = "") -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(message or f"{len(errors)} problem(s) found in the input files")


class UsageError(CitycourseError):
    """The command was called wrongly (unknown id, missing option, bad combination)."""

    exit_code = EXIT_USAGE


class BudgetError(CitycourseError):
    """Required modules alone exceed a city's hours budget."""

    exit_code = EXIT_INPUT


class BuildError(CitycourseError):
    """Rendering or MkDocs failed; the previous site is left in place."""

    exit_code = EXIT_BUILD


class RecordError(CitycourseError):
    """Record files could not be imported; the store is left as it was."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, problems: list[Problem] | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.problems = problems or []


@dataclass
class ProblemList:
    """Collects problems during a multi-file pass so all are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.items)
