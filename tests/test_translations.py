"""Translations: units and paths, PO export/import (round trip, refusals, atomic), status, stale text in the site."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO

MODULE = "smart-city-basics"
CURRICULUM = "smart-city-foundations"


def cli(*args: str):
    from citycourse.app import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def library_of(project: Path):
    from citycourse.loading import Project, load_project

    return load_project(Project(project), use_cache=False)


def content_files(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes()
            for p in sorted([*project.glob("modules/*.yaml"), *project.rglob("curricula/**/*.yaml")])}


def export(project: Path, lang: str, *args: str) -> Path:
    out = project / f"{lang}.po"
    result = cli("translations", "export", "--lang", lang, *args, "--out", str(out), "-C", str(project))
    assert result.exit_code == 0, result.output
    return out


def fill(po: Path, translate) -> None:
    """Give entries a translation: translate(msgctxt, msgid) returns the new msgstr or None to leave it."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            new = translate(message.context, message.id)
            if new is not None:
                message.string = new
                message.flags.discard("fuzzy")
    with po.open("wb") as handle:
        write_po(handle, catalog, width=0)


def fake_thai(text: str) -> str:
    """A stand-in translation that keeps the Markdown shape: a Thai word in front of a plain paragraph."""
    return f"ไทย {text}"


def plain(text: str) -> bool:
    return bool(re.match(r"[A-Za-z]", text)) and "\n\n" not in text


# ----------------------------------------------------------------------- units


def test_units_have_stable_unique_paths_and_split_paragraphs():
    from citycourse.translations import module_units, paragraphs

    library = library_of(REPO)
    module = library.modules[MODULE]
    units = module_units(module)
    paths = [u.path for u in units]
    assert len(paths) == len(set(paths))
    assert paths[:2] == ["title", "summary"]
    body = [p for p in paths if p.startswith("lessons[0].body#p")]
    assert len(body) == len(paragraphs(module.lessons[0].body)) > 1
    assert f"handouts[{module.handouts[0].id}].title" in paths
    assert f"glossary[{module.glossary[0].id}].definition" in paths
    first = next(u for u in units if u.path == "lessons[0].body#p1")
    assert first.source == paragraphs(module.lessons[0].body)[0] and len(first.fingerprint) == 12


def test_paragraphs_keep_a_list_together():
    from citycourse.translations import paragraphs

    assert paragraphs("Intro.\n\n- a\n- b\n\n\nEnd\nstill end.") == ["Intro.", "- a\n- b", "End\nstill end."]


# --------------------------------------------------------------------- export


def edit_english(project: Path, module_id: str, path: str) -> None:
    """Change the English of one unit (a paragraph) so its translations become stale; structure kept."""
    from citycourse.translations import module_units

    unit = next(u for u in module_units(library_of(project).modules[module_id]) if u.path == path)
    file = project / "modules" / f"{module_id}.yaml"
    old_line = unit.source.split("\n")[0]  # its first occurrence is the English text
    new_line = old_line[:-1] + " (edited)" + old_line[-1]
    file.write_text(file.read_text(encoding="utf-8").replace(old_line, new_line, 1), encoding="utf-8")


def test_export_has_context_references_comments_and_fuzzy_stale_entries(project: Path):
    edit_english(project, MODULE, "lessons[0].body#p1")
    po = export(project, "vi", MODULE, "--curricula").read_text(encoding="utf-8")
    assert '"Language: vi\\n"' in po
    title_line = next(i for i, line in enumerate((project / "modules" / f"{MODULE}.yaml").read_text().splitlines(), 1)
                      if line.startswith("title:"))
    assert f"#: modules/{MODULE}.yaml:{title_line}\nmsgctxt \"module:{MODULE}|title\"" in po
    assert f'msgctxt "curriculum:{CURRICULUM}|description"' in po
    assert "#. Lesson 1 text, paragraph 1" in po
    # The translation of the first paragraph was made from older English: fuzzy, old text kept.
    entry = po.split(f'msgctxt "module:{MODULE}|lessons[0].body#p1"')[0].rsplit("\n\n", 1)[1]
    assert "#, fuzzy" in entry
    assert po.count("msgctxt") == len(__import__("citycourse.translations", fromlist=["x"]).module_units(
        library_of(project).modules[MODULE])) + 4


def test_export_of_an_unknown_module_is_a_usage_error(project: Path):
    result = cli("translations", "export", "--lang", "th", "no-such-module", "-C", str(project))
    assert result.exit_code == 2
    assert "unknown module 'no-such-module'" in result.output


# --------------------------------------------------------------------- import


def test_round_trip_of_the_whole_library_changes_no_byte(project: Path):
    before = content_files(project)
    pos = [export(project, lang, "--curricula") for lang in ("vi", "id", "th", "ms")]
    result = cli("translations", "import", *map(str, pos), "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "0 file(s) written" in result.output
    assert content_files(project) == before


def test_import_writes_translations_keeping_every_byte_outside_the_block(project: Path):
    path = project / "modules" / f"{MODULE}.yaml"
    original = path.read_text(encoding="utf-8")
    po = export(project, "th", MODULE)
    fill(po, lambda ctx, msgid: fake_thai(msgid) if ctx.endswith(("|title", "|lessons[0].body#p1")) and plain(msgid) else None)
    result = cli("translations", "import", str(po), "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "2 translation(s) imported" in result.output
    text = path.read_text(encoding="utf-8")
    head = original[: original.index("\ntranslations:\n")]
    assert text.startswith(head + "\ntranslations:\n")  # comments, key order and text before the block untouched
    assert text.startswith("# yaml-language-server:")
    module = library_of(project).modules[MODULE]
    assert module.translations["th"]["title"].text == fake_thai(module.title)
    assert "th" in module.translations and list(module.translations) == sorted(module.translations)
    # Importing the same file again changes nothing.
    again = cli("translations", "import", str(po), "-C", str(project))
    assert "0 translation(s) imported" in again.output and path.read_text(encoding="utf-8") == text


def test_import_keeps_comments_and_key_order_when_the_block_is_added(project: Path):
    untranslated = next(m.id for m in library_of(project).modules.values() if not m.translations)
    path = project / "modules" / f"{untranslated}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nlevel:", "\n# a trainer's comment\nlevel:", 1), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    assert "\ntranslations:" not in before
    title = library_of(project).modules[untranslated].title
    po = export(project, "ms", untranslated)
    fill(po, lambda ctx, msgid: f"Terjemahan {msgid}" if ctx.endswith("|title") else None)
    assert cli("translations", "import", str(po), "-C", str(project)).exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before) and "# a trainer's comment\nlevel:" in after
    assert after[len(before):].startswith(f"translations:\n  ms:\n    title:\n      text: Terjemahan {title}")


def _entry_with(project: Path, pattern: str, module: str | None = None) -> tuple[str, str]:
    from citycourse.translations import owners

    for owner in owners(library_of(project), [module] if module else None, curricula=False):
        for unit in owner.units:
            if re.search(pattern, unit.source):
                return f"{owner.context}|{unit.path}", unit.source
    raise AssertionError(pattern)


@pytest.mark.parametrize(
    ("pattern", "break_it", "message"),
    [
        (r"\]\(glossary:", lambda s: s.replace("](glossary:", "] (glossary:", 1), "(glossary:...) link targets differ"),
        (r"\{ref:[^}]+\}", lambda s: re.sub(r"\{ref:[^}]+\}", "", s, count=1), "{ref:...} placeholders differ from the English"),
        (r"\(glossary:", lambda s: s.replace("(glossary:", "(glossary:x", 1), "(glossary:...) link targets differ"),
        (r"^- .*\n- ", lambda s: s.replace("\n- ", " ", 1), "Markdown structure differs: the English has"),
    ],
    ids=["broken-link", "missing-placeholder", "glossary-target", "list-items"],
)
def test_import_refuses_a_broken_entry_naming_it_and_writes_nothing(project: Path, pattern, break_it, message):
    context, source = _entry_with(project, pattern)
    broken = break_it(source)
    assert broken != source
    po = export(project, "th", context.split("|")[0].split(":")[1])
    fill(po, lambda ctx, msgid: broken if ctx == context else (fake_thai(msgid) if ctx.endswith("|title") else None))
    before = content_files(project)
    result = cli("translations", "import", str(po), "-C", str(project))
    assert result.exit_code == 1
    assert message in result.output
    assert f"field: {context}" in result.output
    assert re.search(rf"{re.escape(po.name)}:\d+: ", result.output)  # the PO line of the entry
    assert "hint:" in result.output
    assert content_files(project) == before


def test_changed_links_and_urls_are_refused():
    from citycourse.translations import check_translation

    english = "See [the portal](https://data.example.gov/x) and https://example.org/a."
    assert check_translation(english, "Lihat [portal](https://data.example.gov/x) dan https://example.org/a.", markdown=True) == []
    problems = check_translation(english, "Lihat [portal](https://evil.example/x) dan https://example.org/a.", markdown=True)
    assert [m for m, _ in problems] == ["links or URLs differ from the English (missing https://data.example.gov/x; "
                                         "not in the English: https://evil.example/x)"]
    assert check_translation("**Bold** `code`", "Tebal `code`", markdown=True)[0][0] == "bold spans differ: 1 in the English, 0 in the translation"


def test_fuzzy_entries_are_skipped_unless_accepted(project: Path):
    from citycourse.translations import state_of

    edit_english(project, MODULE, "lessons[0].body#p1")
    po = export(project, "vi", MODULE)
    result = cli("translations", "import", str(po), "-C", str(project))
    assert "fuzzy skipped" in result.output and "0 file(s) written" in result.output
    # Accept the stale translations whose structure still matches the current English.
    module = library_of(project).modules[MODULE]
    from citycourse.translations import check_translation, module_units

    units = {u.path: u for u in module_units(module)}
    ok = [p for p, t in module.translations["vi"].items()
          if state_of(units[p], t) == "stale" and not check_translation(units[p].source, t.text, markdown=units[p].markdown)]
    assert ok
    fill(po, lambda ctx, msgid: None)  # keep fuzzy flags as exported
    from babel.messages.pofile import read_po, write_po

    catalog = read_po(po.open("rb"))
    for message in catalog:
        if message.id and message.context.split("|")[1] not in ok:
            message.string = ""
    write_po(po.open("wb"), catalog, width=0)
    result = cli("translations", "import", "--accept-fuzzy", str(po), "-C", str(project))
    assert result.exit_code == 0, result.output
    after = library_of(project).modules[MODULE].translations["vi"]
    assert all(after[p].accepted and state_of(units[p], after[p]) == "accepted" for p in ok)


def test_a_failing_write_leaves_every_file_as_it_was(project: Path, monkeypatch):
    import citycourse.translations as translations

    po_th = export(project, "th", MODULE, "--curricula")
    fill(po_th, lambda ctx, msgid: fake_thai(msgid) if ctx.endswith("|title") else None)
    before = content_files(project)
    calls = []
    real_replace = os.replace

    def replace_then_fail(src, dst):  # the disk fills up after the first file was renamed into place
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(translations.os if hasattr(translations, "os") else os, "replace", replace_then_fail)
    result = cli("translations", "import", str(po_th), "-C", str(project))
    assert result.exit_code == 3
    assert len(calls) == 2
    assert content_files(project) == before
    assert not list(project.rglob("*.tmp"))


def test_an_invalid_entry_in_one_file_stops_every_file(project: Path):
    good = export(project, "ms", "open-data-basics")
    fill(good, lambda ctx, msgid: f"Terjemahan {msgid}" if ctx.endswith("|title") else None)
    bad = export(project, "ms", MODULE)
    context, source = _entry_with(project, r"\(glossary:", MODULE)
    fill(bad, lambda ctx, msgid: re.sub(r"\(glossary:[^)]*\)", "", msgid) if ctx == context else None)
    before = content_files(project)
    result = cli("translations", "import", str(good), str(bad), "-C", str(project))
    assert result.exit_code == 1
    assert content_files(project) == before


# ---------------------------------------------------------------- status, site


def _status(project: Path, lang: str) -> dict[str, dict]:
    result = cli("translations", "status", "--lang", lang, "--format", "json", "-C", str(project))
    assert result.exit_code == 0, result.output
    return {row["id"]: row for row in json.loads(result.output)}


@pytest.mark.slow
def drop_language(project: Path, module_id: str, lang: str) -> None:
    """Remove one language's translations from a module (the shipped ones would mask what a test sets up)."""
    from citycourse.translations import module_units, replace_block, translations_block

    module = library_of(project).modules[module_id]
    kept = {k: v for k, v in module.translations.items() if k != lang}
    path = project / "modules" / f"{module_id}.yaml"
    path.write_text(replace_block(path.read_text(encoding="utf-8"), translations_block(kept, module_units(module))),
                    encoding="utf-8")


def test_editing_one_english_paragraph_makes_exactly_that_unit_stale(project: Path):
    from citycourse.translations import module_units

    drop_language(project, MODULE, "th")
    module = library_of(project).modules[MODULE]
    body = [u for u in module_units(module) if u.path.startswith("lessons[0].body#p") and plain(u.source)]
    first, second = body[0], body[1]
    po = export(project, "th", MODULE)
    fill(po, lambda ctx, msgid: fake_thai(msgid) if ctx.split("|")[1] in (first.path, second.path, "title") else None)
    assert cli("translations", "import", str(po), "-C", str(project)).exit_code == 0
    row = _status(project, "th")[MODULE]
    assert (row["translated"], row["stale"], row["complete"]) == (3, 0, False)

    path = project / "modules" / f"{MODULE}.yaml"
    text = path.read_text(encoding="utf-8")
    old_line = first.source.split("\n")[0]  # its first occurrence is the English lesson
    path.write_text(text.replace(old_line, old_line.replace(" ", "  ", 1).replace("  ", " Edited: ", 1), 1), encoding="utf-8")
    row = _status(project, "th")[MODULE]
    assert (row["translated"], row["stale"]) == (2, 1)

    result = cli("build", CURRICULUM, "--city", "saen-dao", "--out", str(project / "out"), "-C", str(project))
    assert result.exit_code == 0, result.output
    html = (project / "out" / "saen-dao" / "modules" / f"{MODULE}.html").read_text(encoding="utf-8")
    assert fake_thai(module.title) in html
    assert "ไทย " + second.source.split("\n")[0].split(" ")[0] in html  # the current paragraph in Thai
    assert re.search(r'<p lang="en">[^<]*Edited:', html)  # the stale one in English, marked
    assert "ไทย " + first.source.split("\n")[0].split(" ")[0] + " " + first.source.split()[1] not in html
    assert "หน่วยนี้" in html or "ภาษาอังกฤษ" in html  # the "shown in English" note


def test_status_table_and_curricula(project: Path):
    result = cli("translations", "status", "--lang", "vi", "-C", str(project))
    assert result.exit_code == 0
    assert "vi:" in result.output and "complete" in result.output
    rows = _status(project, "vi")
    assert rows[CURRICULUM]["kind"] == "curriculum" and rows[CURRICULUM]["units"] == 2
    untranslated = next(m.id for m in library_of(project).modules.values() if "vi" not in m.translations)
    assert rows[untranslated]["translated"] == 0 and rows[untranslated]["missing"] == rows[untranslated]["units"]
    assert rows["open-data-basics"]["complete"] is True  # shipped translation


def test_curriculum_in_language_ignores_a_stale_title(project: Path):
    curriculum = library_of(project).curricula[CURRICULUM]
    assert curriculum.in_language("vi").title == curriculum.translations["vi"]["title"].text
    changed = curriculum.model_copy(update={"title": curriculum.title + " (2027)"})
    assert changed.in_language("vi").title == changed.title


# ------------------------------------------------------------- length ratio

#: Characters of translation per character of English, for lesson text. Measured on parallel
#: government and training texts (Latin-script Vietnamese, Indonesian, Malay and Filipino run
#: longer than English; Thai and Khmer have no spaces between words and run about as long or
#: shorter). Far outside the range usually means a paragraph is missing or doubled.
RATIO = {"vi": (0.9, 1.6), "id": (0.9, 1.5), "ms": (0.9, 1.5), "fil": (0.9, 1.6), "th": (0.7, 1.6), "km": (0.7, 1.8)}
MIN_CHARS = 300  # too little text for a ratio to mean anything


def lesson_ratios(library) -> dict[tuple[str, str], float]:
    """(module, language) → translated/English characters over the lesson paragraphs translated and current."""
    from citycourse.translations import module_units, state_of

    out = {}
    for module in library.modules.values():
        units = [u for u in module_units(module) if u.path.startswith("lessons[") and ".body#p" in u.path]
        for lang, table in module.translations.items():
            pairs = [(u.source, table[u.path].text) for u in units
                     if u.path in table and state_of(u, table[u.path]) == "current"]
            english = sum(len(e) for e, _ in pairs)
            if english >= MIN_CHARS:
                out[(module.id, lang)] = sum(len(t) for _, t in pairs) / english
    return out


def test_lesson_text_length_is_normal_for_the_language_pair():
    for (module_id, lang), ratio in lesson_ratios(library_of(REPO)).items():
        low, high = RATIO.get(lang, (0.6, 2.0))
        assert low <= ratio <= high, f"{module_id} [{lang}]: lesson text is {ratio:.2f}× the English (expected {low}–{high})"


def test_length_ratio_check_flags_a_truncated_translation(project: Path):
    drop_language(project, MODULE, "vi")
    po = export(project, "vi", MODULE)
    fill(po, lambda ctx, msgid: (msgid[: len(msgid) // 3] if plain(msgid) and "[" not in msgid and "*" not in msgid
                                 and "{" not in msgid else None) if ".body#p" in ctx else None)
    assert cli("translations", "import", str(po), "-C", str(project)).exit_code == 0
    ratio = lesson_ratios(library_of(project))[(MODULE, "vi")]
    assert ratio < RATIO["vi"][0]


def test_a_fingerprint_made_only_of_digits_round_trips(project: Path):
    """Regression: `source: 617632203719` was written unquoted and read back as a number."""
    from citycourse.models import fingerprint
    from citycourse.translations import module_units

    module = library_of(project).modules[MODULE]
    digits = [u for u in module_units(module) if fingerprint(u.source).isdigit()]
    assert digits, "the test needs a unit whose fingerprint is all digits (smart-city-basics lessons[1].body#p7)"
    po = export(project, "ms", MODULE)
    keep_markers = lambda msgid: re.sub(r"^(#+ |- |\d+\. )?", lambda m: (m.group(0) or "") + "ไทย ", msgid, count=1)
    fill(po, lambda ctx, msgid: keep_markers(msgid) if ctx.endswith("|" + digits[0].path) else None)
    result = cli("translations", "import", str(po), "-C", str(project))
    assert result.exit_code == 0, result.output
    stored = library_of(project).modules[MODULE].translations["ms"][digits[0].path]
    assert stored.source == fingerprint(digits[0].source) and stored.source.isdigit()
