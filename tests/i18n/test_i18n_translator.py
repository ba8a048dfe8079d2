"""Translators are per language, cached, explicit, and the package stays free of Textual."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from babel import Locale

from kiosk.i18n import (
    DEFAULT_CONCERNS,
    INTERPRETER_LANGUAGES,
    LANGUAGES,
    UI_LANGUAGE_CODES,
    CatalogMissingError,
    UnknownLanguageError,
    concern_label,
    endonym,
    is_rtl,
    load_translator,
    translator,
)
from kiosk.i18n import (
    messages as M,
)
from kiosk.i18n.catalogs import read_catalog
from kiosk.i18n.translator import po_path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_importing_i18n_does_not_touch_the_process_locale() -> None:
    """(That kiosk.i18n never imports textual is an import-linter contract, pyproject.toml.)"""
    code = textwrap.dedent(
        """
        import locale, sys
        before = locale.setlocale(locale.LC_ALL)
        import kiosk.i18n as i18n
        i18n.translator("fa").gettext("Welcome")
        i18n.format_number(12, "fa", native_digits=True)
        i18n.display("رقم A-017", "app")
        assert locale.setlocale(locale.LC_ALL) == before, "process locale changed"
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=REPO_ROOT, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_languages_are_ordered_endonyms_with_direction() -> None:
    assert [(i.code, i.endonym, i.direction) for i in LANGUAGES] == [
        ("de", "Deutsch", "ltr"),
        ("ar", "العربية", "rtl"),
        ("fa", "فارسی / دری", "rtl"),  # Afghan visitors look for Dari
        ("en", "English", "ltr"),
        ("fr", "Français", "ltr"),
        ("uk", "Українська", "ltr"),
        ("tr", "Türkçe", "ltr"),
        ("ru", "Русский", "ltr"),
        ("ls", "Leichte Sprache", "ltr"),  # easy-read German (DIN SPEC 33429)
        ("kmr", "Kurmancî", "ltr"),
        ("ro", "Română", "ltr"),
        ("ti", "ትግርኛ", "ltr"),
        ("bg", "Български", "ltr"),
    ]
    assert is_rtl("ar") and is_rtl("fa") and is_rtl("ps") and is_rtl("ckb")
    assert not is_rtl("de") and not is_rtl("ti")


def test_interpreter_languages_include_the_researched_ones_by_their_own_names() -> None:
    names = {i.endonym for i in INTERPRETER_LANGUAGES}
    for name in (
        "Kurmancî",
        "سۆرانی",
        "پښتو",
        "ትግርኛ",
        "Română",
        "Български",
        "Polski",
        "Español",
        "Soomaali",
        "دری",
    ):
        assert name in names
    assert len({i.code for i in INTERPRETER_LANGUAGES}) == len(INTERPRETER_LANGUAGES)
    assert endonym("kmr") == "Kurmancî"


def test_translator_is_cached_per_language_and_languages_do_not_leak() -> None:
    assert translator("fa") is translator("fa")
    assert translator("fa") is not translator("ar")
    assert translator("fa").gettext(M.WELCOME) == "خوش آمدید"
    assert translator("de").gettext(M.WELCOME) == "Willkommen"
    assert translator("en").gettext(M.WELCOME) == "Welcome"
    assert translator("fa").direction == "rtl"


def test_two_visitors_in_two_languages_at_once() -> None:
    results: dict[str, list[str]] = {"uk": [], "tr": []}

    def work(lang: str) -> None:
        for _ in range(200):
            results[lang].append(translator(lang).gettext(M.BACK))

    threads = [threading.Thread(target=work, args=(lang,)) for lang in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results["uk"]) == {"Назад"}
    assert set(results["tr"]) == {"Geri"}


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "хвилина"),
        (2, "хвилини"),
        (5, "хвилин"),
        (11, "хвилин"),
        (21, "хвилина"),
        (24, "хвилини"),
    ],
)
def test_ukrainian_plural_forms(n: int, expected: str) -> None:
    text = translator("uk").ngettext(*M.WAIT_ABOUT, n).format(minutes=n)
    assert text == f"Час очікування: приблизно {n} {expected}"


_CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


def test_arabic_plural_rule_numbers_its_forms_in_cldr_order() -> None:
    """Translators' tools label form 4 "many" (11-99) and form 5 "other" (100-102): the
    header must number them so, or a translator fills 11-99 into the form for 100."""
    expression = read_catalog(po_path("ar"), locale="ar").plural_expr
    rule = gettext.c2py(expression)
    arabic = Locale("ar")
    for n in range(0, 1000):
        assert rule(n) == _CLDR_ORDER.index(arabic.plural_form(n)), n
    assert translator("ar")._catalog.plural(11) == 4  # the compiled .mo says the same


@pytest.mark.parametrize("message", [M.PEOPLE_BEFORE, M.WAIT_ABOUT, M.IDLE_COUNTDOWN])
def test_arabic_dual_never_puts_a_singular_noun_after_the_number(message) -> None:
    """"2 شخص" is ungrammatical (the dual is شخصان); the review's remedy is one
    "label: number" sentence that is right for every count."""
    text = translator("ar").ngettext(*message, 2)
    for noun in ("شخص", "دقيقة", "ثانية"):
        assert not re.search(r"\{\w+\}\s*" + noun, text), text


def test_concern_labels_use_context_and_keep_german_keyword() -> None:
    assert [c.id for c in DEFAULT_CONCERNS] == [
        "post",
        "jobcenter",
        "aufenthalt",
        "wohnen",
        "energie",
        "familie",
        "schule",
        "deutsch",
        "arbeit",
        "gesundheit",
        "geld",
        "mobilitaet",
        "begegnung",
        "ehrenamt",
        "sonstiges",
    ]
    assert concern_label("sonstiges", "de") == "Weiß nicht / Persönlich"
    assert concern_label("sonstiges", "fa") == "نمی‌دانم / شخصی"
    assert concern_label("jobcenter", "en") == "Jobcenter & benefits"
    for lang in UI_LANGUAGE_CODES:
        labels = [concern_label(c.id, lang) for c in DEFAULT_CONCERNS]
        assert len(set(labels)) == 15, lang
    keywords = {c.id: c.keyword_de for c in DEFAULT_CONCERNS}
    assert "Ausländerbehörde" in keywords["aufenthalt"]
    assert "Kindergeld" in keywords["familie"]
    assert "Wohngeld" in keywords["wohnen"]
    assert "Jobcenter" in keywords["jobcenter"]


def test_unknown_and_interpreter_only_languages_are_refused_clearly() -> None:
    with pytest.raises(UnknownLanguageError, match="'xx'"):
        translator("xx")
    with pytest.raises(UnknownLanguageError, match="no kiosk catalog"):
        translator("ps")  # Pashto: an interpreter language only (README "Languages")
    with pytest.raises(UnknownLanguageError):
        is_rtl("xx")


def test_missing_compiled_catalog_names_the_fix(tmp_path) -> None:
    with pytest.raises(CatalogMissingError, match=r"kiosk\.i18n\.compile"):
        load_translator("de", tmp_path)
