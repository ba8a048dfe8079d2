"""The server store's own errors: what went wrong in storage terms, with no HTTP in them.

The store is used by the API, by the admin's commands and by tests without a web server;
`sync_server.errors` maps these to HTTP statuses in one place (as syncstorage's
`convert_storage_errors` does), so the store never decides how a failure is answered.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of the store's errors: a stable ``code`` and a message without envelope content."""

    code = "storage_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class SiteNotWritable(StorageError):
    """The site may not store anything (revoked, or never enrolled)."""

    code = "site_revoked"


class CounterReused(StorageError):
    """A writer counter the store accepted before arrives again with other content."""

    code = "counter_reused"
