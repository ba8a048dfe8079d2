"""Between store rows and mergeable states: wire ids, envelope bodies, expiry days.

Rows are read and written with plain SQL (one statement per page, not one per record):
applying a page of a first sync of a million records must stay well under the cost of
verifying its signatures.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Callable
from typing import Any

import orjson
from peewee import BooleanField, Field, IntegerField, TextField

from kiosk.store import clock_column
from kiosk.store.models import SYNCED_MODELS, JSONField, SyncedModel
from kiosk.sync.merge import Entry, State
from wire.ids import NETWORK_SCOPE


def _encode(obj: Any) -> str:
    """Compact sorted JSON text, as the store keeps bases (orjson: the same bytes as json's
    ``sort_keys=True, separators=(",", ":"), ensure_ascii=False``, several times faster)."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()


MAX_CHARS = 500
"""Default cap of a text field in a pulled record (codes, times, labels: a few dozen)."""
MAX_CHARS_BY_FIELD = {
    ("visit", "first_name"): 200, ("appointment", "name"): 200, ("mediator", "name"): 200,
    ("appointment", "phone"): 100, ("visit", "note"): 4000,
}
"""Caps where real use is known: names (the terminal takes 40 characters), a staff note (the
console takes 500). A state beyond a cap is quarantined (``too_large``), never stored: three
envelopes with a 60 MB note grew another site's store to 180 MB."""
MAX_ITEMS = 64
"""Most entries of a list field (concerns, languages, weekdays), each at most 200 characters."""
_INT_RANGE = (-(2**63), 2**63 - 1)


MEDIATOR_EXP_DAYS = 3650
"""Mediators are a shared register, not visit data: their envelopes outlive visit retention."""
STATS_EXP_DAYS = 3650
"""Anonymous daily figures are kept for the network's long-term statistics."""

OFFICE_KINDS = frozenset({"visit", "appointment"})
"""Records about people: sealed into their office's scope, held by its machines alone."""
NETWORK_KINDS = frozenset({"mediator", "daily_stats"})
"""Records every office needs: sealed into the network scope."""
OWNED_NETWORK_KINDS = {"daily_stats": "office"}
"""Network records that belong to one office (the field naming it): only that office's
machines may write them, so one office cannot rewrite another's figures."""


def scope_of(kind: str, office: str) -> str:
    """The scope a record of ``kind`` written at ``office`` is sealed into."""
    return office if kind in OFFICE_KINDS else NETWORK_SCOPE


def scope_problem(kind: str, scope: str, writer_office: str, row: tuple[Any, ...] | None
                  ) -> str | None:
    """Why a decrypted record may not stand in ``scope`` when written by a machine of
    ``writer_office`` (None if it may).

    A site checks this whatever the server let through: a record about people lives only in
    the scope of the office its ``site`` field names, network records only in the network
    scope, and a network record owned by an office only comes from that office.
    """
    if kind in OFFICE_KINDS:
        if scope == NETWORK_SCOPE:
            return f"a {kind} record was sealed into the network scope"
        if row is not None and row[SYNCED_MODELS[kind].SYNCED_FIELDS.index("site")] != scope:
            return f"a {kind} record of another office was sealed into scope {scope}"
        return None
    if scope != NETWORK_SCOPE:
        return f"a {kind} record was sealed into an office scope"
    owner = OWNED_NETWORK_KINDS.get(kind)
    if owner and (row is None
                  or row[SYNCED_MODELS[kind].SYNCED_FIELDS.index(owner)] != writer_office):
        return f"{kind} of another office written by a machine of {writer_office}"
    return None


class BodyError(ValueError):
    """A decrypted body that is not a record state this version understands."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def rid_for(kind: str, record_id: str) -> str:
    """The record's wire id: a SHA-256 hash of kind and id, in the shape of a version-4 UUID.

    Every site derives the same rid for the same record; the clear header then reveals
    neither the kind nor anything about the id.
    """
    digest = bytearray(hashlib.sha256(b"lokal-willkommen rid\x00" + kind.encode() + b"\x00"
                                      + record_id.encode()).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x40  # version 4, as uuid.UUID(bytes=…, version=4) sets
    digest[8] = digest[8] & 0x3F | 0x80  # RFC 4122 variant
    return digest.hex()


def model_for(kind: str) -> type[SyncedModel]:
    try:
        return SYNCED_MODELS[kind]
    except KeyError:
        raise BodyError("unknown_kind", f"record kind {kind!r} is not known here") from None


def _field(model: type[SyncedModel], name: str) -> Field:
    return model._meta.fields[name]


def columns(model: type[SyncedModel]) -> list[str]:
    """The SQL column of each synced field, in SYNCED_FIELDS order."""
    return [_field(model, n).column_name for n in model.SYNCED_FIELDS]


def scrubbed(model: type[SyncedModel], name: str) -> Any:
    """The value an erased record keeps in a NOT NULL column: nothing personal."""
    field = _field(model, name)
    if field.null:
        return None
    if isinstance(field, JSONField):
        return []
    if isinstance(field, BooleanField):
        return False
    if isinstance(field, IntegerField):
        return 0
    return ""


def default_value(model: type[SyncedModel], name: str) -> Any:
    """The value a column takes when the incoming state never wrote it."""
    fld = _field(model, name)
    if fld.default is not None:
        return fld.default() if callable(fld.default) else fld.default
    return scrubbed(model, name)


@functools.cache
def _converters(model: type[SyncedModel]
                ) -> tuple[tuple[str, Callable[[Any], Any], Callable[[], Any]], ...]:
    """Per synced field: (name, its db_value, its default), looked up once per model."""
    return tuple((n, _field(model, n).db_value, functools.partial(default_value, model, n))
                 for n in model.SYNCED_FIELDS)


def to_db(model: type[SyncedModel], name: str, value: Any) -> Any:
    return _field(model, name).db_value(value)


def from_db(model: type[SyncedModel], name: str, value: Any) -> Any:
    return _field(model, name).python_value(value)


def row_state(model: type[SyncedModel], values: dict[str, Any], clocks: dict[str, str],
              erased: bool, bases: dict[str, str], synced: dict[str, str]) -> State:
    """A stored row as a mergeable state.

    A field's base is the clock it had when last exchanged with the server if it was edited
    here since (the value the counsellor saw), else the base that arrived with it.
    """
    if erased:
        return State(True, {})
    fields = {}
    for name, clock in clocks.items():
        if name not in values:
            continue
        seen = synced.get(name, "")
        base = bases.get(name, "") if seen == clock else seen
        fields[name] = Entry(clock, values[name], base)
    return State(False, fields)


def encode_body(kind: str, record_id: str, state: State) -> bytes:
    """The plaintext inside an envelope: kind, id, the distinct clocks, and each field's
    ``[clock index, value, base index or -1]``.

    A record's fields share a few clocks (check-in, call, finish); written once each
    instead of once per field, a visit's body is about 850 bytes instead of 1,900, and a
    site decodes less per record.
    """
    table = sorted({e.clock for e in state.fields.values()}
                   | {e.base for e in state.fields.values() if e.base})
    index = {clock: i for i, clock in enumerate(table)}
    body = {"k": kind, "id": record_id, "c": table,
            "f": {n: [index[e.clock], e.value, index[e.base] if e.base else -1]
                  for n, e in state.fields.items()}}
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


Field_ = tuple[str, int, Any, int]
"""A known field of a body: (name, clock index, value, base index or -1)."""


@functools.cache
def _caps(model: type[SyncedModel]) -> dict[str, int]:
    """Characters allowed per synced field of ``model`` (see ``MAX_CHARS_BY_FIELD``)."""
    return {n: MAX_CHARS_BY_FIELD.get(
        (model.KIND, n), 4000 if type(_field(model, n)) is TextField else MAX_CHARS)
        for n in model.SYNCED_FIELDS}


def _check_value(kind: str, name: str, value: Any, cap: int) -> None:
    """Refuse a value no honest writer makes: over its cap, an integer SQLite cannot hold,
    or a shape no field has (objects, nested lists)."""
    t = type(value)
    if t is str:
        if len(value) > cap:
            raise BodyError("too_large", f"{kind}.{name} is longer than {cap} characters")
    elif t is int:
        if not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            raise BodyError("bad_body", f"{kind}.{name} is an integer out of range")
    elif t is list:
        if len(value) > MAX_ITEMS:
            raise BodyError("too_large", f"{kind}.{name} has more than {MAX_ITEMS} entries")
        for item in value:
            if type(item) is not str or len(item) > 200:
                raise BodyError("too_large" if type(item) is str else "bad_body",
                                f"{kind}.{name} has an entry that is not a short text")
    elif t is dict:  # counts of published figures: short names, integer counts
        if len(value) > MAX_ITEMS:
            raise BodyError("too_large", f"{kind}.{name} has more than {MAX_ITEMS} entries")
        for key, count in value.items():
            if len(key) > 200 or type(count) is not int or not 0 <= count <= _INT_RANGE[1]:
                raise BodyError("bad_body", f"{kind}.{name} has an entry that is not a "
                                            "short name with a count")
    elif value is not None and t is not bool and t is not float:
        raise BodyError("bad_body", f"{kind}.{name} has a value of an unexpected type")


def _decode(raw: bytes) -> tuple[str, str, list[str], list[Field_]]:
    """(kind, id, clock table, known fields) of a body, strict about its shape.

    Each clock is named once (the table strictly increasing), every index points into the
    table, fields this version does not know are dropped, known ones are checked against
    their caps (:func:`_check_value`).
    """
    try:
        body = orjson.loads(raw)
        kind, record_id, table, fields = body["k"], body["id"], body["c"], body["f"]
        if not isinstance(record_id, str) or not 1 <= len(record_id) <= 32:
            raise TypeError("id")
        if type(table) is not list \
                or any(type(c) is not str or not 21 <= len(c) <= 80 for c in table) \
                or any(a >= b for a, b in itertools.pairwise(table)):
            raise TypeError("clock")
        if type(fields) is not dict:
            raise TypeError("fields")
        model = model_for(kind)
        caps, size = _caps(model), len(table)
        out = []
        for name, (ci, value, bi) in fields.items():
            if type(ci) is not int or type(bi) is not int or not 0 <= ci < size \
                    or not -1 <= bi < size:
                raise TypeError("clock index")
            cap = caps.get(name)
            if cap is not None:
                _check_value(kind, name, value, cap)
                out.append((name, ci, value, bi))
    except BodyError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise BodyError("bad_body", f"record body does not parse ({exc.__class__.__name__})"
                        ) from None
    return kind, record_id, table, out


def decode_body(raw: bytes) -> tuple[str, str, dict[str, tuple[str, Any, str]]]:
    """Inverse of :func:`encode_body` (see :func:`_decode` for what is refused).

    Returns the fields as plain ``name -> (clock, value, base)`` tuples, ready to merge.
    """
    kind, record_id, table, fields = _decode(raw)
    bases = [*table, ""]  # index -1: no base
    return kind, record_id, {name: (table[ci], value, bases[bi])
                             for name, ci, value, bi in fields}


Row = tuple[tuple[Any, ...], str, str]
"""A record's column values in SYNCED_FIELDS order, packed clocks, bases JSON: for SQL."""


def decode_row(raw: bytes) -> tuple[str, str, str, Row | None]:
    """(kind, id, newest clock, row) of a body, as strict as :func:`decode_body`.

    What the pull pool's workers build for every envelope, so that the main process only
    inserts a record new to the site: the columns straight from the body, the clocks
    grouped as the body already groups them. ``row`` is None for a body without fields.
    """
    kind, record_id, table, fields = _decode(raw)
    if not fields:
        return kind, record_id, "", None
    values: dict[str, Any] = {}
    grouped: dict[str, list[str]] = {}
    bases: dict[str, str] = {}
    for name, ci, value, bi in fields:
        values[name] = value
        grouped.setdefault(table[ci], []).append(name)
        if bi >= 0:
            bases[name] = table[bi]
    row = tuple(convert(values[name]) if name in values else convert(default())
                for name, convert, default in _converters(model_for(kind)))
    newest = max(grouped)  # text order is clock order
    return kind, record_id, newest, (row, clock_column.pack_groups(grouped),
                                     _encode(bases) if bases else "{}")


def to_state(fields: dict[str, tuple[str, Any, str]]) -> State:
    """Raw decoded fields as a mergeable state."""
    return State(False, {n: Entry(c, v, b) for n, (c, v, b) in fields.items()})


def expiry_day(kind: str, values: dict[str, Any], retention_days: int,
               today: dt.date | None = None) -> str:
    """The clear, day-granular ``exp``: the record's own day plus the retention period."""
    today = today or dt.date.today()
    day = today
    if kind == "visit" and isinstance(values.get("day"), str):
        try:
            day = dt.date.fromisoformat(values["day"])
        except ValueError:
            day = today
    elif kind == "appointment" and isinstance(values.get("starts_at"), int):
        day = dt.datetime.fromtimestamp(values["starts_at"] / 1000, dt.UTC).date()
    elif kind == "mediator":
        retention_days = MEDIATOR_EXP_DAYS
    elif kind == "daily_stats":
        retention_days = STATS_EXP_DAYS
    return (day + dt.timedelta(days=retention_days)).isoformat()
