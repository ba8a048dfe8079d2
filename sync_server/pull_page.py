"""A pull page in binary (``GET /v1/pull?format=binary``): envelopes without base64 or JSON.

A first sync moves a million envelopes; as JSON each is base64 text (a third larger) that
the server encodes, the client parses out of a 1.3 MB document and a worker decodes again.
The binary page carries the same facts as the JSON one::

    b"LWP1" ‖ u32 meta_len ‖ meta (JSON: next, done, site_high, server_time, epoch, count,
                                   revocations)
           ‖ count × (u64 seq ‖ u32 len ‖ envelope bytes)

Errors are JSON as on every other route. The JSON page stays the default (and what the
OpenAPI schema describes in full); the kiosk asks for binary.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from sync_server.protocol_base import MalformedError

MAGIC = b"LWP1"
MEDIA_TYPE = "application/octet-stream"
_ITEM = struct.Struct(">QI")
_META_KEYS = frozenset({"next", "done", "site_high", "server_time", "epoch", "count"})
_OPTIONAL_KEYS = frozenset({"revocations"})
"""Added later: the revocation list's version (a server before it sends none)."""


def encode(page: list[tuple[int, bytes]], meta: dict[str, Any]) -> bytes:
    """The binary page of ``page`` (seq, envelope) with ``meta`` (``count`` is added)."""
    head = json.dumps({**meta, "count": len(page)}, separators=(",", ":")).encode()
    parts = [MAGIC, struct.pack(">I", len(head)), head]
    for seq, blob in page:
        parts.append(_ITEM.pack(seq, len(blob)))
        parts.append(blob)
    return b"".join(parts)


def decode(raw: bytes) -> tuple[dict[str, Any], list[tuple[int, bytes]]]:
    """(meta, [(seq, envelope)]) of a binary page; anything else is ``MalformedError``."""
    view = memoryview(raw)
    if len(raw) < 8 or raw[:4] != MAGIC:
        raise MalformedError("not a binary pull page")
    (head_len,) = struct.unpack_from(">I", raw, 4)
    pos = 8 + head_len
    try:
        meta = json.loads(bytes(view[8:pos]))
    except ValueError as exc:
        raise MalformedError("pull page header is not JSON") from exc
    if not isinstance(meta, dict) or set(meta) - _OPTIONAL_KEYS != _META_KEYS \
            or type(meta["count"]) is not int or type(meta["next"]) is not int:
        raise MalformedError("pull page header has the wrong fields")
    items: list[tuple[int, bytes]] = []
    for _ in range(meta["count"]):
        if pos + _ITEM.size > len(raw):
            raise MalformedError("pull page is cut short")
        seq, size = _ITEM.unpack_from(raw, pos)
        pos += _ITEM.size
        if pos + size > len(raw):
            raise MalformedError("pull page is cut short")
        items.append((seq, bytes(view[pos:pos + size])))
        pos += size
    if pos != len(raw):
        raise MalformedError("pull page has bytes after its last envelope")
    return meta, items
