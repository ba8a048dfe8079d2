"""The per-field merge of synced records, as a pure function (a join-semilattice).

A record's state is ``State(erased, fields)`` where each field holds an :class:`Entry`
``(clock, value, base)``: ``clock`` is the HLC text of the write (it embeds the writer, and
its string order is the (wall, counter, writer) order), ``base`` the clock of the value the
writer saw when it overwrote the field ("" if none). Joining keeps, per field, the greater
entry; erasure absorbs everything. Ties on the clock (possible only after a machine was
restored from a backup and reissued a clock) are broken by the canonical value and then the
base, so the join stays commutative, associative and idempotent on every input — the
property tests in ``tests/sync_client/test_merge_laws.py`` check exactly that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_SCALARS = (str, int, type(None))
"""JSON scalars whose equality (same type) is equality of their canonical text."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One field's last write: HLC text, the value, and the clock the writer had seen."""

    clock: str
    value: Any
    base: str = ""

    def key(self) -> tuple[str, str, str]:
        """Total order: clock first; value and base only break (pathological) clock ties."""
        return (self.clock, canonical_value(self.value), self.base)

    def cmp(self, other: Entry) -> int:
        """-1, 0 or 1 by :meth:`key`, serialising values only on a clock tie (a merge of
        30 fields compared every value as JSON text, more than all else it did)."""
        if self.clock != other.clock:
            return 1 if self.clock > other.clock else -1
        if (self.base == other.base and type(self.value) is type(other.value)
                and type(self.value) in _SCALARS and self.value == other.value):
            return 0  # the same write seen again (a re-pull): same canonical text
        mine, theirs = self.key(), other.key()
        return (mine > theirs) - (mine < theirs)


@dataclass(frozen=True, slots=True)
class State:
    """A record's mergeable state. An erased state carries no fields (erasure absorbs)."""

    erased: bool = False
    fields: Mapping[str, Entry] = field(default_factory=dict)


ERASED = State(True, {})


def canonical_value(value: Any) -> str:
    """Byte-stable text of a JSON value, for tie-breaks and equality."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def newer(a: Entry, b: Entry) -> Entry:
    """The winning entry of two writes of the same field."""
    return a if a.cmp(b) >= 0 else b


def join(a: State, b: State) -> State:
    """The least upper bound of two states (commutative, associative, idempotent)."""
    if a.erased or b.erased:
        return ERASED
    merged = dict(a.fields)
    for name, entry in b.fields.items():
        mine = merged.get(name)
        merged[name] = entry if mine is None else newer(mine, entry)
    return State(False, merged)


def join_all(states: Iterable[State]) -> State:
    """Join any number of states (the empty join is the empty, live state)."""
    result = State()
    for state in states:
        result = join(result, state)
    return result


@dataclass(frozen=True, slots=True)
class Loss:
    """A value that lost to a concurrent write of the same field (kept for staff review)."""

    field: str
    loser: Entry
    winner: Entry


def writer_of(clock: str) -> str:
    """The writer id embedded in an HLC text (``wall.counter.WRITER``)."""
    return clock.split(".", 2)[2] if clock.count(".") >= 2 else ""


def concurrent_losses(local: State, incoming: State) -> list[Loss]:
    """Fields where one side's value lost to a write that had not seen it.

    A loss is *concurrent* when the winner's ``base`` (what its writer had seen) is older
    than the loser's clock and the two came from different writers with different values:
    a sequential overwrite (the writer saw the old value) is normal editing, not a conflict.
    """
    if local.erased or incoming.erased:
        return []
    losses = []
    for name, theirs in incoming.fields.items():
        mine = local.fields.get(name)
        order = 0 if mine is None else mine.cmp(theirs)
        if mine is None or order == 0:
            continue
        win, lose = (mine, theirs) if order > 0 else (theirs, mine)
        if (win.base < lose.clock and writer_of(win.clock) != writer_of(lose.clock)
                and canonical_value(win.value) != canonical_value(lose.value)):
            losses.append(Loss(name, lose, win))
    return losses
