"""The server's storage: peewee models (db), envelopes (push/pull/purge), registry (the rest)."""
