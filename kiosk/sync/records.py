"""Between store rows and mergeable states: wire ids, envelope bodies, expiry days.

Rows are read and written with plain SQL (one statement per page, not one per record):
applying a page of a first sync of a million records must stay well under the cost of
verifying its signatures.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from peewee import BooleanField, Field, IntegerField

from kiosk.store import clock_column
from kiosk.store.models import SYNCED_MODELS, JSONField, SyncedModel
from kiosk.sync.merge import Entry, State

_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode
"""Compact sorted JSON, as the store keeps clocks (one encoder, not one per call)."""

MEDIATOR_EXP_DAYS = 3650
"""Mediators are a shared register, not visit data: their envelopes outlive visit retention."""


class BodyError(ValueError):
    """A decrypted body that is not a record state this version understands."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def rid_for(kind: str, record_id: str) -> str:
    """The record's random-looking wire id: a version-4 UUID shape from a hash of the id.

    Every site derives the same rid for the same record; the clear header then reveals
    neither the kind nor anything about the id.
    """
    digest = hashlib.sha256(b"lokal-willkommen rid\x00" + kind.encode() + b"\x00"
                            + record_id.encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4).hex


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


def db_row(model: type[SyncedModel], fields: dict[str, tuple[str, Any, str]]
           ) -> tuple[tuple[Any, ...], str, str]:
    """(column values in SYNCED_FIELDS order, packed clocks, bases JSON) ready for SQL.

    Built in the pull pool's workers for records new to the site, so that the main process
    only inserts.
    """
    vals = []
    for name, convert, default in _converters(model):
        entry = fields.get(name)
        vals.append(convert(entry[1] if entry else default()))
    clocks = clock_column.pack({n: e[0] for n, e in fields.items()})
    bases = {n: e[2] for n, e in fields.items() if e[2]}
    return tuple(vals), clocks, _encode(bases) if bases else "{}"


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
    instead of once per field, a visit's body is about 800 bytes instead of 1,900, below
    the size at which :func:`sync_server.protocol.pad` compresses, and a site stores and
    decodes less per record.
    """
    table = sorted({e.clock for e in state.fields.values()}
                   | {e.base for e in state.fields.values() if e.base})
    index = {clock: i for i, clock in enumerate(table)}
    body = {"k": kind, "id": record_id, "c": table,
            "f": {n: [index[e.clock], e.value, index[e.base] if e.base else -1]
                  for n, e in state.fields.items()}}
    return json.dumps(body, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def decode_body(raw: bytes) -> tuple[str, str, dict[str, tuple[str, Any, str]]]:
    """Inverse of :func:`encode_body`, strict about shape (unknown fields are dropped).

    Returns the fields as plain ``name -> (clock, value, base)`` tuples: cheap to send
    between processes and to apply to a record this site does not have yet.
    """
    try:
        body = json.loads(raw)
        kind, record_id, table, fields = body["k"], body["id"], body["c"], body["f"]
        if not isinstance(record_id, str) or not 1 <= len(record_id) <= 32:
            raise TypeError("id")
        if type(table) is not list or any(type(c) is not str or len(c) < 21 for c in table):
            raise TypeError("clock")
        known = set(model_for(kind).SYNCED_FIELDS)
        bases = [*table, ""]  # index -1: no base
        out = {}
        for name, (ci, value, bi) in fields.items():
            if type(ci) is not int or type(bi) is not int or not 0 <= ci < len(table) \
                    or not -1 <= bi < len(table):
                raise TypeError("clock index")
            if name in known:
                out[name] = (table[ci], value, bases[bi])
    except BodyError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise BodyError("bad_body", f"record body does not parse ({exc.__class__.__name__})"
                        ) from None
    return kind, record_id, out


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
    return (day + dt.timedelta(days=retention_days)).isoformat()
