"""The ticket image in Arabic, Persian, Ukrainian and Tigrinya against reference renders."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, features

from kiosk.printing.render import TicketContent, render_ticket
from tests.printing.pixels import TOLERANCE, blobs, differing_share
from tests.printing.samples import LANGS, REFERENCES, WIDTHS, sample


def test_pillow_has_the_raqm_layout_engine() -> None:
    """Without libraqm (and libfribidi) Arabic would print unjoined and left to right."""
    assert features.check("raqm")


@pytest.mark.parametrize("lang", LANGS)
def test_ticket_matches_its_reference_render(lang: str) -> None:
    image = render_ticket(sample(lang), WIDTHS[lang])
    reference = Image.open(REFERENCES / f"ticket-{lang}.png")
    assert image.mode == "1" and image.width == WIDTHS[lang]
    assert differing_share(image, reference) <= TOLERANCE


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_script_is_joined_by_shaping(lang: str) -> None:
    """The same words with shaping off (each letter on its own, in typing order) must look
    different, and fall apart into many more separate blobs of ink."""
    content = sample(lang)
    shaped = render_ticket(content)
    unshaped = render_ticket(content, shaping=False)
    assert differing_share(shaped, unshaped) > 0.01
    # the visitor's lines: below the number, above the German footer
    plain = TicketContent(content.number, "", "", content.lines, content.direction,
                          content.language)
    joined, apart = render_ticket(plain), render_ticket(plain, shaping=False)
    box = (0, joined.height // 3, joined.width, joined.height)
    assert blobs(joined, box) * 1.15 < blobs(apart, box)  # Persian: ا د ر ز و never join


def test_right_to_left_lines_start_on_the_right() -> None:
    """An Arabic sentence ending in a number: the number goes to the left end of the line
    (where a right-to-left line ends) and the sentence keeps to the right."""
    def line(text: str) -> Image.Image:
        return render_ticket(TicketContent("", "", "", (text,), "rtl", "ar"))

    sentence, with_number = line("عدد الأشخاص أمامك:"), line("عدد الأشخاص أمامك: 3")
    assert sentence.size == with_number.size
    grown = (max(_ink_columns(with_number)) - min(_ink_columns(with_number))) - (
        max(_ink_columns(sentence)) - min(_ink_columns(sentence)))
    assert grown > 10
    # lines are centred: the sentence moved half the growth to the right if the number was
    # added on its left, to the left if (wrongly) on its right
    on_the_right = differing_share(ImageChops.offset(sentence, grown // 2, 0), with_number)
    on_the_left = differing_share(ImageChops.offset(sentence, -grown // 2, 0), with_number)
    assert on_the_right * 3 < on_the_left


def test_long_lines_wrap_within_the_paper() -> None:
    long = TicketContent("A-100", "Lütgendortmund · Werkstatt", "30.11.2026 09:14",
                         ("Будь ласка, сідайте. " * 6,), "ltr", "uk")
    for width in (384, 576):
        image = render_ticket(long, width)
        assert image.width == width
        columns = _ink_columns(image)
        assert max(columns) < width - 8 and min(columns) > 8


def _ink_columns(image: Image.Image) -> list[int]:
    data = image.load()
    return [x for x in range(image.width) if any(not data[x, y] for y in range(image.height))]
