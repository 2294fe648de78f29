"""UI strings and dates in the city's language, falling back to English key by key.

Strings live in `render/i18n/<lang>.yaml`; every language the product lists
has every key (tests/test_i18n.py), and a language without a file gets the
English strings and an English page. A city profile's `strings:` override keys
for its own site (a local word for "fictional", a contact label).

Counts never go into a sentence by concatenation: a string that holds a number
is a mapping from CLDR plural category to text (`{one: ..., other: ...}`), and
`Strings.plural` picks the category with Babel's plural rules for the locale
(English one/other; Filipino one/other by the sound of the number; Vietnamese,
Thai, Indonesian, Malay and Khmer other only).
Dates and numbers are formatted with Babel for the same locale.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

#: Languages with a strings file (English is the fallback for everything else).
LANGUAGES = ("en", "vi", "id", "th", "fil", "km", "ms")
#: mkdocs-material's theme language code where it differs from ours.
_MATERIAL_LANGUAGE = {"fil": "tl"}
#: Theme languages: mkdocs-material's own, plus Khmer from `assets/theme/partials/languages/km.html`
#: (the theme has none; without it a Khmer page would say lang="en").
_MATERIAL_LANGUAGES = {
    "en", "vi", "id", "th", "tl", "ms", "my", "zh", "ja", "ko", "hi", "ar", "fr", "de", "es", "pt", "nl", "ru",
    "km",
}
#: CLDR plural categories, the keys of a plural string.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: Languages lunr (the search engine) can stem; others are searched with English rules.
_SEARCH_LANGUAGES = {"th", "vi", "ja", "zh", "ko", "hi", "ar", "fr", "de", "es", "pt", "nl", "ru"}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, Any]:
    path = Path(__file__).parent / "i18n" / f"{lang}.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def flat_keys(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{"roles.planner": "Planners", ...}`: every leaf key (a plural mapping counts as one leaf)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not is_plural(value):
            out.update(flat_keys(value, f"{name}."))
        else:
            out[name] = value
    return out


def is_plural(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and "other" in value and set(value) <= set(PLURAL_CATEGORIES)


def _unflatten(overrides: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        node = out
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def unknown_overrides(overrides: dict[str, str]) -> list[str]:
    """Keys of a city's `strings:` that are not UI keys (a typo would otherwise be ignored silently)."""
    known = flat_keys(_load("en"))
    return sorted(key for key in overrides if key not in known or key == "glossary_terms")


class Strings:
    """`t("key")`, `t("roles.planner")`, `t("pass_mark", percent=70)`, `t.plural("sessions", 3)` in one language."""

    def __init__(self, lang: str, overrides: dict[str, str] | None = None) -> None:
        self.requested = lang
        self.lang = lang if lang in LANGUAGES else "en"
        self.data = _merge(_load("en"), _load(self.lang)) if self.lang != "en" else _load("en")
        if overrides:
            self.data = _merge(self.data, _unflatten(overrides))

    def raw(self, key: str) -> Any:
        """The stored value of `key` (text, plural mapping or list); the key's last part when missing."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return key.rsplit(".", 1)[-1]
            node = node[part]
        return node

    def __call__(self, key: str, **values: Any) -> str:
        node = self.raw(key)
        if is_plural(node):  # a count-free use of a plural string: the general form
            node = node["other"]
        text = str(node)
        return text.format(**values) if values else text

    def plural_category(self, count: float) -> str:
        """CLDR plural category of `count` in this locale (Babel), e.g. en 1 → "one", fil 4 → "other"."""
        from babel import Locale

        try:
            return str(Locale.parse(self.requested if self.lang != "en" else "en").plural_form(count))
        except Exception:  # noqa: BLE001 - an unknown locale counts like English
            return str(Locale.parse("en").plural_form(count))

    def plural_form(self, key: str, count: float) -> str:
        """The unformatted text of plural string `key` for `count`."""
        node = self.raw(key)
        if not is_plural(node):
            return str(node)
        return str(node.get(self.plural_category(count), node["other"]))

    def plural(self, key: str, count: float, **values: Any) -> str:
        """`key` for `count` items, with `{n}` the count in the locale's digits: "1 session", "3 sessions"."""
        return self.plural_form(key, count).format(n=self.number(count), **values)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def date(self, value: dt.date, fmt: str = "long") -> str:
        from babel.dates import format_date

        try:
            if self.requested.split("_")[0] == "th":
                return _thai_date(value, fmt)
            return format_date(value, format=fmt, locale=self.requested)
        except Exception:  # noqa: BLE001 - an unknown locale falls back to English
            return format_date(value, format=fmt, locale="en")

    def number(self, value: float) -> str:
        """A number with the locale's digit grouping and decimal sign, e.g. 185,000 or 1,5."""
        from babel.numbers import format_decimal

        try:
            return format_decimal(value, locale=self.requested)
        except Exception:  # noqa: BLE001 - an unknown locale falls back to English
            return format_decimal(value, locale="en")

    def country(self, code: str) -> str:
        """A country's name in this UI language (Babel), e.g. ID → "Indonesia"."""
        from babel import Locale

        for locale in (self.requested, "en"):
            try:
                name = Locale.parse(locale).territories.get(code)
            except Exception:  # noqa: BLE001
                name = None
            if name:
                return str(name)
        return code

    def language_name(self, lang: str) -> str:
        """The name of `lang` in this UI language (Babel), e.g. vi → "Tiếng Việt" for vi."""
        from babel import Locale

        try:
            return Locale.parse(lang).get_display_name(self.requested) or lang
        except Exception:  # noqa: BLE001
            return lang


def material_language(lang: str) -> str:
    code = _MATERIAL_LANGUAGE.get(lang, lang)
    return code if code in _MATERIAL_LANGUAGES else "en"


def search_languages(lang: str) -> list[str]:
    return ["en", lang] if lang in _SEARCH_LANGUAGES else ["en"]


def _thai_date(value: dt.date, fmt: str) -> str:
    """A date as Thai official writing has it: Buddhist Era years (พ.ศ. 2570 for 2027), as CLDR's Thai
    patterns otherwise; babel has no Buddhist calendar, so the year is put in as a literal."""
    import re

    from babel import Locale
    from babel.dates import format_date

    pattern = Locale.parse("th").date_formats[fmt].pattern if fmt in ("short", "medium", "long", "full") else fmt
    year = value.year + 543
    pattern = pattern.replace("G y", "y").replace("G", "")
    if "yy" in pattern and "yyy" not in pattern:
        pattern = re.sub(r"yy", f"'{year % 100:02d}'", pattern)
    else:
        pattern = re.sub(r"y+", f"'พ.ศ. {year}'" if fmt in ("long", "full") else f"'{year}'", pattern)
    return format_date(value, format=pattern, locale="th")
