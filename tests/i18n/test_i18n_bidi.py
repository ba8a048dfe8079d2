"""Bidi display: "app" shapes and reorders per wrapped line, "terminal" changes nothing."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.i18n import messages as M
from kiosk.i18n import translator
from kiosk.i18n.bidi import (
    BidiModeError,
    cell_width,
    contains_presentation_forms,
    display,
    display_lines,
    has_rtl,
    paragraph_direction,
    wrap_logical,
)


def _base(text: str) -> str:
    """Map presentation forms back to base letters (NFKC), to compare with logical text."""
    return unicodedata.normalize("NFKC", text)


def test_mixed_arabic_latin_digits_in_app_mode() -> None:
    shown = display("رقم A-017", "app")
    # The Arabic word sits at the right, the Latin code keeps its own order at the left.
    assert shown == "A-017 \ufee2\ufed7\ufead"
    assert _base(shown) == "A-017 مقر"
    assert contains_presentation_forms(shown)


def test_terminal_mode_is_identity() -> None:
    for text in ("رقم A-017", "شماره شما", "Ihre Nummer", "اسمك الأول (اختياري)", ""):
        assert display(text, "terminal") == text
    text = translator("fa").gettext(M.TAKE_SEAT)
    assert display_lines(text, 1000, "terminal") == [text]


def test_app_mode_leaves_left_to_right_text_alone() -> None:
    for text in ("Ihre Nummer: A-017", "Українська", "Türkçe (2)"):
        assert display(text, "app") == text


def test_shaping_uses_contextual_forms_and_persian_letters() -> None:
    shown = display("می‌خواهید", "app")
    # initial meem, final Persian yeh (U+FBFD, not the Arabic yeh forms), no ZWNJ left over
    assert shown.endswith("\ufee3")
    assert "\ufbfd" in shown
    assert "\u200c" not in shown
    assert "\ufef2" not in shown and "\ufef0" not in shown
    assert display("لا", "app") == "\ufefb"  # mandatory lam-alef ligature


def test_brackets_are_mirrored_in_rtl_runs() -> None:
    shown = display("اسمك الأول (اختياري)", "app")
    assert shown.startswith("(") and shown.index("(") < shown.index(")")


def test_wrap_happens_in_logical_order_first_line_on_top() -> None:
    words = ["يرجى", "الجلوس.", "سيظهر", "رقمك", "على", "الشاشة."]
    text = " ".join(words)
    lines = display_lines(text, 14, "app")
    assert len(lines) > 1
    logical_lines = wrap_logical(text, 14)
    # each visual line is exactly its logical line, reversed word by word (RTL paragraph)
    for visual, logical in zip(lines, logical_lines, strict=True):
        assert _base(visual).split(" ") == [_base(w)[::-1] for w in reversed(logical.split(" "))]
    assert _base(lines[0]).endswith(words[0][::-1])  # first word: top line, rightmost
    assert _base(lines[-1]).startswith(words[-1][::-1])  # last word: bottom line, leftmost


def test_reorder_then_wrap_would_put_the_end_on_top() -> None:
    """The mistake STYLE.md warns about, shown so the test above means something."""
    text = "يرجى الجلوس. سيظهر رقمك على الشاشة."
    wrong = wrap_logical(display(text, "app"), 14)
    right = display_lines(text, 14, "app")
    assert wrong[0] != right[0]
    assert "ﺔﺷﺎﺸﻟﺍ" in wrong[0]  # "the screen", the paragraph's last word, lands on top


def test_wrapped_line_starting_with_latin_keeps_the_paragraph_direction() -> None:
    text = "رقمك هو A-017 الآن"
    assert wrap_logical(text, 10) == ["رقمك هو", "A-017 الآن"]
    lines = display_lines(text, 10, "app")
    # on its own, "A-017 الآن" would be an LTR line; in this RTL paragraph "now" reads first,
    # at the right, and the code stays to its left
    assert lines[1] == "\ufee5\ufef5\ufe8d A-017"
    assert display("A-017 الآن", "app").startswith("A-017")
    assert display("A-017 الآن", "app", direction="rtl") == lines[1]
    assert paragraph_direction(text) == "rtl"


def test_newlines_are_paragraphs_each_with_its_own_direction() -> None:
    lines = display_lines("Ihre Nummer\nرقمك", 40, "app")
    # final kaf, medial meem, initial qaf, isolated reh: right to left, joined
    assert lines == ["Ihre Nummer", "\ufeda\ufee4\ufed7\ufead"]


def test_invalid_mode_and_width() -> None:
    with pytest.raises(BidiModeError):
        display("x", "auto")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="width"):
        display_lines("x", 0, "app")


def test_every_catalog_line_fits_its_width_in_app_mode() -> None:
    for lang in ("ar", "fa"):
        t = translator(lang)
        for msgid in (M.TAKE_SEAT, M.CLOSED_DURING_CHECKIN, M.APPOINTMENT_NOT_FOUND, M.NAME_WHY):
            for width in (12, 20, 38):
                for line in display_lines(t.gettext(msgid), width, "app"):
                    assert cell_width(line) <= width


_text = st.lists(
    st.sampled_from(["رقم", "شما", "لا", "می‌خواهید", "A-017", "12", "٣", "Nummer", "(x)", "."]),
    min_size=0,
    max_size=12,
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(text=_text, width=st.integers(min_value=3, max_value=30))
def test_app_and_terminal_wrap_the_same_lines(text: str, width: int) -> None:
    logical = display_lines(text, width, "terminal")
    visual = display_lines(text, width, "app")
    assert len(logical) == len(visual)
    for log_line, vis_line in zip(logical, visual, strict=True):
        assert cell_width(vis_line) <= width
        if not has_rtl(log_line):
            assert vis_line == log_line
        # same letters, only order and glyph forms differ (ZWNJ is dropped after shaping)
        plain = sorted(_base(log_line).replace("\u200c", ""))
        assert sorted(_base(vis_line).replace("(", "").replace(")", "")) == sorted(
            c for c in plain if c not in "()"
        )
