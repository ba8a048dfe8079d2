"""A tombstone keeps when the erasure happened (record id and clock, no content), and says
so again when it is pushed to a restored server: a site that learns of the erasure only then
counts it on the day it happened (the mass-erasure hold counts per writer and day)."""

from __future__ import annotations

from pathlib import Path

from kiosk.crypto.site_keys import load_site_keys, load_trust
from kiosk.store.models import Visit
from kiosk.sync.http import ServerAPI
from tests.e2e_sync.harness import Server
from tests.e2e_sync.test_restores import _backup, _restore, server  # noqa: F401


def erased_clock(site, rid_of: str | None = None, rid: str | None = None) -> str | None:
    if rid is None:
        rid = site.scalar("SELECT rid FROM sync_record WHERE record = ?", rid_of)
    return site.scalar("SELECT erased_clock FROM sync_record WHERE rid = ?", rid)


def test_a_restored_server_learns_the_erasure_with_its_clock(
        make_site, server: Server, tmp_path: Path) -> None:  # noqa: F811
    a, b = make_site(), make_site()
    ids = a.visits(2)
    a.sync()
    b.sync()
    _backup(server, tmp_path)
    a.erase(Visit, ids[0])
    rid = a.scalar("SELECT rid FROM sync_record WHERE record = ?", ids[0])
    clock = erased_clock(a, rid=rid)
    assert clock and clock.endswith("." + a.writer)
    a.sync()
    b.sync()
    assert erased_clock(b, rid=rid) == clock  # b's tombstone: id and clock, no content
    assert b.scalar("SELECT COUNT(*) FROM visit WHERE id = ?", ids[0]) == 0

    _restore(server, tmp_path)  # from before the erasure; a is never seen again
    b.sync()  # b re-pushes its tombstone with the erasure's own clock
    c = make_site()
    c.sync()
    assert {r[0] for r in c.snapshot()["visit"]} == {ids[1]}
    assert erased_clock(c, rid=rid) == clock
    # a site that only ever saw the marker passes the clock on as well
    _restore(server, tmp_path)
    keys, trust = load_site_keys(c.key_dir), load_trust(c.key_dir)  # c enrols again
    ServerAPI(server.base, keys).call("POST", "/v1/enroll",
                                      body={"certificate": trust.certificate.to_dict()})
    c.sync()
    d = make_site()
    d.sync()
    assert erased_clock(d, rid=rid) == clock and len(d.snapshot()["visit"]) == 1
