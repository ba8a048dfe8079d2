"""What a revoked machine wrote before its revocation stays readable, also at a site that
pulls it for the first time afterwards; what appears under its name later is refused."""

from __future__ import annotations

import sqlite3
import uuid

from kiosk.crypto.site_keys import data_keys, load_site_keys, load_trust
from sync_server.protocol import Header, canonical_json, seal


def test_a_new_site_reads_what_a_revoked_machine_wrote_before(make_site, server) -> None:
    stolen, other = make_site(), make_site()
    ids = stolen.visits(4)
    stolen.sync()
    assert server.cli("revoke", stolen.writer).returncode == 0
    keys, trust = load_site_keys(stolen.key_dir), load_trust(stolen.key_dir)
    forged = seal(Header(v=1, net=trust.net, gen=1, rid=uuid.uuid4().hex, site=stolen.writer,
                         ctr=99, op="put", exp="2099-01-01"),
                  canonical_json({"k": "visit", "id": "x", "c": [], "f": {}}),
                  data_keys(stolen.key_dir, trust, keys)[1], keys.sign)
    server.stop()
    with sqlite3.connect(server.db) as db:  # slipped in by the server after the revocation
        seq = db.execute("SELECT value FROM counter WHERE name = 'seq'").fetchone()[0] + 1
        db.execute("INSERT INTO envelope (seq, rid, site, ctr, op, gen, exp, digest, blob) "
                   "VALUES (?, ?, ?, 99, 'put', 1, '2099-01-01', 'x', ?)",
                   (seq, forged.header.rid, stolen.writer, forged.to_bytes()))
        db.execute("UPDATE counter SET value = ? WHERE name = 'seq'", (seq,))
    server.start()
    newcomer = make_site()
    report = newcomer.sync()
    assert {r[0] for r in newcomer.snapshot()["visit"]} == set(ids)
    reasons = newcomer.activate().db.execute_sql(
        "SELECT reason, detail FROM sync_quarantine").fetchall()
    assert [r[0] for r in reasons] == ["unknown_writer"] and "revoked" in reasons[0][1]
    assert report.quarantined == 1
    other.sync()
    assert {r[0] for r in other.snapshot()["visit"]} == set(ids)
