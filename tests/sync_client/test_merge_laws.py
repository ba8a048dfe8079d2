"""Lattice laws of the per-field merge on a domain full of ties (clocks, values, writers)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.sync.merge import (
    ERASED,
    Entry,
    State,
    canonical_value,
    concurrent_losses,
    join,
    join_all,
)

# Few walls, few counters, few writers: most generated clocks collide somewhere.
CLOCKS = st.builds(lambda w, c, s: f"{w:013d}.{c:05d}.{s}",
                   st.sampled_from([1, 2]), st.sampled_from([0, 1]),
                   st.sampled_from(["EVSC-AAAA", "EVSC-BBBB", "HUCH-0001"]))
VALUES = st.one_of(st.none(), st.sampled_from(["", "Ali", "علي", "Ali"]), st.integers(0, 2),
                   st.booleans(), st.lists(st.sampled_from(["a", "b"]), max_size=2))
ENTRIES = st.builds(Entry, CLOCKS, VALUES, st.sampled_from(["", "0000000000001.00000.X"]))
FIELDS = st.dictionaries(st.sampled_from(["name", "status", "desk"]), ENTRIES, max_size=3)
STATES = st.one_of(st.builds(State, st.just(False), FIELDS), st.just(ERASED))


def norm(state: State) -> tuple:
    """Compare states by meaning: erased flag and the canonical form of each entry."""
    return (state.erased, sorted((k, e.clock, canonical_value(e.value), e.base)
                                 for k, e in state.fields.items()))


@settings(max_examples=300)
@given(STATES, STATES)
def test_commutative(a: State, b: State) -> None:
    assert norm(join(a, b)) == norm(join(b, a))


@settings(max_examples=300)
@given(STATES, STATES, STATES)
def test_associative(a: State, b: State, c: State) -> None:
    assert norm(join(join(a, b), c)) == norm(join(a, join(b, c)))


@settings(max_examples=150)
@given(STATES)
def test_idempotent(a: State) -> None:
    assert norm(join(a, a)) == norm(a)


@settings(max_examples=150)
@given(STATES, STATES)
def test_erasure_absorbs(a: State, b: State) -> None:
    assert join(join(a, ERASED), b).erased
    assert join(b, join(ERASED, a)) == ERASED


@settings(max_examples=150)
@given(st.lists(STATES, max_size=6), st.randoms())
def test_order_and_duplication_do_not_matter(states: list[State], rnd) -> None:
    shuffled = states + rnd.sample(states, k=len(states) // 2)
    rnd.shuffle(shuffled)
    assert norm(join_all(states)) == norm(join_all(shuffled))


@settings(max_examples=150)
@given(st.lists(STATES, min_size=1, max_size=5))
def test_every_field_is_the_greatest_write(states: list[State]) -> None:
    merged = join_all(states)
    if any(s.erased for s in states):
        assert merged == ERASED
        return
    for name, entry in merged.fields.items():
        best = max((s.fields[name] for s in states if name in s.fields), key=Entry.key)
        assert entry.key() == best.key()


def test_concurrent_loss_is_reported_but_sequential_overwrite_is_not() -> None:
    mine = State(False, {"note": Entry("0000000000005.00000.EVSC-AAAA", "call back", "")})
    concurrent = State(False, {"note": Entry("0000000000006.00000.EVSC-BBBB", "done", "")})
    losses = concurrent_losses(mine, concurrent)
    assert [(x.field, x.loser.value, x.winner.value) for x in losses] == [
        ("note", "call back", "done")]
    seen = State(False, {"note": Entry("0000000000006.00000.EVSC-BBBB", "done",
                                       "0000000000005.00000.EVSC-AAAA")})
    assert concurrent_losses(mine, seen) == []
    assert concurrent_losses(mine, ERASED) == []
