"""`kiosk demo-network`: a sync server and three enrolled offices on this machine.

The work is in :mod:`kiosk.demo.network`; this module only parses the options.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.commands.common import handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo-network", help="a whole network on this machine: server + three offices",
        description="Start a sync server on loopback, create the network key and three office "
                    "stores (EVSC, with a second machine, LUED, INWO) with demo data, enrol "
                    "them, run a sync round, print what to open, and wait. Ctrl+C stops "
                    "everything it started.")
    p.add_argument("--dir", metavar="DIR",
                   help="keep the network in DIR (new or empty); default: a temporary "
                        "directory removed at the end")
    p.add_argument("--port", type=int, metavar="N", help="server port (default: a free one)")
    p.add_argument("--visits", type=int, default=300, metavar="N",
                   help="past visits per office (default 300)")
    p.add_argument("--no-wait", action="store_true",
                   help="stop right after printing what to open (for scripts)")
    p.set_defaults(func=cmd_demo_network)


@handles_errors
def cmd_demo_network(args: argparse.Namespace) -> int:
    from kiosk.demo.network import run_demo_network

    return run_demo_network(Path(args.dir) if args.dir else None, port=args.port,
                            visits=args.visits, wait=not args.no_wait)
