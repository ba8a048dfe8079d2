"""Names, contacts and desk labels accept every script and its joiners, and refuse controls."""

from __future__ import annotations

import pytest

from kiosk.queue.errors import InvalidInput
from kiosk.staffing.console import Staffing
from kiosk.staffing.desks import desk_labels, set_desk_label
from kiosk.text_rules import MAX_NAME, clean_typed_text

ZWNJ, ZWJ = "\u200c", "\u200d"

#: Written as people spell them; the joiners are part of the spelling.
ACCEPTED = {
    "persian": f"علی{ZWNJ}رضا",
    "persian-plural": f"کتاب{ZWNJ}ها",
    "sorani": f"هێمن{ZWNJ}ی",
    "sinhala": f"ශ්{ZWJ}රී",
    "tigrinya": "ሰላም ተስፋይ",
    "german": "Jürgen Groß-Özdemir",
    "contact": "0171 555-01 23 / via Caritas (Frau K.)",
    "markup-looking": "[b]x[/b] [@click=app.quit]y[/]",
}

#: Invisible characters that must not be stored: they move, hide or act on text.
REFUSED = {
    "nul": "a\x00b", "esc": "a\x1b[31mb", "del": "a\x7fb", "c1-csi": "a\x9bb",
    "lre": "a\u202ab", "rle": "a\u202bb", "pdf": "a\u202cb", "lro": "a\u202db",
    "rlo": "a\u202eb", "lri": "a\u2066b", "rli": "a\u2067b", "fsi": "a\u2068b",
    "pdi": "a\u2069b", "lrm": "a\u200eb", "rlm": "a\u200fb", "alm": "a\u061cb",
    "zwsp": "a\u200bb", "word-joiner": "a\u2060b", "bom": "a\ufeffb", "soft-hyphen": "a\u00adb",
    "private-use": "a\ue000b", "unassigned": "a\u0378b",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_every_script_is_kept_as_typed_with_its_joiners(text):
    assert clean_typed_text("name", text, 80) == text


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_controls_other_than_the_joiners_are_refused(text):
    with pytest.raises(InvalidInput) as info:
        clean_typed_text("name", text, 80)
    assert (info.value.field, info.value.reason) == ("name", "bad_character")


def test_white_space_is_folded_and_the_text_normalised():
    assert clean_typed_text("label", "  Raum\t2.14 \n", 20) == "Raum 2.14"
    assert clean_typed_text("name", "Jo\u0308rg", 60) == "Jörg"  # NFC: one code point
    assert clean_typed_text("name", "   ", 60) == ""


def test_nothing_but_joiners_is_not_a_name():
    with pytest.raises(InvalidInput) as info:
        clean_typed_text("name", f"{ZWNJ} {ZWJ}", 60)
    assert info.value.reason == "bad_character"


def test_the_limit_counts_characters():
    assert clean_typed_text("name", "x" * MAX_NAME, MAX_NAME) == "x" * MAX_NAME
    with pytest.raises(InvalidInput) as info:
        clean_typed_text("name", "x" * (MAX_NAME + 1), MAX_NAME)
    assert info.value.reason == "too_long"


def test_mediator_name_and_contact_keep_zwnj_and_refuse_overrides(ctx):
    staffing = Staffing(ctx)
    m = staffing.mediators.add(ACCEPTED["persian"], ["fa"], contact=f"نزد {ACCEPTED['persian']}")
    assert (m.name, m.contact) == (ACCEPTED["persian"], f"نزد {ACCEPTED['persian']}")
    for field in ("name", "contact"):
        values = {"name": "Selam", "contact": "", field: REFUSED["rlo"]}
        with pytest.raises(InvalidInput) as info:
            staffing.mediators.add(values["name"], ["ti"], contact=values["contact"])
        assert info.value.field == field
    assert [x.name for x in staffing.mediators.list()] == [ACCEPTED["persian"]]


def test_staff_name_keeps_zwnj_and_refuses_overrides(ctx):
    directory = Staffing(ctx).directory
    profile = directory.add(ACCEPTED["persian"], ["fa"], "2468")
    assert profile.display_name == ACCEPTED["persian"]
    with pytest.raises(InvalidInput):
        directory.add(REFUSED["rli"], ["de"], "2468")
    with pytest.raises(InvalidInput) as info:
        directory.add(" ", ["de"], "2468")
    assert info.value.reason == "missing"


def test_desk_label_keeps_zwnj_and_refuses_overrides(ctx):
    set_desk_label(ctx.store, ctx.config, "2", f"اتاق{ZWNJ}۲")
    with pytest.raises(InvalidInput):
        set_desk_label(ctx.store, ctx.config, "1", REFUSED["lrm"])
    labels = desk_labels(ctx.store, ctx.config)
    assert labels["2"] == f"اتاق{ZWNJ}۲" and labels["1"] == "1"
