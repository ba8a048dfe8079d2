"""A server that alters, swaps, replays or forges envelopes gets them quarantined, never applied."""

from __future__ import annotations

import sqlite3
import uuid

from kiosk.store.models import Visit
from kiosk.sync.errors import SecurityError
from tests.e2e_sync.harness import forged_envelope
from wire.envelope import Envelope, Header


def _rows(server) -> list[tuple[int, bytes]]:
    with sqlite3.connect(server.db) as db:
        return [(s, bytes(b)) for s, b in db.execute(
            "SELECT seq, blob FROM envelope WHERE op = 'put' AND scope != 'network' "
            "ORDER BY seq")]


def _set_blob(server, seq: int, blob: bytes) -> None:
    with sqlite3.connect(server.db) as db:
        db.execute("UPDATE envelope SET blob = ? WHERE seq = ?", (blob, seq))


def _append(server, blob: bytes) -> None:
    env = Envelope.from_bytes(blob)
    with sqlite3.connect(server.db) as db:
        seq = db.execute("SELECT value FROM counter WHERE name = 'seq'").fetchone()[0] + 1
        h = env.header
        db.execute("INSERT INTO envelope (seq, rid, scope, site, ctr, op, gen, exp, digest, "
                   "blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (seq, h.rid, h.scope, h.site, h.ctr + 10**6 + seq, h.op, h.gen, h.exp,
                    env.digest(), blob))
        db.execute("UPDATE counter SET value = ? WHERE name = 'seq'", (seq,))


def _with_header(blob: bytes, header: Header) -> bytes:
    env = Envelope.from_bytes(blob)
    return Envelope(header, env.salt, env.nonce, env.ciphertext, env.signature).to_bytes()


def test_tampered_envelopes_are_quarantined_never_applied(make_site, server) -> None:
    a, b, c = make_site(), make_site(), make_site()
    ids = a.visits(6)
    a.sync()
    rows = _rows(server)
    assert len(rows) == 6
    server.stop()
    (s0, b0), (s1, b1), (s2, b2), (_s3, b3) = rows[:4]
    flipped = bytearray(b0)
    flipped[-80] ^= 0x01  # a ciphertext bit
    _set_blob(server, s0, bytes(flipped))
    h1, h2 = Envelope.from_bytes(b1).header, Envelope.from_bytes(b2).header
    _set_blob(server, s1, _with_header(b1, h2))  # headers swapped between two envelopes
    _set_blob(server, s2, _with_header(b2, h1))
    other = Header(**{**Envelope.from_bytes(b3).header.to_dict(), "rid": uuid.uuid4().hex})
    _append(server, _with_header(b3, other))  # replayed under another record id
    _append(server, rows[4][1])  # the same envelope served twice: harmless, idempotent
    server.start()

    # c is revoked (a stolen terminal); a forged envelope signed with its key appears later
    assert server.cli("revoke", c.writer).returncode == 0
    forged = forged_envelope(c)
    server.stop()
    _append(server, forged.to_bytes())
    server.start()

    report = b.sync()
    reasons = dict(b.activate().db.execute_sql(
        "SELECT reason, COUNT(*) FROM sync_quarantine GROUP BY reason").fetchall())
    assert reasons == {"bad_signature": 4, "unknown_writer": 1}
    assert report.quarantined == 5
    assert {r[0] for r in b.snapshot()["visit"]} == set(ids[3:])
    assert Visit.select().count() == 3
    assert b.sync().quarantined == 5  # retried, still refused, cursor not stuck
    try:
        c.visits(1)
        c.sync()
        raise AssertionError("a revoked site must be refused")
    except SecurityError as exc:
        assert exc.exit_code == 7
