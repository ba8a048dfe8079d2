"""Three enrolled sites, a real server on loopback: converge, keep no plaintext on the server."""

from __future__ import annotations

import base64

from kiosk.store.models import Appointment, Visit
from tests.e2e_sync.harness import NAMES


def test_three_sites_converge_and_the_server_cannot_read(make_site, server) -> None:
    a, b, c = make_site(), make_site(), make_site()
    a.visits(30, seed=1)
    b.visits(20, seed=2)
    appt = c.appointment("Oksana Kowalenko")
    for site in (a, b, c, a, b, c):
        site.sync()
    assert a.snapshot() == b.snapshot() == c.snapshot()
    assert len(a.snapshot()["visit"]) == 50
    # concurrent edits of the same appointment on two sites, then an erasure elsewhere
    a.put(Appointment, appt, {"status": "cancelled"})
    b.put(Appointment, appt, {"phone": "0231 1234567"})
    erased = a.snapshot()["visit"][0][0]
    c.erase(Visit, erased)
    for site in (a, b, c, a, b, c):
        report = site.sync()
        assert report.quarantined == 0
    assert a.snapshot() == b.snapshot() == c.snapshot()
    row = b.activate() and Appointment.get_by_id(appt)
    assert (row.status, row.phone) == ("cancelled", "0231 1234567")
    for site in (a, b, c):
        site.activate()
        assert Visit.get_or_none(Visit.id == erased) is None

    server.stop()  # flush: the files are checked at rest, WAL included
    blobs = b"".join(p.read_bytes() for p in server.db.parent.glob("server.sqlite3*"))
    blobs += server.log.read_bytes()
    for secret in [*NAMES, "Oksana Kowalenko", "Mietvertrag", "wohnen", "0231 1234567"]:
        for form in (secret.encode(), secret.encode("utf-16-le"), secret.encode("utf-16-be"),
                     base64.b64encode(secret.encode()),
                     base64.urlsafe_b64encode(secret.encode()).rstrip(b"=")):
            assert form not in blobs, secret
    for field in (b'"ar"', b'"language"', b'"first_name"', b'"visit"'):
        assert field not in blobs


def test_an_empty_sync_costs_one_request(make_site) -> None:
    a, b = make_site(), make_site()
    a.visits(3)
    a.sync()
    b.sync()
    assert b.sync().requests <= 2
    assert a.sync().requests <= 2
