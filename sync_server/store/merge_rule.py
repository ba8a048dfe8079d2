"""The server's merge rule on clear headers, as a pure function: what a push does to a record.

Per record and writer site only the newest envelope is kept (the writer's own counter says
which); an erasure is sticky within its scope; the same bytes under the same counter are a
duplicate, other bytes under a used counter a conflict. `envelopes.push` reads the state this
needs, calls :func:`plan_push` and writes the plan, so the rule is tested without a database
(tests/sync_server/test_merge_rule.py) and the storage code holds no decisions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sync_server.store.errors import CounterReused

#: The statuses a push reports per envelope.
STORED, DUPLICATE, SUPERSEDED, ERASED, EXPIRED = (
    "stored", "duplicate", "superseded", "erased", "expired")


@dataclass(frozen=True, slots=True)
class Incoming:
    """The clear-header facts of one pushed envelope that the rule needs."""

    rid: str
    scope: str
    ctr: int
    op: str
    exp: str
    digest: str


@dataclass(slots=True)
class MergePlan:
    """What to write for a push: statuses in input order, and the rows to change."""

    #: One status per incoming envelope, in the order given.
    statuses: list[str] = field(default_factory=list)
    #: Indexes of the envelopes whose counters the ledger records (all but duplicates).
    ledger: list[int] = field(default_factory=list)
    #: Per record id, the index of the envelope to store (the newest of the batch).
    keep: dict[str, int] = field(default_factory=dict)
    #: Sequence numbers of stored envelopes of this site that the push supersedes.
    delete_seqs: set[int] = field(default_factory=set)
    #: (scope, rid) erased by this push: every stored envelope of them goes.
    erase: list[tuple[str, str]] = field(default_factory=list)


def plan_push(site: str, incoming: Sequence[Incoming], *, known: Mapping[int, str],
              erased: set[tuple[str, str]] | frozenset[tuple[str, str]],
              current: Mapping[str, tuple[int, int]], today: str) -> MergePlan:
    """Decide a push of ``site``'s envelopes (sorted by counter) against stored state.

    Args:
        site: the writer site pushing.
        incoming: its envelopes, in counter order.
        known: counter → digest of what the site pushed before (the ledger).
        erased: (scope, rid) with an erasure marker.
        current: rid → (seq, ctr) of the site's stored envelope of each record.
        today: the UTC day; an envelope expiring before it is not stored.

    Raises:
        CounterReused: a counter accepted before (or earlier in this batch) with other
            content: a restored machine reusing its counters; nothing of the push is kept.
    """
    plan = MergePlan()
    seen_ctr = dict(known)
    gone = set(erased)
    newest = dict(current)
    for index, item in enumerate(incoming):
        seen = seen_ctr.get(item.ctr)
        if seen is not None:
            if seen != item.digest:
                raise CounterReused(
                    f"counter {item.ctr} of site {site} was already used for other content "
                    "(was this machine restored from a backup?)")
            plan.statuses.append(DUPLICATE)
            continue
        seen_ctr[item.ctr] = item.digest
        plan.ledger.append(index)
        if (item.scope, item.rid) in gone:
            plan.statuses.append(ERASED)
        elif item.exp < today:
            plan.statuses.append(EXPIRED)
        elif item.op == "erase":
            previous = plan.keep.get(item.rid)
            if previous is not None:
                plan.statuses[previous] = ERASED
            gone.add((item.scope, item.rid))
            plan.erase.append((item.scope, item.rid))
            plan.keep[item.rid] = index
            plan.statuses.append(STORED)
        elif item.rid in newest and newest[item.rid][1] > item.ctr:
            plan.statuses.append(SUPERSEDED)
        else:
            if item.rid in newest and newest[item.rid][0] >= 0:
                plan.delete_seqs.add(newest[item.rid][0])
            previous = plan.keep.get(item.rid)
            if previous is not None:
                plan.statuses[previous] = SUPERSEDED
            plan.keep[item.rid] = index
            newest[item.rid] = (-1, item.ctr)
            plan.statuses.append(STORED)
    return plan
