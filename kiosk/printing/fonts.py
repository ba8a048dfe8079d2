"""Which installed font prints which script: Noto, as the kiosk display installs it.

Pillow draws with one font at a time and has no fallback, and no single Noto font covers
every script a ticket needs (Noto Sans Ethiopic has no digits), so a line is cut into runs
by script and each run gets its font. Debian's fonts-noto-core ships all of them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from PIL import ImageFont

from kiosk.printing.errors import PrinterError

Script = Literal["latin", "arabic", "ethiopic"]

FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"),
             Path("/usr/local/share/fonts"))
"""Where the fonts are looked for (Debian's fonts-noto-core first)."""
_FILES: dict[tuple[Script, bool], str] = {
    ("latin", False): "NotoSans-Regular.ttf", ("latin", True): "NotoSans-Bold.ttf",
    ("arabic", False): "NotoNaskhArabic-Regular.ttf",
    ("arabic", True): "NotoNaskhArabic-Bold.ttf",
    ("ethiopic", False): "NotoSansEthiopic-Regular.ttf",
    ("ethiopic", True): "NotoSansEthiopic-Bold.ttf",
}
_RANGES: tuple[tuple[int, int, Script], ...] = (
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x1200, 0x139F, "ethiopic"), (0x2D80, 0x2DDF, "ethiopic"), (0xAB00, 0xAB2F, "ethiopic"),
)


def script_of(char: str) -> Script | None:
    """The script whose font must draw ``char``; None for one any font draws (space)."""
    if char.isspace():
        return None
    code = ord(char)
    for low, high, script in _RANGES:
        if low <= code <= high:
            return script
    return "latin"


def font_path(script: Script, bold: bool = False) -> Path:
    """The installed font file for ``script``.

    Raises:
        PrinterError: the font is not installed (code "font"), naming the Debian package.
    """
    name = _FILES[(script, bold)]
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise PrinterError("font", f"font {name} is not installed (Debian: fonts-noto-core)")


@functools.lru_cache(maxsize=64)
def load_font(script: Script, size: int, bold: bool = False, shaping: bool = True
              ) -> ImageFont.FreeTypeFont:
    """The font at ``size`` px, with libraqm's layout (shaping and bidi) unless ``shaping``
    is off (only the tests turn it off, to prove that shaping is what joins Arabic)."""
    engine = ImageFont.Layout.RAQM if shaping else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(font_path(script, bold)), size, layout_engine=engine)
