"""Helpers shared by the CSV readers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from typing import Any

from citycourse.records import RowError
from citycourse.records.csvio import DATE_ORDERS, CellError, iso_utc, numeric_parts, parse_datetime
from citycourse.records.tables import Table

FUTURE_TOLERANCE = dt.timedelta(hours=1)
EMAIL_HEADERS = ("email address", "email", "e-mail", "e-mail address", "địa chỉ email", "alamat email")
ORDER_NAMES = {"dmy": "day first (DD/MM/YYYY)", "mdy": "month first (MM/DD/YYYY)", "ymd": "year first (YY/MM/DD)"}


def note(context: dict[str, Any] | None, text: str) -> None:
    """Tell the trainer something about how a file was read (printed in the import summary)."""
    if context is not None:
        context.setdefault("notes", []).append(text)


def locale_order(locale: str) -> str | None:
    """The numeric date order a locale writes (babel's CLDR data): en_PH → mdy, vi_VN → dmy."""
    try:
        from babel import Locale

        pattern = Locale.parse(locale.replace("-", "_")).date_formats["short"].pattern
    except Exception:  # noqa: BLE001 - an unknown locale simply gives no answer
        return None
    letters = [c for c in pattern if c in "dMy"]
    firsts = "".join(dict.fromkeys(letters))
    return {"dMy": "dmy", "Mdy": "mdy", "yMd": "ymd"}.get(firsts)


class DateColumns:
    """Reads the date columns of one table, in one order per column decided from all its values.

    A numeric date like `11/12/2026` is ambiguous alone, so the order comes from
    the whole column: a first part above 12 can only be a day (day first), a
    second part above 12 only a day (month first). A column that mixes both is
    refused, naming a line of each. When a column has no telling value, the
    order comes, in turn, from the file's other date columns, the import's
    `--date-order`, the project setting (`records.date_order` in citycourse.yaml),
    the city's locale (babel: the Philippines writes month first, Viet Nam day
    first), and finally day first, the common order in ASEAN. The import summary
    says which order each file used and why.
    """

    def __init__(self, table: Table, columns: dict[int, str], context: dict[str, Any] | None) -> None:
        self.columns = columns
        evidence: dict[int, dict[str, tuple[int, str]]] = {i: {} for i in columns}
        numeric: set[int] = set()
        with _reopen(table, context) as again:
            for line, cells in again.rows():
                for i in columns:
                    if i < len(cells) and (parts := numeric_parts(cells[i])):
                        numeric.add(i)
                        a, b = parts
                        kind = "dmy" if a > 12 >= b else "mdy" if b > 12 >= a else None
                        if kind and kind not in evidence[i]:
                            evidence[i][kind] = (line, cells[i].strip())
        context = context if context is not None else {}
        name = table.path.name
        self.order: dict[int, str] = {}
        file_orders = {k for found in evidence.values() for k in found}
        for i, column in columns.items():
            found = evidence[i]
            if len(found) == 2:
                (l1, v1), (l2, v2) = found["dmy"], found["mdy"]
                raise RowError(
                    max(l1, l2),
                    f"column {column!r} mixes day-first dates (line {l1}: {v1}) and month-first dates (line {l2}: {v2})",
                    hint="dates in one column must share one order; fix the sheet or export it again",
                )
            if found:
                order = next(iter(found))
                line, value = found[order]
                why = f"line {line} has {value}, which can only be read {ORDER_NAMES[order]}"
            elif len(file_orders) == 1:
                order = next(iter(file_orders))
                why = "its values fit either order; another date column of the file is " + ORDER_NAMES[order]
            else:
                order, why = self._fallback(context)
            chosen = context.get("date_order")
            if found and chosen and chosen != order:
                why += f" (--date-order {chosen} does not fit it and was not used)"
            self.order[i] = order
            if i in numeric:  # ISO and named-month dates need no order, so no note
                note(context, f"{name}: column {column!r} read {ORDER_NAMES[order]}: {why}")

    @staticmethod
    def _fallback(context: dict[str, Any]) -> tuple[str, str]:
        if context.get("date_order") in DATE_ORDERS:
            return context["date_order"], "every value fits either order; --date-order says so"
        if context.get("project_date_order") in DATE_ORDERS:
            return context["project_date_order"], "every value fits either order; the project setting records.date_order says so"
        locale = context.get("locale")
        if locale and (order := locale_order(locale)):
            return order, f"every value fits either order; that is how the city's locale ({locale}) writes dates"
        return "dmy", "every value fits either order and nothing else says; day first is the common order in ASEAN (use --date-order mdy if not)"

    def when(self, text: str, line: int, index: int) -> str | None:
        """ISO 8601 UTC text of the date in column `index`, None when the cell is empty."""
        return when(text, line, self.columns[index], self.order.get(index, "dmy"))


def _reopen(table: Table, context: dict[str, Any] | None) -> Table:
    from citycourse.records.tables import open_table

    return open_table(table.path, {"sheet": (context or {}).get("sheet")})  # a fresh pass; not the progress handle


def when(text: str, line: int, column: str, order: str = "dmy") -> str | None:
    if not text.strip() or text.strip() == "-":
        return None
    try:
        value = parse_datetime(text, order)
    except CellError as exc:
        raise RowError(line, f"column {column!r}: {exc}") from None
    if value > dt.datetime.now(dt.timezone.utc) + FUTURE_TOLERANCE:
        raise RowError(line, f"column {column!r}: {text.strip()} is in the future", hint="check the date and time zone")
    return iso_utc(value)


def require(csvfile: Table, what: str, *names: str, prefix: bool = False) -> int:
    index = csvfile.column(*names, prefix=prefix)
    if index is None:
        found = ", ".join(repr(h) for h in csvfile.raw_header) or "no header row"
        raise RowError(
            1,
            f"missing column {what!r} (looked for: {', '.join(names)})",
            hint=f"columns found: {found}",
        )
    return index


def cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def stem_refs(path: Path, *patterns: str) -> list[str]:
    """Module references from a file name: the stem, and pieces the LMS put there."""
    stem = path.stem
    refs = []
    for pattern in patterns:
        match = re.match(pattern, stem, re.IGNORECASE)
        if match and match.group(1).strip() not in refs:
            refs.append(match.group(1).strip())
    return [*refs, stem]
