"""The quarantine: pulled envelopes that failed a check, kept with the reason, bounded.

What new trust material (a peer's certificate, a key generation, a revocation list) may
now open is tried again on the next sync; the rest stays for an admin to look at.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from kiosk.store.db import Store
from kiosk.sync.pipeline import Item, Opened

log = logging.getLogger(__name__)

RETRYABLE = ("unknown_writer", "unknown_generation", "clock_ahead", "unknown_kind")
"""Quarantine reasons that new trust material (a certificate, a key generation), time passing
or a newer kiosk can lift; the others (malformed, bad_signature, too_large, …) stay as they
are, and retrying them every run would only cost time."""

MAX_QUARANTINE_ROWS = 10_000
MAX_QUARANTINE_BYTES = 64 * 1024 * 1024
"""Bounds of the quarantine: a server (or a writer) that sends nothing but bad envelopes
must not fill the site's disk. Beyond either, the oldest rows are dropped first (they
are still on the server; a re-pull after a new epoch would bring them back)."""


def keep(store: Store, items: list[Opened], now_s: int) -> int:
    """Keep envelopes that failed a check, with the reason; bounded (see
    ``MAX_QUARANTINE_ROWS``/``MAX_QUARANTINE_BYTES``). Call inside the page's transaction."""
    rows = [(o.seq, o.site or None, o.rid or None, o.gen or None, o.reason,
             (o.detail or "")[:250], o.raw, now_s) for o in items]
    cur = store.db.cursor()
    cur.executemany("INSERT OR IGNORE INTO sync_quarantine (seq, site, rid, gen, reason, detail,"
                    " envelope, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    trim(store)
    return len(rows)


def trim(store: Store) -> int:
    """Drop the oldest quarantined envelopes beyond the bounds; returns how many went.

    The log line names counts, bytes and reason codes only: an envelope is ciphertext, and
    its clear header's ids say nothing a log should keep.
    """
    count, size = store.db.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(LENGTH(envelope)), 0) FROM sync_quarantine").fetchone()
    if count <= MAX_QUARANTINE_ROWS and size <= MAX_QUARANTINE_BYTES:
        return 0
    drop: list[tuple[int]] = []
    reasons: dict[str, int] = {}
    freed = 0
    for row_id, length, reason in store.db.execute_sql(
            "SELECT id, LENGTH(envelope), reason FROM sync_quarantine ORDER BY id"):
        if count - len(drop) <= MAX_QUARANTINE_ROWS and size - freed <= MAX_QUARANTINE_BYTES:
            break
        drop.append((row_id,))
        freed += length
        reasons[reason] = reasons.get(reason, 0) + 1
    store.db.cursor().executemany("DELETE FROM sync_quarantine WHERE id = ?", drop)
    log.warning("sync quarantine full: dropped the %d oldest envelopes (%d bytes; %s)",
                len(drop), freed, ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
    return len(drop)


def held_for_retry(store: Store, reasons: Sequence[str]) -> list[Item]:
    """The quarantined envelopes with one of ``reasons``, oldest first, to be opened again."""
    marks = ", ".join("?" * len(reasons))
    rows = store.db.execute_sql(
        f"SELECT seq, envelope FROM sync_quarantine WHERE reason IN ({marks}) ORDER BY id",
        tuple(reasons))
    return [(seq, bytes(raw)) for seq, raw in rows]


def release(store: Store, opened: Iterable[Opened]) -> None:
    """Drop envelopes that opened after all (their records were applied meanwhile)."""
    with store.db.atomic("IMMEDIATE"):
        store.db.cursor().executemany(
            "DELETE FROM sync_quarantine WHERE envelope = ?", [(o.raw,) for o in opened])


def count(store: Store) -> int:
    """How many envelopes the quarantine holds (for the sync report)."""
    return int(store.db.execute_sql("SELECT COUNT(*) FROM sync_quarantine").fetchone()[0])
