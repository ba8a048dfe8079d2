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


class NotTrusted(StorageError):
    """The store pins no network root yet (``sync-server trust``), so it can check nothing."""

    code = "server_not_trusted"


class UnknownSite(StorageError):
    """A request names a site that never enrolled: the requester is not known to us."""

    code = "unknown_site"


class NoSuchSite(StorageError):
    """The admin names a site that is not enrolled (nothing to revoke or look up)."""

    code = "unknown_site"


class NonceReplayed(StorageError):
    """A request nonce the store has seen within the window: a replayed request."""

    code = "replayed_nonce"


class CertificateRefused(StorageError):
    """A certificate that was revoked, or is on the root's revocation list, may not enrol."""

    code = "certificate_revoked"


class StaleState(StorageError):
    """What arrives contradicts what the store holds (another root, an older certificate,
    list or key issue, a generation re-keyed); the stored state stays."""

    code = "conflict"


class OverQuota(StorageError):
    """A push would take a site past its storage quota (envelopes or bytes)."""

    code = "quota_exceeded"
