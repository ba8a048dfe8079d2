"""Erasing a record network-wide: the row goes, a tombstone stays, the outbox carries it.

Kept apart from applying pulled pages: an erasure starts here (staff, retention, a
request under GDPR Art. 17) and reaches other sites as an envelope they apply.
"""

from __future__ import annotations

from kiosk.store.db import Store, WriteTransaction
from kiosk.store.models import Outbox, SyncedModel
from kiosk.sync import records
from kiosk.sync.apply import MergeWork, forget_erased, write_rows, write_sync_records


def erase_record(writer: WriteTransaction, model: type[SyncedModel], record_id: str) -> None:
    """Erase a record network-wide (GDPR Art. 17), inside a ``store.writing()`` transaction.

    The row, its conflict-log entries and its clocks go at once (``secure_delete`` is on);
    a tombstone of its wire id stays so no older state can bring it back, and the outbox
    carries the erasure to the other sites.
    """
    store: Store = writer.store
    stamp = str(writer.stamp())
    rid = records.rid_for(model.KIND, record_id)
    w = MergeWork(rid, model.KIND, record_id, records.scope_of(model.KIND, store.site),
              erased=True, dirty=True, erased_clock=stamp)
    write_rows(store, model, [w])
    write_sync_records(store, [w])
    forget_erased(store, [w])
    Outbox.insert(record=record_id, kind=model.KIND, clock=stamp
                  ).on_conflict_replace().execute()
    writer.erased = True
