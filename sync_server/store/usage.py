"""Per-site storage bookkeeping for the quotas, updated inside the push transaction.

A count over a site's envelopes at every push would cost time that grows with the history
(a first push of 150,000 records is 300 pushes); the running totals cost one row read and
one write per push instead. ``purge`` and databases that predate the table recount them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync_server.quota import Quota
from sync_server.store.db import SiteUsage, database


def _select_sizes(seqs: list[int]) -> dict[str, int]:
    """Bytes per writer site of the stored envelopes ``seqs`` (about to be deleted)."""
    out: dict[str, int] = {}
    param = database.param
    for start in range(0, len(seqs), 500):
        chunk = seqs[start:start + 500]
        sql = (f'SELECT "site", SUM(LENGTH("blob")) FROM "envelope" WHERE "seq" IN '
               f'({", ".join([param] * len(chunk))}) GROUP BY "site"')
        for site, size in database.execute_sql(sql, chunk).fetchall():
            out[site] = out.get(site, 0) + int(size or 0)
    return out


def record_push(site: str, quota: Quota | None, accepted: int, stored_bytes: int,
                deleted_seqs: Iterable[int]) -> None:
    """Add a push to the totals (call in the push transaction, before deleting
    ``deleted_seqs``); raises ``OverQuota`` and so rolls the push back if it would
    take ``site`` past ``quota``.

    Args:
        site: the pushing site.
        quota: its limits (None: count only).
        accepted: new (site, counter) pairs the push adds to the ledger.
        stored_bytes: bytes of the envelopes the push stores.
        deleted_seqs: stored envelopes the push deletes (superseded, or erased: those
            may be other sites').
    """
    freed = _select_sizes(sorted(deleted_seqs))
    row = SiteUsage.get_or_none(SiteUsage.site == site)
    envelopes = (row.envelopes if row else 0) + accepted
    size = (row.size if row else 0) + stored_bytes - freed.pop(site, 0)
    if quota is not None and (accepted or stored_bytes):
        quota.check(site, envelopes, size)
    SiteUsage.insert(site=site, envelopes=envelopes, size=max(0, size)).on_conflict(
        conflict_target=[SiteUsage.site],
        update={SiteUsage.envelopes: envelopes, SiteUsage.size: max(0, size)}).execute()
    for other, gone in freed.items():
        SiteUsage.update(size=SiteUsage.size - gone).where(SiteUsage.site == other).execute()


def recount() -> None:
    """Count every site's usage afresh (after a purge, or in a database without totals)."""
    ledger = dict(database.execute_sql(
        'SELECT "site", COUNT(*) FROM "ledger" GROUP BY "site"').fetchall())
    sizes = dict(database.execute_sql(
        'SELECT "site", SUM(LENGTH("blob")) FROM "envelope" GROUP BY "site"').fetchall())
    SiteUsage.delete().execute()
    rows = [{"site": s, "envelopes": int(ledger.get(s, 0)), "size": int(sizes.get(s) or 0)}
            for s in sorted(set(ledger) | set(sizes))]
    for start in range(0, len(rows), 200):
        SiteUsage.insert_many(rows[start:start + 200]).execute()


def usage(site: str) -> tuple[int, int]:
    """(accepted envelopes, stored bytes) of ``site``."""
    with database.connection_context():
        row = SiteUsage.get_or_none(SiteUsage.site == site)
    return (int(row.envelopes), int(row.size)) if row else (0, 0)
