"""The `kiosk` command line: global options, then one subcommand per job.

Each area of the kiosk adds its subcommands from a module in `kiosk.commands` (listed in
`COMMAND_MODULES`) with a `register(sub)` function, so this file stays small.

Exit codes are one table, `kiosk.errors.EXIT_CODES` (the epilog is generated from it, README
is checked against it); `main` maps every named error to its line and code in one place.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.errors import (
    EXIT_CONFIG,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    epilog,
    missing_office_extra,
)

#: Modules under kiosk.commands that add subcommands; each has `register(sub)`.
COMMAND_MODULES = ["store", "demo", "visitor", "staff", "keys", "sync", "demo_network",
                   "doctor", "printing", "report", "erasures", "speech", "privacy"]


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
        epilog=epilog(),
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
    _accept_global_options_after(parser)
    return parser


def _accept_global_options_after(parser: argparse.ArgumentParser) -> None:
    """Let every subcommand (and sub-subcommand) take `--config` and `--db` too.

    People type `kiosk init --site LUED --db site.db`. The copies default to SUPPRESS, so a
    subcommand that is not given them leaves the value parsed before it alone; their help is
    hidden because README and `kiosk --help` document them once, before the subcommand.
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for subparser in action.choices.values():
            taken = {o for a in subparser._actions for o in a.option_strings}
            for option in _VALUE_OPTIONS:
                if option not in taken:
                    subparser.add_argument(option, metavar="FILE", default=argparse.SUPPRESS,
                                           help=argparse.SUPPRESS)
            _accept_global_options_after(subparser)


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
    """Run the command line; returns the exit code.

    An installation without the `office` extra (the server's) gets one line saying what to
    install instead of an import traceback.
    """
    try:
        return _run(argv)
    except ModuleNotFoundError as exc:
        message = missing_office_extra(exc)
        if message is None:
            raise
        print(f"kiosk: {message}", file=sys.stderr)
        return EXIT_CONFIG


def _run(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from kiosk.commands.common import describe_error, fail

        known = describe_error(exc, args)
        if known is None:
            raise
        return fail(*known)


if __name__ == "__main__":
    sys.exit(main())
