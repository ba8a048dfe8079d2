"""The command line's one error table: every exit code with its meaning, and the root error.

`kiosk`'s exit codes are a contract that runbooks, systemd units and monitoring rely on. They
are written here once: `kiosk --help`'s epilog is generated from :data:`EXIT_CODES`, and a
test checks README's exit-code line against it. Every named error of the kiosk derives from
:class:`KioskError`, which carries a machine-readable code and its exit code, so that one
mapper (:func:`kiosk.commands.common.describe_error`, used by `kiosk.cli.main`) turns any of
them into one line and the same exit code, whichever command raised it.

This module imports nothing but the standard library: the queue, the store and the sync
client derive their errors from it without loading anything of the command line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExitCode:
    """One documented exit code."""

    number: int
    #: A word or two for `kiosk --help`'s epilog.
    short: str
    #: What README says it means.
    meaning: str


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_STORE = 4
EXIT_INVALID = 5
EXIT_NETWORK = 6
EXIT_SECURITY = 7
EXIT_RESTORED = 8
EXIT_QUARANTINE = 9
EXIT_INTERRUPTED = 130

#: Every exit code of `kiosk`, in order.
EXIT_CODES: tuple[ExitCode, ...] = (
    ExitCode(EXIT_OK, "ok", "done"),
    ExitCode(EXIT_FAILED, "failed", "failed"),
    ExitCode(EXIT_USAGE, "usage", "bad usage"),
    ExitCode(EXIT_CONFIG, "config", "configuration error"),
    ExitCode(EXIT_STORE, "store", "store error (missing, foreign, damaged, too new)"),
    ExitCode(EXIT_INVALID, "invalid input", "invalid input"),
    ExitCode(EXIT_NETWORK, "network/server", "network or server error"),
    ExitCode(EXIT_SECURITY, "security check", "security check failed"),
    ExitCode(EXIT_RESTORED, "restored (sync)", "site restored from a backup (sync)"),
    ExitCode(EXIT_QUARANTINE, "quarantined (sync)", "sync done with quarantined envelopes"),
    ExitCode(EXIT_INTERRUPTED, "interrupted", "interrupted"),
)

#: Exit codes of errors raised by code shared with the server (which cannot derive from
#: :class:`KioskError`, the server never imports the kiosk), by their machine-readable code.
SHARED_ERROR_EXITS: dict[str, int] = {
    # sync_server.sealed_backup.SealError
    "no_recipient": EXIT_CONFIG, "bad_recipient": EXIT_CONFIG,
    "wrong_key": EXIT_SECURITY, "damaged": EXIT_SECURITY,
    "target_exists": EXIT_STORE, "no_directory": EXIT_STORE, "io": EXIT_STORE,
    "seal_failed": EXIT_STORE, "identity_exists": EXIT_STORE,
}


#: Top-level modules that only the `office` extra installs (pyproject.toml).
OFFICE_MODULES = frozenset({"textual", "rich", "babel", "bidi", "arabic_reshaper", "requests",
                            "orjson", "PIL", "escpos", "textual_plotext", "plotext",
                            "openpyxl"})


def missing_office_extra(exc: BaseException) -> str | None:
    """The line for a `kiosk` installed without the `office` extra (e.g. on the server, which
    installs `[server]` only), or None when `exc` is about something else."""
    name = (getattr(exc, "name", None) or "").split(".")[0]
    if not isinstance(exc, ModuleNotFoundError) or name not in OFFICE_MODULES:
        return None
    return (f"the office programs are not installed here (no module {name!r}): install them "
            "with pip install 'lokal-willkommen-kiosk[office]'")


def epilog() -> str:
    """The exit-code line of `kiosk --help`."""
    return "Exit codes: " + ", ".join(f"{e.number} {e.short}" for e in EXIT_CODES) + "."


def readme_line() -> str:
    """README's exit-code sentence (a test keeps README equal to it)."""
    return "Exit codes: " + " · ".join(f"{e.number} {e.meaning}" for e in EXIT_CODES) + "."


class KioskError(Exception):
    """The root of the kiosk's named errors: a message for people, a machine-readable
    ``code`` and the documented ``exit_code`` a command ends with when it is not caught."""

    code = "failed"
    exit_code = EXIT_FAILED

    def __init__(self, message: str = "", code: str | None = None,
                 exit_code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if exit_code is not None:
            self.exit_code = exit_code

    def describe(self) -> str:
        """The one line a command prints (subclasses add what kind of error it is)."""
        return str(self)
