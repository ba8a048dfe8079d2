"""The languages added after the first eight: Leichte Sprache, Kurmancî, Română, Tigrinya,
Bulgarian — machine-drafted and marked so, written by their rules; and why Pashto is not one."""

from __future__ import annotations

import re

import arabic_reshaper
import pytest

from kiosk.i18n import messages as M
from kiosk.i18n.bidi import contains_presentation_forms, display
from kiosk.i18n.catalogs import read_catalog
from kiosk.i18n.formatting import format_number, format_people_before, format_wait_minutes
from kiosk.i18n.languages import UI_LANGUAGE_CODES, counsel_language_of
from kiosk.i18n.translator import po_path, translator

NEW = ["ls", "kmr", "ro", "ti", "bg"]


def _strings(lang: str) -> list[str]:
    out = []
    for m in read_catalog(po_path(lang), locale=lang):
        if m.id:
            out += list(m.string) if isinstance(m.string, tuple) else [m.string]
    return out


@pytest.mark.parametrize("lang", NEW)
def test_machine_drafted_catalogs_say_so_in_their_header(lang: str) -> None:
    head = po_path(lang).read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "MACHINE-DRAFTED" in head and "native speaker" in head


def test_romanian_uses_comma_below_never_cedilla() -> None:
    text = "".join(_strings("ro"))
    assert "ș" in text and "ț" in text
    assert "ş" not in text and "ţ" not in text  # s/t with cedilla: Turkish letters


def test_romanian_has_three_plural_forms_as_cldr_says() -> None:
    assert format_people_before(1, "ro").startswith("1 persoană")
    assert format_people_before(3, "ro").startswith("3 persoane")
    assert format_people_before(20, "ro").startswith("20 de persoane")


def test_kurmanci_is_latin_with_its_own_letters() -> None:
    text = "".join(_strings("kmr"))
    assert set("êîûçş") <= set(text)
    assert not re.search(r"[\u0600-\u06ff]", text)


def test_leichte_sprache_follows_din_spec_33429() -> None:
    """Short sentences, compounds split with a middle dot, no abbreviations, no brackets."""
    strings = _strings("ls")
    assert any("·" in s for s in strings)  # Bild·schirm, Kranken·kasse
    for s in strings:
        for sentence in re.split(r"(?<=[.!?:])\s+", s):
            assert len(sentence.split()) <= 12, sentence
        assert not re.search(r"\b(z\.B|bzw|usw|ggf|ca)\b", s), s
        assert "(" not in s, s
    assert translator("ls").gettext(M.TAKE_SEAT).count(".") == 3  # one statement each
    assert counsel_language_of("ls") == "de"  # counselled in German


def test_cldr_formatting_of_the_new_languages() -> None:
    assert format_number(1234, "bg") == "1\xa0234"
    assert format_number(1234, "ro") == "1.234"
    assert format_wait_minutes(20, "ls") == "Sie warten ungefähr 20 Minuten."
    assert format_wait_minutes(1, "ti").endswith("ደቒቕ")


def test_pashto_letters_cannot_be_shaped_by_the_app_so_pashto_is_not_a_screen_language() -> None:
    """ښ ځ ټ have no Arabic presentation forms: app-side shaping leaves them unjoined, so on
    a terminal that does no shaping (most; `bidi = "app"`) a Pashto word falls apart."""
    word = "ښځټ"
    shaped = arabic_reshaper.reshape(word)
    assert shaped == word  # nothing to join them with
    assert not contains_presentation_forms(display(word, "app"))
    arabic = arabic_reshaper.reshape("سلام")
    assert arabic != "سلام"  # Arabic letters do have them
    assert "ps" not in UI_LANGUAGE_CODES


def test_name_keyboards_of_the_new_languages_have_their_letters() -> None:
    from kiosk.ui.visitor.keyboards import LATIN, name_layout

    def keys(lang: str) -> set[str]:
        return {k for row in name_layout(lang).rows for k in row}

    assert set("çêîşû") <= keys("kmr")
    assert set("ăâîșț") <= keys("ro") and not set("şţ") & keys("ro")
    assert keys("bg") == set("абвгдежзийклмнопрстуфхцчшщъьюя")
    assert name_layout("ls") == name_layout("de")
    assert name_layout("ti") == LATIN  # no Ge'ez keyboard: Latin, or no name at all
