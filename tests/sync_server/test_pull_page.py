"""The binary pull page: round trip, and every malformed page refused (never a crash)."""

from __future__ import annotations

import contextlib
import os
import struct

import pytest

from wire import pull_page
from wire.errors import ProtocolError

META = {"next": 9, "done": True, "site_high": 3, "server_time": 1, "epoch": "e"}
PAGE = [(4, b"\x00envelope-a"), (9, os.urandom(300)), (12, b"")]


def test_round_trip() -> None:
    meta, items = pull_page.decode(pull_page.encode(PAGE, META))
    assert items == PAGE and meta == {**META, "count": 3}
    assert pull_page.decode(pull_page.encode([], META)) == ({**META, "count": 0}, [])


RAW = pull_page.encode(PAGE, META)


@pytest.mark.parametrize("raw", [
    b"", b"LWP1", b"XXXX" + RAW[4:], RAW[:-1], RAW + b"\x00", RAW[:20],
    RAW.replace(b'"count":3', b'"count":4'), RAW.replace(b'"count":3', b'"count":2'),
    RAW.replace(b'"next":9', b'"nxt":9,'),
    b"LWP1" + struct.pack(">I", 2) + b"[]",
    b"LWP1" + struct.pack(">I", 5) + b"{nope",
], ids=lambda r: f"{len(r)}-bytes")
def test_malformed_pages_are_refused(raw: bytes) -> None:
    with pytest.raises(ProtocolError):
        pull_page.decode(raw)


def test_random_bytes_never_crash() -> None:
    for n in range(300):
        blob = b"LWP1" + os.urandom(n) if n % 2 else os.urandom(n)
        with contextlib.suppress(ProtocolError):
            pull_page.decode(blob)
