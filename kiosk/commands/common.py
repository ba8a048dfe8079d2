"""What every subcommand shares: exit codes and turning known errors into clear messages."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps

from peewee import DatabaseError as PeeweeDatabaseError

from kiosk.config import ConfigError
from kiosk.context import KioskContext, open_context
from kiosk.faults import classify
from kiosk.paths import resolve_db
from kiosk.queue.errors import InvalidInput, QueueError
from kiosk.store.db import StoreError
from kiosk.terminal_text import printable

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_STORE = 4
EXIT_INVALID = 5
EXIT_NETWORK = 6
EXIT_SECURITY = 7
EXIT_INTERRUPTED = 130


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


def handles_errors(func: Callable[[argparse.Namespace], int]
                   ) -> Callable[[argparse.Namespace], int]:
    """Map the kiosk's named errors, and store and I/O faults (read-only, disk full, store
    deleted, permission denied), to a one-line message and a documented exit code."""

    @wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except ConfigError as exc:
            return fail(f"configuration error: {exc}", EXIT_CONFIG)
        except StoreError as exc:
            return fail(f"store error: {exc}", EXIT_STORE)
        except InvalidInput as exc:
            return fail(f"invalid {exc.field}: {exc}", EXIT_INVALID)
        except QueueError as exc:
            return fail(str(exc), EXIT_FAILED)
        except BrokenPipeError:  # output piped into `head`: main() ends quietly
            raise
        except (sqlite3.Error, PeeweeDatabaseError, OSError) as exc:
            return fail(_io_message(exc, args), exit_code_for(exc))

    return wrapper
