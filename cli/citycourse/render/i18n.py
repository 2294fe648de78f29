"""UI strings and dates in the city's language, falling back to English key by key.

Strings live in `render/i18n/<lang>.yaml`; any key a language lacks is taken
from `en.yaml`, so a partial translation still gives a complete site.
Dates are formatted with Babel for the same locale.
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
_MATERIAL_LANGUAGES = {
    "en", "vi", "id", "th", "tl", "ms", "my", "zh", "ja", "ko", "hi", "ar", "fr", "de", "es", "pt", "nl", "ru",
}
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


class Strings:
    """`t("key")`, `t("roles.planner")`, `t("pass_mark", percent=70)` in one language."""

    def __init__(self, lang: str) -> None:
        self.requested = lang
        self.lang = lang if lang in LANGUAGES else "en"
        self.data = _merge(_load("en"), _load(self.lang)) if self.lang != "en" else _load("en")

    def __call__(self, key: str, **values: Any) -> str:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return key.rsplit(".", 1)[-1]
            node = node[part]
        text = str(node)
        return text.format(**values) if values else text

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def date(self, value: dt.date, fmt: str = "long") -> str:
        from babel.dates import format_date

        try:
            return format_date(value, format=fmt, locale=self.requested)
        except Exception:  # noqa: BLE001 - an unknown locale falls back to English
            return format_date(value, format=fmt, locale="en")

    def number(self, value: int) -> str:
        """A whole number with the locale's digit grouping, e.g. 185,000 or 185.000."""
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
