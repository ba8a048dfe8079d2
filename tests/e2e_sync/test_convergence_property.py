"""Property: any interleaving of edits, erasures and syncs on three machines converges.

Random scripts of check-ins, status changes, concurrent edits of one appointment on two
sites, erasures and syncs, with site clocks hours slow (or a few minutes fast), against one
real server. After every site synced twice, all stores are identical, every erased record
is erased everywhere, and every surviving field holds the write with the greatest clock:
nothing written concurrently was lost except to a newer write of the same field.
(The pure merge laws carry most of the examples: ``tests/sync_client/test_merge_laws.py``.)
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.store.models import Appointment, Visit
from tests.e2e_sync.harness import Network, Server, Site

SITES = 3
HOUR = 3_600_000
STEP = st.one_of(
    st.tuples(st.just("checkin"), st.integers(0, SITES - 1), st.sampled_from(["Ali", "Ольга",
                                                                               "Zeynep"])),
    st.tuples(st.just("status"), st.integers(0, SITES - 1), st.integers(0, 20),
              st.sampled_from(["called", "serving", "done", "missed"])),
    st.tuples(st.just("appt"), st.integers(0, SITES - 1), st.integers(0, SITES - 1),
              st.sampled_from(["phone", "status", "name"]), st.sampled_from(["x", "y", "z"])),
    st.tuples(st.just("erase"), st.integers(0, SITES - 1), st.integers(0, 20)),
    st.tuples(st.just("sync"), st.integers(0, SITES - 1)),
    st.tuples(st.just("skew"), st.integers(0, SITES - 1),
              st.sampled_from([-6 * HOUR, -2 * HOUR, 0, 4 * 60_000])),
)


def _record_writes(writes: dict, site: Site, model: type, rid: str, fields: dict) -> None:
    row = model.get_by_id(rid)
    for name in fields:
        writes.setdefault((model.KIND, rid, name), []).append((row.clocks[name],
                                                               getattr(row, name)))


def test_random_interleavings_converge(tmp_path, config) -> None:
    net = Network()
    (tmp_path / "srv").mkdir()
    server = Server(tmp_path / "srv", net.admin.root_line()).start()

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(STEP, min_size=1, max_size=14))
    def run(script: list[tuple]) -> None:
        root = tmp_path / uuid.uuid4().hex[:8]
        root.mkdir()
        # three machines of one office: they share its scope, so they must hold the same
        sites = [Site(root, "EVSC", net, server, config) for _ in range(SITES)]
        writes: dict = {}
        erased: set[tuple[str, str]] = set()
        try:
            appt = sites[0].appointment("Gemeinsamer Termin")
            for site in (sites[0], sites[1], sites[2]):
                site.sync()
            for step in script:
                kind, i = step[0], step[1]
                site = sites[i]
                if kind == "checkin":
                    rid = site.put(Visit, None, {
                        "site": "EVSC", "location": "EVSC-EV", "day": "2026-11-24",
                        "prefix": "A", "seq": 1, "ticket": "A-001", "language": "ar",
                        "checked_in_at": 1, "first_name": step[2]})
                    _record_writes(writes, site, Visit, rid, ["first_name", "status"])
                elif kind in ("status", "erase"):
                    live = [r[0] for r in site.activate().db.execute_sql(
                        "SELECT id FROM visit WHERE erased = 0 ORDER BY id")]
                    if not live:
                        continue
                    rid = live[step[2] % len(live)]
                    if kind == "erase":
                        site.erase(Visit, rid)
                        erased.add(("visit", rid))
                    else:
                        site.put(Visit, rid, {"status": step[3]})
                        _record_writes(writes, site, Visit, rid, ["status"])
                elif kind == "appt":
                    for j, value in ((i, step[4] + "1"), (step[2], step[4] + "2")):
                        sites[j].put(Appointment, appt, {step[3]: value})
                        _record_writes(writes, sites[j], Appointment, appt, [step[3]])
                elif kind == "sync":
                    site.sync()
                else:
                    site.skew_ms = step[2]
            for site in sites + sites:
                site.sync()
            snaps = [s.snapshot() for s in sites]
            assert snaps[0] == snaps[1] == snaps[2]
            final = sites[0].activate()
            for (kind, rid, name), history in writes.items():
                model = Visit if kind == "visit" else Appointment
                row = model.get_or_none(model.id == rid)
                if (kind, rid) in erased:
                    assert row is None
                    continue
                best = max(history)
                assert (row.clocks[name], getattr(row, name)) == best
            bad = final.db.execute_sql("SELECT reason, detail FROM sync_quarantine").fetchall()
            assert bad == []
        finally:
            for site in sites:
                site.close()

    try:
        run()
    finally:
        server.stop()
