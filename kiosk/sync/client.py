"""One run of ``kiosk sync``: push the outbox, pull and merge, retry the quarantine.

Requests for a sync with nothing to do: one (a pull page that says ``done``). Pushing adds
``/v1/config`` (limits, epoch, server time), a one-envelope pull page (what the server holds
of this machine, checked before anything is pushed) and ``/v1/keyring`` (the newest
generation to write with); a pull that brings envelopes adds one ``/v1/sites`` per run.
Every pull page names the version of the server's revocation list: only when it differs from
this site's does the run fetch the list (``GET``) or teach the server its own (``POST``).
"""

from __future__ import annotations

import fcntl
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from kiosk.config import NetworkConfig
from kiosk.crypto.files import KeyFileError
from kiosk.crypto.site_keys import (
    SiteKeys,
    Trust,
    certificate_matches,
    data_keys,
    load_site_keys,
    load_trust,
    merge_keyring,
)
from kiosk.stats.publish import days_changed_here, publish
from kiosk.store.db import Store
from kiosk.store.models import Outbox, database
from kiosk.sync import peers, revocations, scopes_upgrade
from kiosk.sync import push as pushing
from kiosk.sync.apply import (
    FIRST_SYNC_RECORDS,
    FIRST_SYNC_SECONDS,
    ApplyResult,
    Opened,
    PageGroup,
    apply_page,
)
from kiosk.sync.backoff import PoliteAPI
from kiosk.sync.erasure_hold import HoldPolicy
from kiosk.sync.errors import EpochChanged, NetworkError, NotSetUp, SiteRestored, SyncError
from kiosk.sync.http import CA_BUNDLE
from kiosk.sync.pipeline import Item, Opener
from kiosk.sync.report import Progress, SyncReport
from kiosk.sync.state import (
    ACKED_HIGH,
    COUNTER,
    CURSOR,
    EPOCH,
    LAST_SYNC,
    OFFSET,
    REPUSH_TOMBSTONES,
    SERVER,
    get_int,
    requeue_everything,
    set_int,
)
from sync_server import pull_page
from sync_server.protocol import (
    KeyringEntry,
    ProtocolError,
)

Started = tuple[Callable[[], list[Opened]], str, int]
"""A page being opened: (wait for it, site skipped, the time its clocks were checked)."""
FAST_FETCH_S = 0.25
"""How long a group of pages keeps its transaction open while waiting for the next page:
the store's write lock is never held across a slow wait for the network."""
PAGES_OPENING = 2
"""Pages handed to the pool ahead of the one being applied."""
CACHE_KIB = 128 * 1024
"""SQLite page cache of the sync's own connection."""
RETRYABLE = ("unknown_writer", "unknown_generation", "clock_ahead", "unknown_kind")
"""Quarantine reasons that new trust material (a certificate, a key generation), time passing
or a newer kiosk can lift; the others (malformed, bad_signature, too_large, …) stay as they
are, and retrying them every run would only cost time."""
MAX_SITE_HIGH = 2**53
"""The highest writer counter a server may claim to have seen from this site. More is
nonsense (a million envelopes a day for 24 billion years) and would leave no room to move
the counter past it (``--reincarnate``) within the wire format's limit."""


def local_ms() -> int:
    """This machine's clock, the only one pulled records are checked against."""
    return int(time.time() * 1000)


def _answer_int(data: dict, key: str, low: int, high: int) -> int:
    """An integer field of a server answer, in range, or a named error (never a traceback)."""
    value = data.get(key)
    if type(value) is not int or not low <= value <= high:
        raise NetworkError(f"the server answered an impossible {key} ({str(value)[:40]}); "
                           "it is misconfigured or not trustworthy", "bad_answer")
    return value


def _answer_str(data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise NetworkError(f"the server's answer has no {key}", "bad_answer")
    return value


@contextmanager
def sync_lock(key_dir: Path) -> Iterator[None]:
    """Refuse a second sync of the same site running at the same time."""
    key_dir.mkdir(parents=True, exist_ok=True)
    with open(key_dir / "sync.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("another sync of this site is running", "busy") from None
        yield


class SyncClient:
    """The state of one run; :func:`run_sync` is the entry point."""

    def __init__(self, store: Store, config: NetworkConfig, key_dir: Path, server_url: str,
                 *, insecure: bool = False, progress: Progress | None = None,
                 page_limit: int = 1000, workers: int | None = None,
                 ca_bundle: str | None = None) -> None:
        self.store, self.config, self.key_dir = store, config, Path(key_dir)
        database.initialize(store.db)  # the models' proxy must point at this store
        # A first sync inserts up to a million rows under random keys: with SQLite's default
        # 2 MiB page cache nearly every insert re-reads index pages (this connection only).
        store.db.execute_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        # ... and checkpoints the WAL every 64 MiB, not every 4 MiB (pages rewritten by
        # consecutive commits are copied back once).
        store.db.execute_sql("PRAGMA wal_autocheckpoint = 16384")
        try:
            self.keys: SiteKeys = load_site_keys(self.key_dir)
            self.trust: Trust = load_trust(self.key_dir)
        except KeyFileError as exc:
            raise NotSetUp(str(exc), exc.code) from None
        if self.keys.writer != store.writer or not certificate_matches(
                self.trust.certificate, self.keys):
            raise NotSetUp("the imported certificate is not for this store's keys "
                           f"(writer {store.writer}); import this site's own bundle")
        # the clock offset is learned afresh each run (from an unauthenticated answer: never
        # kept); older releases stored one
        self.api = PoliteAPI(server_url, self.keys, insecure=insecure,
                             ca_bundle=ca_bundle or store.setting(CA_BUNDLE))
        self.progress = progress
        self.page_limit = page_limit
        self.opener = Opener(workers)
        self.report = SyncReport()
        self.peers_fresh = False
        self.keyring_fresh = False
        self.hold = HoldPolicy(config.mass_erasure_threshold, config.retention_days)
        self.revocations_checked = False
        self.revocations_new = False
        self.max_batch = 100
        self.max_request = 1024 * 1024
        self.erased = 0
        self.visit_days: set[str] = set()
        """Records erased by pulled envelopes: the store's WAL is scrubbed after the run."""

    # -- trust material ---------------------------------------------------------------
    def refresh_peers(self) -> None:
        """Replace the cached certificates with the server's list, keeping root-signed ones."""
        peers.refresh(self.store, self.api.call("GET", "/v1/sites"), self.trust)
        self.peers_fresh = True

    def peer_keys(self) -> dict[str, bytes]:
        return peers.keys(self.store, self.keys, self.trust)

    def refresh_keyring(self) -> None:
        data = self.api.call("GET", "/v1/keyring")
        entries = []
        for raw in data.get("entries", []):
            try:
                entries.append(KeyringEntry.from_dict(raw))
            except ProtocolError:
                continue
        refused: list[tuple[str, int]] = []
        added = merge_keyring(self.key_dir, entries, self.trust, self.keys, refused)
        if added:
            self.report.notes.append(f"new data-key generation(s): {added}")
        for scope, gen in refused:
            self.report.notes.append(
                f"refused generation {gen} of scope {scope}: the server offers it with "
                "another data key than the one this site holds (a stale admin file rotated "
                "again); kept the first")
        self.keyring_fresh = True

    def check_revocations(self, meta: dict) -> None:
        """Compare the server's revocation list version (on every pull page) with ours, once
        a run: fetch a newer one, never take an older one, and re-teach ours to a server that
        holds less (one restored from an older backup)."""
        offered = meta.get("revocations")
        if self.revocations_checked or type(offered) is not int:
            return
        self.revocations_checked = True
        held = revocations.version(self.store, self.trust)
        if offered > held:
            data = self.api.call("GET", "/v1/revocations", signed=False).get("revocations")
            result = revocations.consider(self.store, self.trust, data)
            if result == "stored":
                self.revocations_new = True
                self.report.notes.append(f"revocation list version "
                                         f"{revocations.version(self.store, self.trust)}")
                return
            self.report.notes.append(f"the server's revocation list is {result}; this "
                                     f"site keeps its version {held}")
        elif offered == held:
            return
        self.reteach_revocations()

    def reteach_revocations(self) -> None:
        """Post this site's list to a server that holds an older one (or none)."""
        rl = revocations.stored(self.store, self.trust)
        if rl is None:
            return
        try:
            self.api.call("POST", "/v1/revocations", body=rl.to_dict(), signed=False)
        except SyncError as exc:
            self.report.notes.append(f"could not give the server revocation list version "
                                     f"{rl.version}: {exc}")
            return
        self.report.notes.append(f"the server had an older revocation list: gave it "
                                 f"version {rl.version}")

    # -- epoch and counters -------------------------------------------------------------
    def check_epoch(self, epoch: str, site_high: int | None = None) -> None:
        """A new server epoch (or a server that lost our pushes) means: start again."""
        stored = self.store.setting(EPOCH)
        lost = site_high is not None and site_high < get_int(self.store, ACKED_HIGH)
        if stored == epoch and not lost:
            return
        with self.store.db.atomic("IMMEDIATE"):
            self.store.set_setting(EPOCH, epoch)
            if stored is None and not lost:
                return
            set_int(self.store, CURSOR, 0)
            set_int(self.store, ACKED_HIGH, 0)
            requeue_everything(self.store)
        self.report.epoch_resets += 1
        self.report.notes.append("the server was reset or restored: pushing the whole "
                                 "state again and pulling from the start")
        raise EpochChanged(epoch)

    def check_counter(self, site_high: int, reincarnating: bool) -> None:
        if site_high > get_int(self.store, COUNTER) and not reincarnating:
            raise SiteRestored(
                f"the server has seen writer counter {site_high} from this site, but this "
                f"store is at {get_int(self.store, COUNTER)}: it was restored from an older "
                "backup. Run `kiosk sync --reincarnate` to recover it (see the runbook).")

    def check_before_push(self) -> None:
        """Ask the server what it holds of this machine before pushing anything.

        Our own push would lift the server's mark for this writer back over what a restore
        lost, and the check on pull pages comes after the push: a server restored without
        noticing it (its state directory lost, no ``new-epoch``) would keep the loss for
        good. One page of at most one envelope carries the epoch and this writer's counter
        high-water; both are checked against what this site knows was acknowledged.
        """
        raw = self.api.call_bytes("GET", "/v1/pull", params={
            "after": get_int(self.store, CURSOR), "limit": 1, "format": "binary"})
        try:
            meta, _ = pull_page.decode(raw)
        except ProtocolError as exc:
            raise NetworkError(f"the server's pull page does not parse ({exc.message})",
                               "bad_answer") from None
        high = _answer_int(meta, "site_high", 0, MAX_SITE_HIGH)
        self.check_epoch(_answer_str(meta, "epoch"), high)
        self.check_counter(high, False)
        self.check_revocations(meta)

    # -- push ---------------------------------------------------------------------------
    def push_all(self) -> None:
        if not self.store.db.execute_sql(
                f'SELECT 1 FROM "{Outbox._meta.table_name}" LIMIT 1').fetchone() \
                and self.store.setting(REPUSH_TOMBSTONES) is None:
            return
        cfg = self.api.call("GET", "/v1/config", signed=False)
        self.check_epoch(_answer_str(cfg, "epoch"))
        self.check_before_push()
        limits = cfg.get("limits", {})
        if not isinstance(limits, dict):
            limits = {}
        self.max_batch = _answer_int({"max_batch": self.max_batch, **limits}, "max_batch",
                                     1, 100_000)
        self.max_request = _answer_int({"max_request_bytes": self.max_request, **limits},
                                       "max_request_bytes", 64 * 1024, 1 << 30)
        if not self.keyring_fresh:
            self.refresh_keyring()
        keys = data_keys(self.key_dir, self.trust, self.keys)
        if not keys:
            raise NotSetUp("no data key: import the site bundle (`kiosk keys import`)")
        rows = pushing.outbox_snapshot(self.store)
        self._phase("push", len(rows))
        # One request in flight while the next batch is read and sealed here: the server
        # verifies and stores batch k while this process seals batch k+1 (both cores busy).
        # A batch is acknowledged only after its answer; one sealed but never sent (an
        # error stopped the run) only leaves a gap in the counters.
        with ThreadPoolExecutor(1, thread_name_prefix="sync-push") as sender:
            inflight: tuple[Future, list[pushing.Pending]] | None = None
            start = 0
            while start < len(rows):
                chunk = rows[start:start + self.max_batch]
                pending = pushing.reserve(self.store, chunk)
                try:
                    pushing.seal_all(pending, self.keys, self.trust.net, self.trust.office,
                                     keys, self.config.retention_days)
                except ProtocolError as exc:
                    raise SyncError(f"cannot seal this site's changes: {exc.message} "
                                    f"(writer counter {get_int(self.store, COUNTER)})",
                                    exc.code) from None
                for batch in pushing.by_size(pending, self.max_request):
                    if inflight is not None:
                        self._acknowledged(*inflight)
                    body = {"envelopes": [p.env.to_b64() for p in batch]}
                    inflight = (sender.submit(self.api.call, "POST", "/v1/push", body=body),
                                batch)
                start += len(chunk)
            if inflight is not None:
                self._acknowledged(*inflight)
        self.push_tombstones(keys)

    def push_tombstones(self, keys: dict[tuple[str, int], bytes]) -> None:
        """Erasure markers of records never held here, after a requeue (see push.py)."""
        orphans = pushing.orphan_tombstones(self.store)
        if orphans:
            pushing.seal_all(orphans, self.keys, self.trust.net, self.trust.office, keys,
                             self.config.retention_days)
            for batch in pushing.by_size(orphans, self.max_request):
                body = {"envelopes": [p.env.to_b64() for p in batch]}
                done = Future()
                done.set_result(self.api.call("POST", "/v1/push", body=body))
                self._acknowledged(done, batch)
        if self.store.setting(REPUSH_TOMBSTONES) is not None:
            pushing.tombstones_pushed(self.store)

    def _acknowledged(self, answer: Future, batch: list[pushing.Pending]) -> None:
        """Wait for a push's answer, then mark its batch synced."""
        result = answer.result()
        epoch = _answer_str(result, "epoch")
        _answer_int(result, "site_high", 0, MAX_SITE_HIGH)
        pushing.acknowledge(self.store, batch)
        self.report.pushed += len(batch)
        self._advance(len(batch))
        self.check_epoch(epoch)

    # -- pull ---------------------------------------------------------------------------
    def _submit(self, items: list[Item], include_own: bool, more: bool = True) -> Started:
        """Start verifying a page (on the pool) with the trust material known now."""
        if items and not self.peers_fresh:
            self.refresh_peers()
        datakeys = data_keys(self.key_dir, self.trust, self.keys)
        # our own envelopes hold nothing we lack: the workers drop them after parsing
        skip = "" if include_own else self.keys.writer
        now_ms = local_ms()
        return self.opener.submit(items, self.peer_keys(), datakeys, self.trust.net, now_ms,
                                  skip, more, office=self.trust.office), skip, now_ms

    def _collect(self, started: Started) -> list[Opened]:
        """Wait for a page; re-open what failed for want of a certificate or key we can fetch."""
        collect, skip, now_ms = started
        opened = collect()
        reasons = {o.reason for o in opened}
        retry = False
        if "unknown_writer" in reasons and not self.peers_fresh:
            self.refresh_peers()
            retry = True
        if "unknown_generation" in reasons and not self.keyring_fresh:
            self.refresh_keyring()
            retry = True
        if retry:
            again = [(o.seq, o.raw) for o in opened if o.reason in RETRYABLE]
            fixed = self.opener.open(again, self.peer_keys(),
                                     data_keys(self.key_dir, self.trust, self.keys),
                                     self.trust.net, now_ms, skip, office=self.trust.office)
            by_raw = {o.raw: o for o in fixed}
            opened = [by_raw.get(o.raw, o) if o.reason in RETRYABLE else o for o in opened]
        return [o for o in opened if o.reason != "own"]

    def open_items(self, items: list[Item], include_own: bool) -> list[Opened]:
        return self._collect(self._submit(items, include_own))

    def _get_page(self, cursor: int) -> tuple[dict, list[Item]]:
        """One pull request (runs on the fetch thread: network only, no store access).

        Binary pages (``sync_server/pull_page.py``): no base64 to encode, parse and decode
        for each of a first sync's million envelopes."""
        raw = self.api.call_bytes("GET", "/v1/pull", params={
            "after": cursor, "limit": self.page_limit, "format": "binary"})
        try:
            meta, items = pull_page.decode(raw)
        except ProtocolError as exc:
            raise NetworkError(f"the server's pull page does not parse ({exc.message})",
                               "bad_answer") from None
        return meta, items

    def _accept(self, fetched: tuple[dict, list[Item]], include_own: bool
                ) -> tuple[dict, list[Item]]:
        """Check a fetched page against this store (epoch, counter)."""
        page, _ = fetched
        high = _answer_int(page, "site_high", 0, MAX_SITE_HIGH)
        self.check_epoch(_answer_str(page, "epoch"), high)
        self.check_counter(high, include_own)
        self.check_revocations(page)
        return fetched

    def pull_all(self, include_own: bool = False) -> int:
        """Pull every page after the cursor; returns the highest site counter seen.

        Page k is applied here while pages k+1 and k+2 are opened on the pool and page k+3
        is fetched on a thread (the server builds it meanwhile): two pages queued keep the
        pool busy while this process waits for a commit's fsync. Each page is applied with
        its cursor in one transaction, in order (consecutive pages share one, see
        :class:`PageGroup`; larger groups in a site's first sync).
        """
        self._phase("pull", None)
        with ThreadPoolExecutor(1, thread_name_prefix="sync-pull") as fetcher:
            start = get_int(self.store, CURSOR)
            page, items = self._accept(self._get_page(start), include_own)
            queue = deque([(page, items, self._submit(items, include_own,
                                                      more=not page["done"]))])
            high = int(page.get("site_high", 0))
            ahead = None if page["done"] else fetcher.submit(self._get_page, int(page["next"]))
            first = start == 0 and self.store.setting(LAST_SYNC) is None
            group = PageGroup(self.store, FIRST_SYNC_RECORDS, FIRST_SYNC_SECONDS) if first \
                else PageGroup(self.store)
            with group:
                while queue:
                    while ahead is not None and len(queue) < PAGES_OPENING:
                        page, items = self._accept(self._arrived(ahead, group), include_own)
                        high = max(high, int(page.get("site_high", 0)))
                        queue.append((page, items, self._submit(items, include_own)))
                        ahead = None if page["done"] else fetcher.submit(
                            self._get_page, int(page["next"]))
                    page, items, started = queue.popleft()
                    opened = self._collect(started)
                    if items or int(page["next"]) != get_int(self.store, CURSOR):
                        group.begin()
                        result = apply_page(self.store, opened, cursor=int(page["next"]),
                                            hold=self.hold)
                        group.applied(len(items))
                        self._count(len(items), result)
                    self._advance(len(items))
        return high

    @staticmethod
    def _arrived(ahead: Future, group: PageGroup) -> dict:
        """The prefetched page; the write lock is not held while a slow network is awaited."""
        try:
            return ahead.result(timeout=FAST_FETCH_S)
        except TimeoutError:
            group.commit()
            return ahead.result()

    def retry_quarantine(self) -> None:
        """Open again what new trust material may now accept (``revoked`` only after a new
        revocation list arrived: a list can move a writer's cut-off)."""
        reasons = RETRYABLE + (("revoked",) if self.revocations_new else ())
        marks = ", ".join("?" * len(reasons))
        rows = list(self.store.db.execute_sql(
            f"SELECT id, seq, envelope FROM sync_quarantine WHERE reason IN ({marks}) "
            "ORDER BY id", reasons))
        if not rows:
            return
        opened = self.open_items([(seq, bytes(raw)) for _, seq, raw in rows], True)
        ok = [o for o in opened if o.reason is None]
        if ok:
            result = apply_page(self.store, ok, cursor=None, hold=self.hold)
            self.erased += result.erased
            self.visit_days |= result.visit_days
            self.report.merged += result.merged
            self.report.conflicts += result.conflicts
            with self.store.db.atomic("IMMEDIATE"):
                self.store.db.cursor().executemany(
                    "DELETE FROM sync_quarantine WHERE envelope = ?", [(o.raw,) for o in ok])
            self.report.released += len(ok)

    def _count(self, pulled: int, result: ApplyResult) -> None:
        self.erased += result.erased
        self.visit_days |= result.visit_days
        self.report.pulled += pulled
        self.report.merged += result.merged
        self.report.unchanged += result.unchanged
        self.report.quarantined += result.quarantined
        self.report.conflicts += result.conflicts
        self.report.held += result.held

    def _phase(self, name: str, total: int | None) -> None:
        if self.progress:
            self.progress.phase(name, total)

    def _advance(self, n: int) -> None:
        if self.progress:
            self.progress.advance(n)

    # -- the run --------------------------------------------------------------------------
    def reincarnate(self) -> None:
        """Recover a store restored from an older backup, keeping its identity.

        Pull everything (this site's own lost envelopes too), then move the writer counter
        past the highest the server has seen from it, then push the whole merged state.
        """
        with self.store.db.atomic("IMMEDIATE"):
            set_int(self.store, CURSOR, 0)
            requeue_everything(self.store)
        high = self.pull_all(include_own=True)
        with self.store.db.atomic("IMMEDIATE"):
            set_int(self.store, COUNTER, max(get_int(self.store, COUNTER), high) + 1)
        self.report.notes.append(f"reincarnated: writer counter moved past {high}")

    def run(self, *, reincarnate: bool = False) -> SyncReport:
        started = time.monotonic()
        try:
            if reincarnate:
                self.reincarnate()
            if n := scopes_upgrade.reseal(self.store, self.trust.office, int(time.time())):
                self.report.notes.append(f"re-sealed {n} records into the new scopes")
            publish(self.store, days_changed_here(self.store))
            for _ in range(4):
                try:
                    self.push_all()
                    self.pull_all()
                    break
                except EpochChanged:
                    continue
            else:
                raise SyncError("the server's epoch keeps changing; try again later",
                                "epoch_unstable")
            self.retry_quarantine()
            if self.report.held:
                self.report.notes.append(
                    f"held {self.report.held} erasures as a mass erasure: the records stay "
                    "until an admin decides (`kiosk erasures list`)")
            # Visits another machine of the office wrote change the office's figures: the
            # figures go out in this run, so every machine converges on the same ones.
            if publish(self.store, self.visit_days):
                self.push_all()
            if scopes_upgrade.purge_pending(self.store) and self.api.call(
                    "GET", "/v1/config", signed=False).get("legacy") == "finished":
                n = scopes_upgrade.purge_other_offices(self.store, self.trust.office)
                self.report.notes.append(f"deleted {n} records of other offices")
            with self.store.db.atomic("IMMEDIATE"):
                set_int(self.store, LAST_SYNC, int(time.time() * 1000))
                self.store.db.execute_sql('DELETE FROM "setting" WHERE "key" = ?', (OFFSET,))
                self.store.set_setting(SERVER, self.api.base)
        finally:
            self.opener.close()
            self.api.close()
            if self.erased:
                self.store.scrub_wal()
        self.report.requests = self.api.requests
        self.report.bytes_sent = self.api.bytes_sent
        self.report.bytes_received = self.api.bytes_received
        self.report.quarantined = int(self.store.db.execute_sql(
            "SELECT COUNT(*) FROM sync_quarantine").fetchone()[0])
        self.report.seconds = time.monotonic() - started
        return self.report


def server_url_for(store: Store, config: NetworkConfig, flag: str | None) -> str:
    """``--server``, else the URL this site enrolled with, else the network config's."""
    url = flag or store.setting(SERVER) or config.sync_server
    if not url:
        raise NotSetUp("no sync server known: pass --server URL (or enrol first)")
    return url


def run_sync(store: Store, config: NetworkConfig, key_dir: Path, server_url: str | None = None,
             *, insecure: bool = False, reincarnate: bool = False,
             progress: Progress | None = None, page_limit: int = 1000,
             workers: int | None = None, ca_bundle: str | None = None) -> SyncReport:
    """One complete sync of this site (see the module docstring)."""
    with sync_lock(Path(key_dir)):
        client = SyncClient(store, config, key_dir, server_url_for(store, config, server_url),
                            insecure=insecure, progress=progress, page_limit=page_limit,
                            workers=workers, ca_bundle=ca_bundle)
        return client.run(reincarnate=reincarnate)
