"""The sync client's named errors, each with the documented exit code of ``kiosk sync``.

Exit codes (the kiosk's shared ones, plus two that only sync uses):
0 done; 1 failed unexpectedly; 3 not set up (no server URL, keys not imported, not enrolled);
4 store error; 6 network or server error — retry later, nothing is lost; 7 security check
failed (plain HTTP to a remote host, server refused our credentials, revoked site);
8 this store is older than what the server has seen from it (restored from a backup): run
``kiosk sync --reincarnate``; 9 done, but envelopes were quarantined (see ``kiosk sync
--quarantine``).
"""

from __future__ import annotations

from kiosk.errors import (  # noqa: F401  (the names sync has always exported)
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_QUARANTINE,
    EXIT_RESTORED,
    EXIT_SECURITY,
    EXIT_STORE,
    KioskError,
)


class SyncError(KioskError):
    """A sync that cannot go on; ``code`` is machine-readable, ``exit_code`` documented."""

    exit_code = EXIT_FAILED
    code = "sync_failed"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class NotSetUp(SyncError):
    exit_code = EXIT_CONFIG
    code = "not_set_up"


class NetworkError(SyncError):
    exit_code = EXIT_NETWORK
    code = "network"


class SecurityError(SyncError):
    exit_code = EXIT_SECURITY
    code = "security"


class SiteRestored(SyncError):
    exit_code = EXIT_RESTORED
    code = "counter_reused"


class EpochChanged(Exception):
    """The server's epoch changed under a running sync (internal: the client restarts)."""
