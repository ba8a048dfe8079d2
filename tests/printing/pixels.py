"""Comparing 1-bit ticket images: how many dots differ, and how many separate ink blobs."""

from __future__ import annotations

from PIL import Image, ImageChops

TOLERANCE = 0.005
"""At most 0.5 % of the dots may differ from a reference: FreeType and HarfBuzz updates move
an antialiasing edge here and there; a lost shaping, a swapped font, a reversed line or a
moved block changes several percent."""


def differing_share(a: Image.Image, b: Image.Image) -> float:
    """The share of dots that differ (1.0 when the sizes differ)."""
    if a.size != b.size:
        return 1.0
    diff = ImageChops.logical_xor(a.convert("1"), b.convert("1"))
    return diff.histogram()[255] / (a.width * a.height)


def blobs(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    """Connected groups of black dots (8-neighbourhood): joined Arabic letters make few
    large blobs, the same letters unjoined make many."""
    region = image.convert("1").crop(box) if box else image.convert("1")
    width, height = region.size
    data = region.load()
    black = {(x, y) for y in range(height) for x in range(width) if not data[x, y]}
    count = 0
    while black:
        count += 1
        stack = [black.pop()]
        while stack:
            x, y = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    near = (x + dx, y + dy)
                    if near in black:
                        black.remove(near)
                        stack.append(near)
    return count
