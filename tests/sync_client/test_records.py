"""Envelope bodies and stored clocks: round trips, and every malformed body refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.store import clock_column
from kiosk.store.models import Visit
from kiosk.sync import records
from kiosk.sync.merge import Entry, State

CLOCK = st.builds(lambda ms, n, w: f"{ms:013d}.{n:05d}.{w}",
                  st.integers(1_600_000_000_000, 1_900_000_000_000), st.integers(0, 99),
                  st.sampled_from(["EVSC-0001", "MEHU-AB12"]))
VALUE = st.one_of(st.none(), st.integers(-5, 10**12), st.text(max_size=30),
                  st.lists(st.sampled_from(["wohnen", "jobcenter"]), max_size=2))
FIELDS = st.dictionaries(st.sampled_from(Visit.SYNCED_FIELDS),
                         st.tuples(CLOCK, VALUE, st.one_of(st.just(""), CLOCK)), min_size=1)


@settings(max_examples=200, deadline=None)
@given(FIELDS)
def test_body_round_trip_and_row_agree(fields) -> None:
    state = State(False, {n: Entry(c, v, b) for n, (c, v, b) in fields.items()})
    raw = records.encode_body("visit", "r" * 32, state)
    assert records.decode_body(raw) == ("visit", "r" * 32, fields)
    kind, record_id, newest, (row, clocks, bases) = records.decode_row(raw)
    assert (kind, record_id, newest) == ("visit", "r" * 32, max(c for c, _, _ in fields.values()))
    assert clock_column.unpack(clocks) == {n: c for n, (c, _, _) in fields.items()}
    assert json.loads(bases) == {n: b for n, (_, _, b) in fields.items() if b}
    assert len(row) == len(Visit.SYNCED_FIELDS)


def test_a_body_names_each_clock_once() -> None:
    clock = "1795674924743.00000.EVSC-0001"
    state = State(False, {n: Entry(clock, 1, "") for n in ("seq", "call_count", "priority")})
    raw = records.encode_body("visit", "x", state)
    assert raw.count(clock.encode()) == 1


C = "1795674924743.00000.EVSC-0001"
D = "1795674924744.00000.EVSC-0001"


@pytest.mark.parametrize("body", [
    {"k": "visit", "id": "x", "c": [C, C], "f": {"seq": [1, 1, -1]}},  # a clock twice
    {"k": "visit", "id": "x", "c": [D, C], "f": {"seq": [0, 1, -1]}},  # not sorted
    {"k": "visit", "id": "x", "c": [C], "f": {"seq": [1, 1, -1]}},  # index past the table
    {"k": "visit", "id": "x", "c": [C], "f": {"seq": [0, 1, -2]}},  # base index below -1
    {"k": "visit", "id": "x", "c": [C], "f": {"seq": [True, 1, -1]}},  # a bool, not an int
    {"k": "visit", "id": "x", "c": [C], "f": {"seq": [0, 1]}},  # two items, not three
    {"k": "visit", "id": "x", "c": ["short"], "f": {}},  # not a clock
    {"k": "visit", "id": "x", "c": C, "f": {}},  # table not a list
    {"k": "visit", "id": "x", "c": [C], "f": [["seq", 0, 1, -1]]},  # fields not an object
    {"k": "visit", "id": "", "c": [], "f": {}},  # empty id
    {"k": "visit", "id": "x", "f": {}},  # no table
])
def test_malformed_bodies_are_refused(body) -> None:
    raw = json.dumps(body).encode()
    for decode in (records.decode_body, records.decode_row):
        with pytest.raises(records.BodyError) as info:
            decode(raw)
        assert info.value.reason == "bad_body"


@pytest.mark.parametrize("raw", [b"{", b"[]", b"\xff\xfe", b'{"k": NaN}', b"1" * 40])
def test_bodies_that_are_not_json_objects_are_refused(raw) -> None:
    with pytest.raises(records.BodyError):
        records.decode_row(raw)


def test_unknown_kind_has_its_own_reason() -> None:
    raw = json.dumps({"k": "visitor", "id": "x", "c": [], "f": {}}).encode()
    with pytest.raises(records.BodyError) as info:
        records.decode_row(raw)
    assert info.value.reason == "unknown_kind"


def test_clock_column_reads_both_shapes() -> None:
    clocks = {"status": D, "seq": C, "day": C}
    packed = clock_column.pack(clocks)
    assert json.loads(packed) == {C: ["day", "seq"], D: ["status"]}
    assert clock_column.unpack(packed) == clocks
    assert clock_column.unpack(json.dumps(clocks)) == clocks  # rows written before
    assert clock_column.unpack("{}") == {}
