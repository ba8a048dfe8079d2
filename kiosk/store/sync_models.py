"""Sync bookkeeping tables of the local store (created by migration 3).

* :class:`SyncRecord` — per record id: its wire id (rid, a SHA-256 hash of kind and id),
  erasure tombstone, and for each field the clock last exchanged with the server
  (``synced``) and the base clock that travels with it, so a concurrent overwrite can be
  told from a sequential one.
* :class:`Quarantine` — envelopes that failed verification or could not be applied yet.
* :class:`Conflict` — values that lost to a concurrent write, kept for staff review.
* :class:`Peer` — other sites' public signing keys, taken from their root-checked certificates
  as last fetched from the server.
"""

from __future__ import annotations

from peewee import AutoField, BlobField, BooleanField, CharField, IntegerField, TextField

from kiosk.store.clock_column import ClocksField
from kiosk.store.models import BaseModel, JSONField


class SyncRecord(BaseModel):
    rid = CharField(primary_key=True, max_length=32)
    record = CharField(null=True, unique=True, max_length=32)
    kind = CharField(null=True)
    scope = CharField(null=True, max_length=16)
    erased = BooleanField(default=False)
    bases = JSONField(default=dict)
    synced = ClocksField(default=dict)

    class Meta:
        table_name = "sync_record"


class Quarantine(BaseModel):
    id = AutoField()
    seq = IntegerField()
    site = CharField(null=True)
    rid = CharField(null=True)
    gen = IntegerField(null=True)
    reason = CharField()
    detail = CharField(null=True)
    envelope = BlobField()
    at = IntegerField()

    class Meta:
        table_name = "sync_quarantine"


class Conflict(BaseModel):
    id = AutoField()
    record = CharField(max_length=32)
    kind = CharField()
    field = CharField()
    value = TextField()
    clock = CharField()
    winner_clock = CharField()
    at = IntegerField()
    reviewed_at = IntegerField(null=True)

    class Meta:
        table_name = "sync_conflict"


class Peer(BaseModel):
    site = CharField(primary_key=True)
    sign_pub = TextField()
    """The peer's public signing key (base64) from its root-checked certificate."""
    fetched_at = IntegerField()

    class Meta:
        table_name = "sync_peer"


SYNC_MODELS = (SyncRecord, Quarantine, Conflict, Peer)
