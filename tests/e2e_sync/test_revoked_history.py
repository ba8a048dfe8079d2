"""What a revoked machine wrote before its revocation stays readable, also at a site that
pulls it for the first time afterwards; what appears under its name later is refused."""

from __future__ import annotations

import sqlite3

from tests.e2e_sync.harness import forged_envelope


def test_a_new_site_reads_what_a_revoked_machine_wrote_before(make_site, server) -> None:
    stolen, other = make_site(), make_site()
    ids = stolen.visits(4)
    stolen.sync()
    assert server.cli("revoke", stolen.writer).returncode == 0
    forged = forged_envelope(stolen)
    server.stop()
    with sqlite3.connect(server.db) as db:  # slipped in by the server after the revocation
        seq = db.execute("SELECT value FROM counter WHERE name = 'seq'").fetchone()[0] + 1
        db.execute("INSERT INTO envelope (seq, rid, scope, site, ctr, op, gen, exp, digest, "
                   "blob) VALUES (?, ?, ?, ?, 99, 'put', 1, '2099-01-01', 'x', ?)",
                   (seq, forged.header.rid, forged.header.scope, stolen.writer,
                    forged.to_bytes()))
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
