"""Reading what spreadsheets and LMSs write: encodings, delimiters, dates, scores.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 (LE/BE, with a BOM:
Moodle's "Excel" download is UTF-16LE, tab-separated) and Windows-1252 (a file
that is not valid UTF-8 is read as Windows-1252).

Delimiters: `,`, `;`, tab or `|`, chosen from the header line.

Dates (see `parse_datetime`): ISO 8601 (`2027-03-14`, `2027-03-14T10:15:00+07:00`,
`2027-03-14 10:15`), numeric dates (`14/03/2027`, `03/14/2027`, `14.03.2027`,
`14-03-2027`, `11/12/26`, optionally followed by `, 10:15` or ` 10:15[:00] [AM|PM]`)
read in a given order (day-first, month-first or year-first; the readers decide
the order per column, see `records._common.DateColumns`), year-first
(`2027/03/14`) and dates with English month names as Moodle writes them
(`14 March 2027, 10:15 AM`, `Sunday, 14 March 2027, 10:15 AM`, `14 Mar 2027`).
Times without a zone are taken as UTC.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

SNIFF_BYTES = 64 * 1024
MAX_FIELD = 1024 * 1024  # one CSV cell; protects against a runaway quoted field
csv.field_size_limit(MAX_FIELD)


class CellError(ValueError):
    """A value in one cell cannot be read; the caller adds file and row."""


def detect_encoding(path: Path) -> str:
    """The codec to read `path` with (see module docstring)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def open_text(path: Path) -> io.TextIOWrapper:
    encoding = detect_encoding(path)
    # newline="" lets the csv module see quoted newlines; cp1252 has 5 undefined bytes.
    return open(path, encoding=encoding, newline="", errors="replace" if encoding == "cp1252" else "strict")  # noqa: SIM115


def head_text(path: Path, limit: int = SNIFF_BYTES) -> str:
    with open_text(path) as handle:
        return handle.read(limit)


def sniff_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def first_line(text: str) -> str:
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def norm_header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().lower().split())


class HeaderLookup:
    """Column lookup by (normalised) header name, shared by CSV files and workbook sheets."""

    header: list[str]

    def column(self, *names: str, prefix: bool = False) -> int | None:
        """Index of the first header equal to (or starting with) one of `names`."""
        for name in names:
            for i, h in enumerate(self.header):
                if h == name or (prefix and h.startswith(name)):
                    return i
        return None


class CsvFile(HeaderLookup):
    """A CSV file read row by row: `header` (normalised), then `rows()` of (line, cells)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = open_text(path)
        head = self.handle.read(SNIFF_BYTES)
        self.handle.seek(0)
        self.delimiter = sniff_delimiter(first_line(head))
        self.reader = csv.reader(self.handle, delimiter=self.delimiter)
        self.raw_header: list[str] = []
        for cells in self.reader:
            if any(c.strip() for c in cells):
                self.raw_header = [c.replace("\ufeff", "").strip() for c in cells]
                break
        self.header = [norm_header(c) for c in self.raw_header]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in self.reader:
                if not any(c.strip() for c in cells):
                    continue  # blank and trailing empty rows
                yield self.reader.line_num, cells
        except csv.Error as exc:
            raise CellError(f"line {self.reader.line_num}: {exc}") from None

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------------- dates

_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")],
        1,
    )
    for m in names
}
_TIME = r"(?:[,\sT]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
_ZONE = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}|GMT[+-]\d{1,2})?"
_NUMERIC_DMY = re.compile(r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})" + _TIME + _ZONE + r"$")
_NUMERIC_YMD = re.compile(r"^(?P<y>\d{4})[/.\-](?P<b>\d{1,2})[/.\-](?P<a>\d{1,2})" + _TIME + _ZONE + r"$")
_NAMED = re.compile(
    r"^(?:[A-Za-z]+,?\s+)?(?P<a>\d{1,2})\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})" + _TIME + _ZONE + r"$"
)
_NAMED_MDY = re.compile(
    r"^(?:[A-Za-z]+,?\s+)?(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<a>\d{1,2}),?\s+(?P<y>\d{4})" + _TIME + _ZONE + r"$"
)


def _zone(text: str | None) -> dt.tzinfo:
    if not text or text in ("Z", "UTC", "GMT"):
        return dt.timezone.utc
    if text.startswith("GMT"):
        return dt.timezone(dt.timedelta(hours=int(text[3:])))
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


DATE_ORDERS = ("dmy", "mdy", "ymd")


def numeric_parts(text: str) -> tuple[int, int] | None:
    """The first two numbers of a numeric date like `11/12/2026 9:14` (None for other forms)."""
    match = _NUMERIC_DMY.match(" ".join(text.strip().split()))
    return (int(match["a"]), int(match["b"])) if match else None


def parse_datetime(text: str, order: str = "dmy") -> dt.datetime:
    """A timezone-aware datetime from the formats in the module docstring; CellError otherwise.

    `order` says how to read a numeric date whose year comes last (or, for
    `ymd`, a two-digit date like `26/11/12`): `dmy`, `mdy` or `ymd`.
    """
    value = " ".join(text.strip().split())
    if not value:
        raise CellError("empty date")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    match = _NUMERIC_YMD.match(value) or _NUMERIC_DMY.match(value)
    year_override = None
    if match:
        day, month = int(match["a"]), int(match["b"])
        if match.re is _NUMERIC_DMY:
            if order == "mdy":
                day, month = month, day
            elif order == "ymd" and len(match["y"]) == 2:
                year_override, month, day = int(match["a"]), int(match["b"]), int(match["y"])
            if month > 12:
                shown = {"dmy": "day-first (DD/MM/YYYY)", "mdy": "month-first (MM/DD/YYYY)", "ymd": "year-first"}[order]
                raise CellError(f"date {text!r} is impossible when read {shown}")
    else:
        match = _NAMED.match(value) or _NAMED_MDY.match(value)
        if not match or match["mon"].lower() not in _MONTHS:
            raise CellError(
                f"unrecognised date {text!r}; use ISO 8601 (2027-03-14 or 2027-03-14T10:15:00Z), "
                "DD/MM/YYYY, MM/DD/YYYY or '14 March 2027'"
            )
        day, month = int(match["a"]), _MONTHS[match["mon"].lower()]
    year = year_override if year_override is not None else int(match["y"])
    if year < 100:
        year += 2000
    hour = int(match["h"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return dt.datetime(year, month, day, hour, int(match["mi"] or 0), int(match["s"] or 0), tzinfo=_zone(match["tz"]))
    except ValueError as exc:
        raise CellError(f"impossible date {text!r}: {exc}") from None


def iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------ scores

_FRACTION = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*(?:/|of|out of)\s*(\d+(?:[.,]\d+)?)$", re.IGNORECASE)
_PERCENT = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*%$")


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def parse_score(text: str, maximum: float | None = None, *, guess: bool = True) -> float | None:
    """Scaled score 0–1 from `8 / 10`, `80%`, or a number out of `maximum`. Empty or `-` → None.

    With `guess` (the default, for columns documented as 0–1 or 0–100), a bare
    number without a maximum is read as 0–1 or 0–100; without it, such a number
    is an error that asks for the maximum.
    """
    value = text.strip()
    if value in ("", "-", "–"):
        return None
    match = _FRACTION.match(value)
    if match:
        raw, top = _num(match[1]), _num(match[2])
    elif (match := _PERCENT.match(value)):
        raw, top = _num(match[1]), 100.0
    else:
        try:
            raw = _num(value)
        except ValueError:
            raise CellError(f"unrecognised score {text!r}; expected e.g. '8 / 10', '80%' or a number") from None
        if maximum is not None:
            top = maximum
        elif not guess:
            raise CellError(f"score {text!r} has no maximum")
        elif 0 <= raw <= 1:
            top = 1.0
        elif raw <= 100:
            top = 100.0
        else:
            raise CellError(f"score {text!r} has no maximum; write it as '{value} / MAX'")
    if top <= 0 or raw < 0 or raw > top:
        raise CellError(f"score {text!r} is outside 0..{top:g}")
    return round(raw / top, 6)


_TRUE = {"yes", "y", "true", "1", "x", "present", "p", "attended", "✓", "✔", "có", "ya", "oo", "ใช่", "hadir"}
_FALSE = {"no", "n", "false", "0", "", "absent", "a", "-", "không", "tidak", "hindi", "ไม่"}


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError(f"unrecognised yes/no value {text!r}; expected yes/no, present/absent, 1/0 or x")
