"""The `kiosk` command line: global options, then one subcommand per job.

Each area of the kiosk adds its subcommands from a module in `kiosk.commands` (listed in
`COMMAND_MODULES`) with a `register(sub)` function, so this file stays small.

Exit codes (also in README): 0 done; 1 failed; 2 bad usage; 3 configuration error;
4 store error; 5 invalid input; 6 network or server error; 7 security check failed;
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.commands.common import EXIT_INTERRUPTED

#: Modules under kiosk.commands that add subcommands; each has `register(sub)`.
COMMAND_MODULES = ["store", "demo", "visitor", "staff", "keys", "sync", "demo_network",
                   "doctor", "privacy"]


#: Global options that take a value (the value is not a subcommand's name).
_VALUE_OPTIONS = ("--config", "--db")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `kiosk` parser with every subcommand, or only as far as the one named `command`.

    Registering a module imports it, and argparse is not free either: the visitor terminal
    should not pay for the key, sync and admin parsers at every boot. With `command`, modules
    are registered in order until one adds it; an unknown name still gets them all (and
    argparse's usual "invalid choice" message listing every command).
    """
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="lokal willkommen: check-in kiosk, staff console, board and sync "
                    "for one office.",
        epilog="Exit codes: 0 ok, 1 failed, 2 usage, 3 config, 4 store, 5 invalid input, "
               "6 network/server, 7 security check, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", metavar="FILE",
                        help="network configuration (TOML); default: $KIOSK_CONFIG, the "
                             "user config file, or the shipped Dortmund network")
    parser.add_argument("--db", metavar="FILE",
                        help="the site store (SQLite); its keys live beside it; "
                             "default: $KIOSK_DB or the platform data directory")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"kiosk.commands.{name}").register(sub)
        if command is not None and command in sub.choices:
            break
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names, or None when help or the version is asked for first.

    Any option it does not know (an abbreviation, `-h`) also gives None: then the full parser
    decides, so this shortcut can only ever make start-up cheaper, never change a result.
    """
    args = iter(argv)
    for arg in args:
        if arg in _VALUE_OPTIONS:
            next(args, None)
        elif arg.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
