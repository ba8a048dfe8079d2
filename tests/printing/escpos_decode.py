"""Read a printer's byte stream back into the image it prints (``GS v 0`` raster blocks).

The other direction of python-escpos, written from the ESC/POS reference: ``GS v 0 m xL xH
yL yH d…`` with (xL + 256·xH) bytes per row, (yL + 256·yH) rows, most significant bit the
leftmost dot, a set bit a black dot. Several blocks stack from top to bottom.
"""

from __future__ import annotations

from PIL import Image

RASTER = b"\x1dv0"


def raster_images(stream: bytes) -> list[Image.Image]:
    """Every raster block in ``stream`` as a 1-bit image (white 1, black 0, as Pillow's)."""
    images = []
    at = stream.find(RASTER)
    while at >= 0:
        head = at + len(RASTER)
        _mode, xl, xh, yl, yh = stream[head:head + 5]
        width_bytes, height = xl + 256 * xh, yl + 256 * yh
        body = stream[head + 5:head + 5 + width_bytes * height]
        assert len(body) == width_bytes * height, "raster block cut short"
        inverted = bytes(b ^ 0xFF for b in body)  # printer: 1 = black; Pillow "1": 1 = white
        images.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        at = stream.find(RASTER, head + 5 + len(body))
    return images


def printed_image(stream: bytes) -> Image.Image:
    """The blocks stacked into the one image the paper shows."""
    blocks = raster_images(stream)
    assert blocks, "no GS v 0 raster image in the stream"
    out = Image.new("1", (blocks[0].width, sum(b.height for b in blocks)), 1)
    y = 0
    for block in blocks:
        out.paste(block, (0, y))
        y += block.height
    return out
