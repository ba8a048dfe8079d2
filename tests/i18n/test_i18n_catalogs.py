"""The catalogs are complete, keep their placeholders, match the code, and ship compiled."""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kiosk.i18n.catalogs import (
    TEMPLATE_PATH,
    compile_catalogs,
    extract_template,
    placeholders,
    read_catalog,
    stale_catalogs,
)
from kiosk.i18n.languages import UI_LANGUAGE_CODES
from kiosk.i18n.translator import LOCALES_DIR, load_translator, mo_path, po_path

LANGS = list(UI_LANGUAGE_CODES)
TEMPLATE = read_catalog(TEMPLATE_PATH)
TEMPLATE_KEYS = {(m.context, m.id) for m in TEMPLATE if m.id}

# Letters each language's translations must contain (catches English pasted as a translation).
SCRIPT_OF = {"ar": "ARABIC", "fa": "ARABIC", "uk": "CYRILLIC", "ru": "CYRILLIC",
             "bg": "CYRILLIC", "ti": "ETHIOPIC"}

REPO_ROOT = Path(__file__).resolve().parents[2]


def _forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_all_thirteen_languages_have_catalogs() -> None:
    assert LANGS == ["de", "ar", "fa", "en", "fr", "uk", "tr", "ru",
                     "ls", "kmr", "ro", "ti", "bg"]
    for lang in LANGS:
        assert po_path(lang).is_file(), lang


def test_template_covers_every_message_in_the_code() -> None:
    """A msgid used in kiosk/ but missing from kiosk.pot means a screen would show English."""
    in_code = {(m.context, m.id) for m in extract_template() if m.id}
    missing = in_code - TEMPLATE_KEYS
    assert not missing, f"run `python -m kiosk.i18n.extract` and translate: {sorted(missing)}"


def test_template_has_the_visitor_flow_and_all_15_concerns() -> None:
    concerns = {mid for ctx, mid in TEMPLATE_KEYS if ctx == "concern"}
    assert len(concerns) == 15
    plain = {mid for ctx, mid in TEMPLATE_KEYS if ctx is None}
    for msgid in (
        "Welcome",
        "Continue without a name",
        "This code was not found. Please check it or ask at the desk.",
        ("Waiting time: about {minutes} minute", "Waiting time: about {minutes} minutes"),
        ("{count} person is waiting ahead of you.", "{count} people are waiting ahead of you."),
        "Please take a seat. Your number will be shown on the screen.",
    ):
        assert msgid in plain


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete_not_fuzzy_and_keeps_placeholders(lang: str) -> None:
    catalog = read_catalog(po_path(lang), locale=lang)
    by_key = {(m.context, m.id): m for m in catalog if m.id}
    problems = []
    for key in sorted(TEMPLATE_KEYS, key=str):
        message = by_key.get(key)
        if message is None:
            problems.append(f"missing {key}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy {key}")
        forms = _forms(message)
        if isinstance(message.id, tuple) and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} plural forms, need {catalog.num_plurals}: {key}")
        expected = set().union(*(placeholders(i) for i in _ids(message)))
        for form in forms:
            if not form.strip():
                problems.append(f"empty {key}")
            elif placeholders(form) != expected:
                problems.append(f"placeholders {placeholders(form)} != {expected}: {key}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", sorted(SCRIPT_OF))
def test_translations_are_written_in_the_language_script(lang: str) -> None:
    script = SCRIPT_OF[lang]
    catalog = read_catalog(po_path(lang), locale=lang)
    for message in catalog:
        if not message.id:
            continue
        for form in _forms(message):
            assert any(script in unicodedata.name(ch, "") for ch in form), (lang, form)


def test_persian_uses_persian_letters_and_arabic_uses_arabic_letters() -> None:
    """Persian yeh/kaf are U+06CC/U+06A9; the Arabic forms U+064A/U+0643 look alike but break
    search, sorting and shaping for Persian readers (and vice versa)."""
    fa = "".join("".join(_forms(m)) for m in read_catalog(po_path("fa"), locale="fa") if m.id)
    ar = "".join("".join(_forms(m)) for m in read_catalog(po_path("ar"), locale="ar") if m.id)
    assert "\u064a" not in fa and "\u0643" not in fa
    assert "\u06cc" in fa and "\u06a9" in fa
    assert "\u06cc" not in ar and "\u06a9" not in ar


def test_shipped_mo_files_are_not_stale() -> None:
    stale = stale_catalogs()
    assert not stale, f"run `python -m kiosk.i18n.compile` (stale: {stale})"


def test_check_detects_an_edited_po_and_compile_fixes_it(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    assert stale_catalogs(locales_dir=locales) == []
    po = po_path("de", locales)
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgstr "Willkommen"', 'msgstr "Herzlich willkommen"'
        ),
        encoding="utf-8",
    )
    assert stale_catalogs(locales_dir=locales) == ["de"]
    changed = compile_catalogs(locales_dir=locales)
    assert [p.parent.parent.name for p in changed] == ["de"]
    assert stale_catalogs(locales_dir=locales) == []
    assert load_translator("de", locales).gettext("Welcome") == "Herzlich willkommen"


def test_a_different_babel_version_in_the_header_is_not_stale(tmp_path: Path) -> None:
    """Only meaning counts: a .mo compiled by another Babel release must not fail CI."""
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    mo = mo_path("fa", locales)
    data = mo.read_bytes()
    marker = b"Generated-By: Babel "
    start = data.index(marker) + len(marker)
    end = data.index(b"\n", start)
    mo.write_bytes(data[:start] + b"9" * (end - start) + data[end:])
    assert mo.read_bytes() != data
    assert stale_catalogs(locales_dir=locales) == []


def test_compile_check_command_exit_status() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.i18n.compile", "--check"],
        capture_output=True,
        cwd=REPO_ROOT,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
