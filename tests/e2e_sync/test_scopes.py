"""Least privilege across a real network: each machine holds its office's records and the
network's, and no visit of another office in any table, in any form.

Three offices, two machines at one of them, a real server on loopback; a dishonest server
that serves another office's envelope gets it quarantined.
"""

from __future__ import annotations

import base64
import datetime as dt
import sqlite3
from pathlib import Path

from kiosk.staffing.network import visits_per_office
from kiosk.stats.publish import stats_id
from kiosk.store.models import DailyStats, Mediator, Visit
from tests.e2e_sync.harness import Site

DAY = dt.date(2026, 11, 24)  # the harness's visits are of this day


def canaries(office: str) -> list[str]:
    return [f"Kanarie{office}Name", f"Kanarie{office}Notiz"]


def forms(secret: str) -> list[bytes]:
    raw = secret.encode()
    return [raw, secret.encode("utf-16-le"), secret.encode("utf-16-be"),
            base64.b64encode(raw), base64.urlsafe_b64encode(raw).rstrip(b"=")]


def files_of(site: Site) -> bytes:
    """The store, its WAL and everything beside it in its key directory, as bytes."""
    path = Path(site.path)
    blobs = [p.read_bytes() for p in path.parent.glob(path.name + "*")]
    blobs += [p.read_bytes() for p in site.key_dir.iterdir() if p.is_file()]
    return b"".join(blobs)


def check_in(site: Site, office: str, n: int, **extra: object) -> list[str]:
    ids = []
    with site.writing() as w:
        for i in range(n):
            ids.append(w.put(Visit, None, {
                "site": office, "location": site.store.location, "day": DAY.isoformat(),
                "prefix": "A", "seq": 100 + i, "ticket": f"A-{100 + i:03d}",
                "language": "ar", "checked_in_at": 1_700_000_000_000,
                "first_name": canaries(office)[0], "note": canaries(office)[1],
                "concerns": ["wohnen"], **extra}).id)
    return ids


def offices_in(site: Site) -> set[str]:
    site.activate()
    return {v.site for v in Visit.select(Visit.site)}


def test_each_machine_holds_its_office_and_the_network_scope_only(make_site, server) -> None:
    a1, a2 = make_site("EVSC"), make_site("EVSC")
    b, c = make_site("LUED"), make_site("INNO")
    check_in(a1, "EVSC", 4)
    check_in(a2, "EVSC", 3)
    check_in(b, "LUED", 6)
    check_in(b, "LUED", 1, language="ti", interpreter_language="ti")  # a lone visitor
    check_in(c, "INNO", 5)
    mediator = b.put(Mediator, None, {"name": "Sprachmittlerin Kanarie", "languages": ["ti"]})
    machines = [a1, a2, b, c]
    for _ in range(2):
        for site in machines:
            report = site.sync()
            assert report.quarantined == 0, report.notes

    # each office's machines hold its visits (from both machines), nobody else's
    assert offices_in(a1) == offices_in(a2) == {"EVSC"}
    assert offices_in(b) == {"LUED"} and offices_in(c) == {"INNO"}
    assert a1.snapshot()["visit"] == a2.snapshot()["visit"]
    assert len(a1.snapshot()["visit"]) == 7
    for site in machines:  # the network scope reaches everyone
        site.activate()
        assert Mediator.get_or_none(Mediator.id == mediator) is not None

    # ... in no table and in no form, WAL and key files included
    server.stop()
    for site in machines:
        site.close()
    for site in machines:
        blob = files_of(site)
        for office in ("EVSC", "LUED", "INNO"):
            for secret in canaries(office):
                found = any(form in blob for form in forms(secret))
                assert found == (office == site.office), (site.writer, secret)
    server.start()

    # the network figures: what EVSC sees of LUED is what LUED's own store counts
    from kiosk.store.db import open_store

    def reopen(site: Site) -> None:
        site.store = open_store(site.path)
        site.activate()

    for site in machines:
        reopen(site)
    b.activate()
    lued_own = Visit.select().where(Visit.site == "LUED").count()
    a1.activate()
    seen = {f.site: f for f in visits_per_office(DAY, DAY)}
    assert seen["LUED"].visits == lued_own == 7
    assert seen["LUED"].with_interpreter == 1
    assert seen["INNO"].visits == 5 and seen["EVSC"].visits == 7
    lued = DailyStats.get_by_id(stats_id("LUED", DAY.isoformat()))
    assert "ti" not in lued.languages and "ti" not in lued.interpreter_languages
    # the lone visitor's language is not named, and "other" does not read 1: the next
    # smallest value joined it
    assert lued.languages == {"other": 7}


def test_a_dishonest_server_serving_another_offices_envelope_gets_it_quarantined(
        make_site, server) -> None:
    a, b = make_site("EVSC"), make_site("LUED")
    check_in(b, "LUED", 2)
    b.sync()
    a.sync()
    server.stop()
    with sqlite3.connect(server.db) as db:  # the server relabels LUED's envelopes for EVSC
        changed = db.execute("UPDATE envelope SET scope = 'EVSC', seq = seq + 1000 "
                             "WHERE scope = 'LUED'").rowcount
        db.execute("UPDATE counter SET value = value + 1000 WHERE name = 'seq'")
    assert changed >= 2
    server.start()
    report = a.sync()
    assert report.quarantined >= 2
    reasons = {r for (r,) in a.activate().db.execute_sql(
        "SELECT reason FROM sync_quarantine")}
    assert reasons == {"foreign_scope"}
    assert offices_in(a) == set()
    assert a.scalar("SELECT COUNT(*) FROM sync_quarantine WHERE envelope LIKE ?",
                    b"%Kanarie%") == 0  # sealed: the quarantine holds no plaintext either
