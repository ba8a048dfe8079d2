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
COMMAND_MODULES = ["store", "demo", "visitor", "staff", "keys", "sync", "demo_network"]


def build_parser() -> argparse.ArgumentParser:
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
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
