"""An enrolled machine that writes hostile records (a zlib bomb, fields beyond any real use)
through a real server: other sites quarantine them with a clear reason, store nothing of them,
keep their quarantine bounded, and retry only what new trust material can change."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import tracemalloc
import uuid
from pathlib import Path

from kiosk.clock.hlc import Timestamp
from kiosk.crypto.site_keys import data_keys, load_site_keys, load_trust
from kiosk.store.models import Visit
from kiosk.sync import quarantine
from kiosk.sync.client import SyncClient
from kiosk.sync.http import ServerAPI
from kiosk.sync.merge import Entry, State
from kiosk.sync.records import encode_body, rid_for
from tests.e2e_sync.harness import Site
from wire.envelope import Header, seal_batch
from wire.fields import FORMAT_VERSION

NAME = "Zahra-Kanarienvogel"


def hostile_push(site: Site, visits: list[dict], *, gen: int = 1) -> None:
    """Seal ``visits`` (field -> value) with ``site``'s own keys and push them as it would."""
    keys, trust = load_site_keys(site.key_dir), load_trust(site.key_dir)
    data_key = (data_keys(site.key_dir, trust, keys)[(trust.office, 1)] if gen == 1
                else os.urandom(32))
    clock = str(Timestamp(int(time.time() * 1000), 0, site.writer))
    exp = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    items = []
    for n, fields in enumerate(visits, start=1):
        record = uuid.uuid4().hex
        state = State(False, {k: Entry(clock, v, "") for k, v in fields.items()})
        fields = {"site": trust.office, **fields}
        state = State(False, {k: Entry(clock, v, "") for k, v in fields.items()})
        items.append((Header(v=FORMAT_VERSION, net=trust.net, scope=trust.office, gen=gen,
                             rid=rid_for("visit", record), site=site.writer,
                             ctr=1000 * gen + n, op="put", exp=exp),
                      encode_body("visit", record, state)))
    envs = seal_batch(items, data_key, keys.sign)
    api = ServerAPI(site.server.base, keys)
    api.call("POST", "/v1/push", body={"envelopes": [e.to_b64() for e in envs]})
    api.close()


def store_bytes(site: Site) -> int:
    return sum(p.stat().st_size for p in Path(site.path).parent.glob(site.path.name + "*"))


def test_zlib_bomb_and_overlong_fields_are_quarantined(make_site) -> None:
    mallory, reader = make_site("EVSC"), make_site("EVSC")
    honest = {"first_name": "A" * 40, "note": "Mietvertrag prüfen. " * 150}  # 3,000 chars
    hostile_push(mallory, [
        {"note": "A" * 60_000_000},  # 58 KiB on the wire, 60 MB inflated
        {"first_name": "B" * 5000},
        {"concerns": ["wohnen"] * 1000},
        {"seq": 2**64 - 1},
        honest,
    ])
    tracemalloc.start()
    try:
        report = reader.sync()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024  # the bomb is refused before it is inflated
    assert "inflates to more than" in reader.scalar(
        "SELECT detail FROM sync_quarantine ORDER BY seq LIMIT 1")
    reasons = dict(reader.activate().db.execute_sql(
        "SELECT reason, COUNT(*) FROM sync_quarantine GROUP BY reason").fetchall())
    assert reasons == {"too_large": 3, "bad_body": 1}
    assert report.quarantined == 4
    assert [len(v.note) for v in Visit.select()] == [len(honest["note"])]
    assert store_bytes(reader) < 4 * 1024 * 1024


def test_quarantine_is_bounded_and_retries_only_what_keys_can_change(
        make_site, monkeypatch, caplog) -> None:
    mallory, reader = make_site("EVSC"), make_site("EVSC")
    hostile_push(mallory, [{"first_name": f"{NAME}{i}" * 300} for i in range(4)])
    hostile_push(mallory, [{"first_name": NAME}], gen=2)  # a generation nobody has
    monkeypatch.setattr(quarantine, "MAX_QUARANTINE_ROWS", 3)
    with caplog.at_level(logging.WARNING, logger="kiosk.sync.quarantine"):
        reader.sync()
    kept = reader.activate().db.execute_sql(
        "SELECT reason FROM sync_quarantine ORDER BY seq").fetchall()
    assert [r for (r,) in kept] == ["too_large", "too_large", "unknown_generation"]
    assert "dropped the 2 oldest" in caplog.text
    assert NAME not in caplog.text and mallory.writer not in caplog.text

    retried: list[int] = []
    original = SyncClient.open_items

    def spy(self, items, include_own):
        retried.extend(seq for seq, _ in items)
        return original(self, items, include_own)

    monkeypatch.setattr(SyncClient, "open_items", spy)
    reader.sync()
    unknown_gen = reader.scalar(
        "SELECT seq FROM sync_quarantine WHERE reason = 'unknown_generation'")
    assert retried == [unknown_gen]

