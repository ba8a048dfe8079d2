"""What every subcommand shares: the error mapper, messages for people, typed codes.

Exit codes are defined once, in :mod:`kiosk.errors`; the names are re-exported here because
every command module (and those being written) imports them from here.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps

from peewee import DatabaseError as PeeweeDatabaseError

from kiosk.context import KioskContext, open_context
from kiosk.errors import (  # noqa: F401  (re-exported for the command modules)
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_QUARANTINE,
    EXIT_RESTORED,
    EXIT_SECURITY,
    EXIT_STORE,
    EXIT_USAGE,
    SHARED_ERROR_EXITS,
    KioskError,
)
from kiosk.faults import classify
from kiosk.paths import resolve_db
from kiosk.terminal_text import printable


def code_arg(text: str) -> str:
    """An office, location or machine code as typed (`evsc`, ` EVSC-ev`): stored upper-case.

    Used as argparse's `type=` wherever a person types a code, so that `--site evsc` names the
    same office as `--site EVSC`; validation stays with whatever looks the code up.
    """
    return text.strip().upper()


def scope_arg(text: str) -> str:
    """A scope as typed: `network` (any case) or an office code (see `code_arg`)."""
    return "network" if text.strip().lower() == "network" else code_arg(text)


def fail(message: str, code: int) -> int:
    """Print `message` for a person and return the exit code."""
    print(f"kiosk: {printable(message, multiline=True)}", file=sys.stderr)
    return code


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code for an error no command caught: 4 for a store or disk fault
    under the store (read-only, full, deleted, no permission), 1 for anything else.

    The apps (`kiosk.ui.crash`) use it too, so a terminal that stops and a command that
    fails on the same fault report the same code.
    """
    return EXIT_STORE if classify(exc).store else EXIT_FAILED


def _io_message(exc: BaseException, args: argparse.Namespace) -> str:
    """One line naming the fault and the file, never the data that was being written."""
    fault = classify(exc)
    if fault.store:
        path = resolve_db(getattr(args, "db", None))
        return f"store error: {path}: {fault.summary} ({fault.kind})"
    filename = getattr(exc, "filename", None)
    return f"{filename + ': ' if isinstance(filename, str) else ''}{fault.summary} ({fault.kind})"


def context_from_args(args: argparse.Namespace) -> KioskContext:
    """Open config and store from `--config`/`--db` (errors are handled by `handles_errors`)."""
    return open_context(args.config, args.db)


def describe_error(exc: BaseException, args: argparse.Namespace | None = None
                   ) -> tuple[str, int] | None:
    """The one mapper from an error to a line for a person and a documented exit code.

    Named errors carry their own (:class:`kiosk.errors.KioskError`); the wire protocol's and
    the sealed backups' errors (shared with the server, so not derived from it) are known
    by their codes; store and I/O faults (read-only, disk full, store deleted, permission
    denied) are classified. None: not an error a command reports (a bug: let it show).
    """
    if isinstance(exc, KioskError):
        return exc.describe(), exc.exit_code
    shared = _shared_error(exc)
    if shared is not None:
        return shared
    if isinstance(exc, sqlite3.Error | PeeweeDatabaseError | OSError) \
            and not isinstance(exc, BrokenPipeError):
        return _io_message(exc, args or argparse.Namespace()), exit_code_for(exc)
    return None


def _shared_error(exc: BaseException) -> tuple[str, int] | None:
    """Errors of the modules shared with the server, looked up without importing them (a
    command that never loaded them cannot have raised them)."""
    protocol = sys.modules.get("sync_server.protocol_base")
    if protocol is not None and isinstance(exc, protocol.ProtocolError):
        return exc.message, EXIT_INVALID
    sealed = sys.modules.get("sync_server.sealed_backup")
    if sealed is not None and isinstance(exc, sealed.SealError):
        return exc.message, SHARED_ERROR_EXITS.get(exc.code, EXIT_INVALID)
    return None


def handles_errors(func: Callable[[argparse.Namespace], int]
                   ) -> Callable[[argparse.Namespace], int]:
    """Report what :func:`describe_error` knows as one line and its exit code.

    `kiosk.cli.main` does the same for anything that reaches it; this decorator stays for
    the commands that use it (and for callers of a command function itself).
    """

    @wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except Exception as exc:
            known = describe_error(exc, args)
            if known is None:
                raise
            return fail(*known)

    return wrapper
