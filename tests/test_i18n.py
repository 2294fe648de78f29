"""UI strings: every language the product lists has every key, plural forms by Babel's rules."""

from __future__ import annotations

import re
import string

import pytest
import yaml

from citycourse.models import FOCUS_AREAS, LEVELS, ROLES, THEMES
from citycourse.render import i18n
from citycourse.render.i18n import LANGUAGES, Strings, flat_keys, is_plural


def load(lang: str) -> dict:
    return yaml.safe_load((i18n.Path(i18n.__file__).parent / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))


ENGLISH = flat_keys(load("en"))


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_file_has_every_key(lang: str) -> None:
    keys = flat_keys(load(lang))
    assert sorted(set(ENGLISH) - set(keys)) == [], f"{lang}.yaml lacks these keys"
    assert sorted(set(keys) - set(ENGLISH)) == [], f"{lang}.yaml has keys English does not (typos?)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_english(lang: str) -> None:
    """A translation uses the same {names} as English, so no value is lost or a format() fails."""

    def names(value: object) -> set[str]:
        texts = value.values() if isinstance(value, dict) else [value]
        return {n for text in texts if isinstance(text, str) for _, n, _, _ in string.Formatter().parse(text) if n}

    keys = flat_keys(load(lang))
    wrong = {k: (names(v), names(ENGLISH[k])) for k, v in keys.items() if k in ENGLISH and names(v) != names(ENGLISH[k])}
    assert not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_strings_have_exactly_the_locales_categories(lang: str) -> None:
    from babel import Locale

    categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
    keys = flat_keys(load(lang))
    for key, value in ENGLISH.items():
        if is_plural(value):
            assert isinstance(keys[key], dict) and set(keys[key]) == categories, (lang, key, keys[key])


def test_plural_picks_the_form_by_babels_rules() -> None:
    en, fil, vi = Strings("en"), Strings("fil"), Strings("vi")
    assert en.plural("min_electives", 1) == "Complete at least 1 elective module."
    assert en.plural("min_electives", 2) == "Complete at least 2 elective modules."
    # Filipino: the linker follows the sound of the number ("tatlong", "apat na").
    assert fil.plural_category(3) == "one" and fil.plural_category(4) == "other"
    assert fil.plural("min_electives", 3) != fil.plural("min_electives", 4).replace("4", "3")
    assert vi.plural("min_electives", 1) == "Hoàn thành ít nhất 1 học phần tự chọn."
    assert vi.plural("track_intro", 12.5).endswith("(12,5 giờ).")  # Vietnamese decimal comma


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_for_every_closed_set(lang: str) -> None:
    """Levels, activity and assessment kinds, roles, rules, focus areas and themes all have a label."""
    from citycourse.models import MoveOn

    keys = flat_keys(load(lang))
    wanted = [f"levels.{x}" for x in LEVELS] + [f"roles.{x}" for x in ROLES] + [f"focus_areas.{x}" for x in FOCUS_AREAS]
    wanted += [f"themes.{x}" for x in THEMES] + [f"completion.{x}" for x in MoveOn.__args__]  # type: ignore[attr-defined]
    wanted += [f"kinds.{x}" for x in ("individual", "pair", "group", "field-visit", "discussion", "role-play",
                                      "quiz", "project", "observation", "reflection")]
    assert [k for k in wanted if k not in keys] == []


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_built_in_glossary_is_translated(lang: str) -> None:
    english = load("en")["glossary_terms"]
    terms = load(lang)["glossary_terms"]
    assert [t["id"] for t in terms] == [t["id"] for t in english]
    same = [t["id"] for t, e in zip(terms, english) if t["definition"] == e["definition"]]
    assert same == [], f"{lang}: definitions still in English"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_are_not_english_copies(lang: str) -> None:
    """A value equal to the English one is allowed only for names and symbols (e.g. "Status", "%")."""
    allowed = re.compile(r"^[\W\d_]*$|^(Status|Module|Modul|Track|Glosari|IT|Internet)$")
    keys = flat_keys(load(lang))
    copies = [k for k, v in keys.items() if isinstance(v, str) and len(v) > 12 and v == ENGLISH.get(k)
              and not allowed.match(v)]
    assert copies == []


def test_city_strings_override_the_built_in_ones() -> None:
    t = Strings("vi", {"fictional_marker": "(giả định)", "roles.planner": "Chuyên viên quy hoạch"})
    assert t("fictional_marker") == "(giả định)"
    assert t("roles.planner") == "Chuyên viên quy hoạch"
    assert t("roles.it-officer") == "Cán bộ công nghệ thông tin"
    assert i18n.unknown_overrides({"fictional_markr": "x", "contact": "y"}) == ["fictional_markr"]


def test_thai_dates_use_the_buddhist_era() -> None:
    import datetime as dt

    th = Strings("th")
    day = dt.date(2027, 4, 8)  # a Thursday
    assert th.date(day, "long") == "8 เมษายน พ.ศ. 2570"
    assert th.date(day, "medium") == "8 เม.ย. 2570"
    assert th.date(day, "full").startswith("วันพฤหัสบดี") and "2027" not in th.date(day, "full")
    assert Strings("vi").date(day, "medium").endswith("2027")
