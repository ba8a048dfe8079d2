"""Deferred signature checks: an envelope of a record the site holds is verified only if it
would change something (README, "verify what matters")."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.store.db import open_store
from kiosk.store.models import Appointment
from kiosk.sync import records
from kiosk.sync.apply import apply_page, held_rids
from kiosk.sync.merge import Entry, State
from kiosk.sync.pipeline import Opener, open_one, peek_rid, verify_deferred
from sync_server.protocol import Header, b64d, b64e, public_key_b64, seal

NET, OTHER = "dortmund", "MEHU-0001"
KEY = os.urandom(32)
SIGN = Ed25519PrivateKey.generate()
PUBS = {OTHER: b64d(public_key_b64(SIGN))}


def sealed(record: str, fields: dict[str, Entry], ctr: int, sign=SIGN, op="put") -> bytes:
    rid = records.rid_for("appointment", record)
    header = Header(v=1, net=NET, gen=1, rid=rid, site=OTHER, ctr=ctr, op=op, exp="2099-01-01")
    body = b"" if op == "erase" else records.encode_body("appointment", record,
                                                         State(False, fields))
    return seal(header, body, KEY, sign).to_bytes()


def held_state(store, record: str) -> dict[str, Entry]:
    row = Appointment.get_by_id(record)
    return {n: Entry(c, getattr(row, n), "") for n, c in row.clocks.items()}


def opened(raw: bytes, seq: int, defer: frozenset[str]):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    pubs = {s: Ed25519PublicKey.from_public_bytes(k) for s, k in PUBS.items()}
    o = open_one(seq, raw, pubs, {1: KEY}, NET, 2**62, defer_rids=defer)
    return o


def test_deferred_checks_only_what_changes_something(store_path) -> None:
    store = open_store(store_path)
    with store.writing() as w:
        rec = w.put(Appointment, None, {"site": "EVSC", "location": "EVSC-EV", "starts_at": 1,
                                        "language": "ar", "code_hash": "h",
                                        "name": "Samira"}).id
    rid = records.rid_for("appointment", rec)
    store.db.execute_sql("INSERT INTO sync_record (rid, record, kind) VALUES (?, ?, ?)",
                         (rid, rec, "appointment"))
    same = held_state(store, rec)
    assert held_rids(store, [(1, b64e(sealed(rec, same, 1)))]) == {rid}
    assert peek_rid(sealed(rec, same, 1)) == rid
    forger = Ed25519PrivateKey.generate()
    noop_forged = opened(sealed(rec, same, 1, sign=forger), 1, frozenset({rid}))
    assert noop_forged.reason is None and not noop_forged.verified
    calls: list[int] = []

    def verifier(o) -> bool:
        calls.append(o.seq)
        return verify_deferred(o, PUBS)

    result = apply_page(store, [noop_forged], cursor=1, verifier=verifier)
    assert (result.unchanged, result.quarantined, calls) == (1, 0, [])  # no effect, no check

    newer = f"{int(same['name'].clock[:13]) + 5:013d}.00000.{OTHER}"
    change = {**same, "name": Entry(newer, "Samira K.", same["name"].clock)}
    forged = opened(sealed(rec, change, 2, sign=forger), 2, frozenset({rid}))
    result = apply_page(store, [forged], cursor=2, verifier=verifier)
    assert (result.merged, result.quarantined, calls) == (0, 1, [2])
    assert Appointment.get_by_id(rec).name == "Samira"
    reason = store.db.execute_sql("SELECT reason FROM sync_quarantine").fetchone()[0]
    assert reason == "bad_signature"

    erase = opened(sealed(rec, {}, 3, sign=forger, op="erase"), 3, frozenset({rid}))
    assert apply_page(store, [erase], cursor=3, verifier=verifier).quarantined == 1
    assert Appointment.get_or_none(Appointment.id == rec) is not None

    genuine = opened(sealed(rec, change, 4), 4, frozenset({rid}))
    assert apply_page(store, [genuine], cursor=4).quarantined == 1  # no verifier: refused
    result = apply_page(store, [opened(sealed(rec, change, 5), 5, frozenset({rid}))],
                        cursor=5, verifier=verifier)
    assert (result.merged, result.quarantined, calls[-1]) == (1, 0, 5)
    assert Appointment.get_by_id(rec).name == "Samira K."
    store.close()


def test_pool_keeps_the_bytes_of_unverified_envelopes() -> None:
    rec = "b" * 32
    fields = {"name": Entry(f"{1:013d}.00000.{OTHER}", "Ali", "")}
    rid = records.rid_for("appointment", rec)
    items = [(i, b64e(sealed(rec, fields, i + 1))) for i in range(4)]
    with Opener(workers=2, threshold=1) as pool:
        out = pool.open(items, PUBS, {1: KEY}, NET, 2**62, "", frozenset({rid}))
    assert all(o.reason is None and not o.verified and o.raw for o in out)
    assert all(verify_deferred(o, PUBS) for o in out)
    assert not verify_deferred(out[0], {})
