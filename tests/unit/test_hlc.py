"""Hybrid logical clock: monotonic, tolerant of wall-clock jumps, totally ordered."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.clock.hlc import ClockError, HybridClock, Timestamp

walls = st.integers(min_value=1_600_000_000_000, max_value=1_900_000_000_000)
sites = st.sampled_from(["EVSC-0001", "LUED-AB12", "INNO-FFFF", "BRAP-7"])


class Wall:
    def __init__(self, values: list[int]) -> None:
        self.values = list(values)
        self.last = self.values[0]

    def __call__(self) -> int:
        if self.values:
            self.last = self.values.pop(0)
        return self.last


@settings(max_examples=300)
@given(st.lists(walls, min_size=1, max_size=60), sites)
def test_now_is_strictly_monotonic_whatever_the_wall_clock_does(readings, site):
    clock = HybridClock(site, physical=Wall(readings))
    stamps = [clock.now() for _ in readings]
    assert all(a < b for a, b in itertools.pairwise(stamps))


@settings(max_examples=300)
@given(st.lists(st.tuples(st.booleans(), walls, st.integers(0, 500), sites), max_size=40),
       walls)
def test_observe_orders_later_local_writes_after_remote_ones(events, start):
    clock = HybridClock("EVSC-0001", physical=Wall([start]), max_drift_ms=10**15)
    previous = clock.now()
    for is_remote, wall, counter, site in events:
        if is_remote:
            remote = Timestamp(wall, counter, site)
            after = clock.observe(remote)
            assert after > remote
        else:
            after = clock.now()
        assert after > previous
        previous = after


@settings(max_examples=300)
@given(walls, st.integers(0, 99_999), sites, walls, st.integers(0, 99_999), sites)
def test_text_form_sorts_exactly_like_the_value(w1, c1, s1, w2, c2, s2):
    a, b = Timestamp(w1, c1, s1), Timestamp(w2, c2, s2)
    assert (str(a) < str(b)) == (a < b)
    assert Timestamp.parse(str(a)) == a


def test_site_breaks_ties_so_two_sites_never_compare_equal():
    a, b = Timestamp(5, 1, "EVSC-0001"), Timestamp(5, 1, "LUED-0001")
    assert a != b and (a < b) != (b < a)


def test_clock_survives_restart_with_wall_clock_set_back():
    clock = HybridClock("EVSC-0001", physical=lambda: 2_000_000)
    last = clock.now()
    restarted = HybridClock("EVSC-0001", last=last, physical=lambda: 1_000_000)
    assert restarted.now() > last


def test_remote_clock_far_in_the_future_is_refused():
    clock = HybridClock("EVSC-0001", physical=lambda: 1_000_000, max_drift_ms=600_000)
    with pytest.raises(ClockError):
        clock.observe(Timestamp(1_000_000 + 600_001, 0, "LUED-0001"))
    assert clock.observe(Timestamp(1_000_000 + 599_000, 0, "LUED-0001")).wall_ms == 1_599_000


def test_counter_overflow_rolls_the_wall_forward():
    clock = HybridClock("EVSC-0001", last=Timestamp(10, 99_999, "EVSC-0001"), physical=lambda: 5)
    assert clock.now() == Timestamp(11, 0, "EVSC-0001")


@pytest.mark.parametrize("text", ["", "12.3.X", "0000000000001.00001.evsc", "1.2.3"])
def test_malformed_clock_text_is_refused(text):
    with pytest.raises(ClockError):
        Timestamp.parse(text)
