"""Erasure at a visitor's request (GDPR Art. 17), network-wide through sync.

Each record goes with :func:`kiosk.sync.apply.erase_record` inside one write transaction:
the row and its conflict-log values are deleted (``secure_delete`` zeroes them), a tombstone
keeps any older state from bringing it back, the outbox carries the erasure to the other
machines and the server, and the store checkpoints and truncates its WAL afterwards. The
audit keeps the record ids and a reason code, never what was erased.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.privacy.lookup import PersonRecord, Selector
from kiosk.privacy.personal import REASONS
from kiosk.queue.errors import InvalidInput
from kiosk.store.db import Store
from kiosk.store.models import AuditEntry
from kiosk.sync.erase import erase_record

AUDIT_ACTION = "privacy.erase"




@dataclass(frozen=True)
class ErasureResult:
    """What went: counts per kind (the records themselves are gone)."""

    visits: int
    appointments: int


def check_reason(reason: str | None) -> str:
    """The reason code, or InvalidInput listing the allowed ones."""
    if reason not in REASONS:
        raise InvalidInput("reason", "unknown",
                           f"reason must be one of: {', '.join(REASONS)}")
    return reason


def describe(records: Sequence[PersonRecord]) -> list[str]:
    """One line per record that will go (for the confirmation), without its content."""
    out = []
    for rec in records:
        if rec.kind == "visit":
            out.append(f"Besuch {rec.label} vom {rec.day}")
        else:
            out.append(f"Termin am {rec.day} um {rec.label}")
    return out


def erase_detail(reason: str, selector: Selector, rec: PersonRecord) -> str:
    """The audit's note of one erasure: reason, how the visitor was found, and the kind
    and day of the record (a visit's public ticket number too, so that a second request
    for it can be answered "already erased"); never a name or any other content."""
    detail = f"reason={reason};{selector.audit_detail().split(';')[0]};kind={rec.kind}"
    detail += f";day={rec.day}"
    return detail + (f";ticket={rec.label}" if rec.kind == "visit" else "")


def erase_records(store: Store, selector: Selector, records: Sequence[PersonRecord],
                  reason: str, now: dt.datetime, *, staff: str | None = None) -> ErasureResult:
    """Erase the records in one transaction and audit each (id and reason code only).

    Raises:
        InvalidInput: an unknown reason, or a record erased meanwhile (nothing is written).
    """
    reason = check_reason(reason)
    at_ms = int(now.timestamp() * 1000)
    with store.writing() as w:
        for rec in records:
            present = store.db.execute_sql(
                f'SELECT 1 FROM "{rec.model._meta.table_name}" WHERE id = ? AND erased = 0',
                (rec.id,)).fetchone()
            if present is None:
                raise InvalidInput("record", "gone", f"the {rec.kind} of {rec.day} was erased "
                                   "meanwhile; nothing was changed")
            erase_record(w, rec.model, rec.id)
            AuditEntry.create(at=at_ms, staff=staff, action=AUDIT_ACTION, record=rec.id,
                              detail=erase_detail(reason, selector, rec))
    return ErasureResult(sum(r.kind == "visit" for r in records),
                         sum(r.kind == "appointment" for r in records))
