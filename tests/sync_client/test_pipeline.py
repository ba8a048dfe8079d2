"""Opening pulled envelopes: every reason a record is quarantined instead of applied."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.sync import records
from kiosk.sync.errors import NotSetUp, SecurityError
from kiosk.sync.http import check_url
from kiosk.sync.merge import Entry, State
from kiosk.sync.pipeline import Opener, open_one
from wire.envelope import Header, seal
from wire.fields import FORMAT_VERSION, b64d
from wire.ids import NETWORK_SCOPE
from wire.trust import public_key_b64

NET, SITE, OFFICE = "dortmund", "EVSC-AB12", "EVSC"
KEY = os.urandom(32)
SIGN = Ed25519PrivateKey.generate()
NOW = int(time.time() * 1000)


def clock(ms: int) -> str:
    return f"{ms:013d}.00000.{SITE}"


def envelope(kind="visit", rid=None, record="a" * 32, gen=1, net=NET, ms=NOW, op="put",
             sign=SIGN, scope=OFFICE, site=OFFICE) -> bytes:
    state = State(False, {"first_name": Entry(clock(ms), "Ali", ""),
                          "site": Entry(clock(ms), site, "")})
    body = b"" if op == "erase" else records.encode_body(kind, record, state)
    header = Header(v=FORMAT_VERSION, net=net, scope=scope, gen=gen,
                    rid=rid or records.rid_for(kind, record), site=SITE, ctr=1, op=op,
                    exp="2099-01-01")
    return seal(header, body, KEY, sign).to_bytes()


def opened(raw: bytes, **kw):
    pubs = kw.pop("pubs", {SITE: SIGN.public_key()})
    keys = kw.pop("keys", {(OFFICE, 1): KEY, (NETWORK_SCOPE, 1): KEY})
    return open_one(1, raw, pubs, keys, NET, NOW, office=kw.pop("office", OFFICE), **kw)


def test_a_good_envelope_opens() -> None:
    o = opened(envelope())
    assert o.reason is None and o.kind == "visit" and o.field_map()["first_name"][1] == "Ali"
    assert opened(envelope(op="erase")).reason is None


def test_network_records_open_in_the_network_scope_only_from_their_owner() -> None:
    def stats(office: str) -> bytes:
        state = State(False, {"office": Entry(clock(NOW), office, ""),
                              "visits": Entry(clock(NOW), 7, "")})
        record = f"{office}-2026-11-24"
        header = Header(v=FORMAT_VERSION, net=NET, scope=NETWORK_SCOPE, gen=1,
                        rid=records.rid_for("daily_stats", record), site=SITE, ctr=1,
                        op="put", exp="2099-01-01")
        return seal(header, records.encode_body("daily_stats", record, state), KEY,
                    SIGN).to_bytes()

    assert opened(envelope(kind="mediator", scope=NETWORK_SCOPE)).reason is None
    assert opened(stats("EVSC")).reason is None
    assert opened(stats("LUED")).reason == "scope_forbidden"  # LUED's figures, from EVSC


@pytest.mark.parametrize(("raw", "kw", "reason"), [
    (b"LWE1garbage", {}, "malformed"),
    (envelope(net="elsewhere"), {}, "wrong_network"),
    (envelope(), {"pubs": {}}, "unknown_writer"),
    (envelope(sign=Ed25519PrivateKey.generate()), {}, "bad_signature"),
    (envelope(gen=2), {}, "unknown_generation"),
    (envelope(ms=NOW + 16 * 60_000), {}, "clock_ahead"),
    (envelope(rid=uuid.uuid4().hex), {}, "rid_mismatch"),
    (envelope(kind="visitor"), {}, "unknown_kind"),
    (envelope(), {"skip_site": SITE}, "own"),
    (envelope(scope="LUED"), {}, "foreign_scope"),
    (envelope(), {"office": "LUED"}, "foreign_scope"),
    (envelope(scope="LUED"), {"office": "LUED", "keys": {("LUED", 1): KEY}}, "scope_forbidden"),
    (envelope(scope=NETWORK_SCOPE), {}, "scope_forbidden"),
    (envelope(site="LUED"), {}, "scope_forbidden"),
    (envelope(kind="mediator"), {}, "scope_forbidden"),
    (envelope(scope=NETWORK_SCOPE, kind="daily_stats"), {}, "scope_forbidden"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_quarantine_reasons(raw: bytes, kw: dict, reason: str) -> None:
    assert opened(raw, **kw).reason == reason


def test_pool_and_inline_agree() -> None:
    items = [(i, envelope(record=f"{i:032x}")) for i in range(40)]
    pubs = {SITE: b64d(public_key_b64(SIGN))}
    with Opener(workers=2, threshold=1) as pool, Opener(workers=1) as inline:
        a = pool.open(items, pubs, {(OFFICE, 1): KEY}, NET, NOW, office=OFFICE)
        b = inline.open(items, pubs, {(OFFICE, 1): KEY}, NET, NOW, office=OFFICE)
    assert [(o.seq, o.reason, o.field_map(), o.db_row, o.raw) for o in a] == [
        (o.seq, o.reason, o.field_map(), o.db_row, o.raw) for o in b]
    assert all(o.reason is None for o in a)


def test_plain_http_only_to_loopback() -> None:
    assert check_url("https://sync.example.org/", False) == "https://sync.example.org"
    assert check_url("http://127.0.0.1:8700", False)
    assert check_url("http://localhost:8700", False)
    assert check_url("http://10.0.0.5:8700", True)
    with pytest.raises(SecurityError):
        check_url("http://10.0.0.5:8700", False)
    with pytest.raises(NotSetUp):
        check_url("ftp://x", False)
