"""``kiosk erasures``: the mass erasures this site holds back, and the admin's decision.

The command parses arguments and calls ``kiosk.sync.erasure_hold``; it shows writer ids,
days and counts only, never a record's content.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from kiosk.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    code_arg,
    context_from_args,
    fail,
    handles_errors,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("erasures", help="mass erasures held for an admin (list, release, "
                                        "reject)",
                       description="When one machine erases more records younger than the "
                                   "retention period in one day than [sync] "
                                   "mass_erasure_threshold (default 50), this site holds "
                                   "those erasures: the records stay until an admin decides.")
    es = p.add_subparsers(dest="erasures_command", metavar="ACTION", required=True)
    q = es.add_parser("list", help="held erasures: writer, day, count, first seen")
    q.add_argument("--json", action="store_true")
    q.add_argument("--all", action="store_true", help="also days already decided")
    q.set_defaults(func=cmd_list)
    for name, what in (("release", "apply the held erasures (the records are erased)"),
                       ("reject", "keep the records; later erasures of that writer and day "
                                  "are ignored too")):
        q = es.add_parser(name, help=what)
        q.add_argument("writer", metavar="WRITER", type=code_arg,
                       help="the machine's writer id")
        q.add_argument("day", metavar="DAY", help="the UTC day, YYYY-MM-DD")
        q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        q.set_defaults(func=cmd_decide, decision=name)


def _when(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@handles_errors
def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.sync.erasure_hold import holds

    with context_from_args(args) as ctx:
        rows = holds(ctx.store, all_states=args.all)
    if args.json:
        print(json.dumps([{"writer": h.writer, "day": h.day, "state": h.state,
                           "count": h.count, "pending": h.pending,
                           "first_seen": h.first_seen} for h in rows]))
        return EXIT_OK
    if not rows:
        print("no erasures held")
        return EXIT_OK
    for h in rows:
        print(f"{h.writer}  {h.day}  {h.state:9}  {h.count:6} erasures  "
              f"({h.pending} waiting)  first seen {_when(h.first_seen)}")
    return EXIT_OK


@handles_errors
def cmd_decide(args: argparse.Namespace) -> int:
    from kiosk.sync import erasure_hold
    from sync_server.protocol_base import ProtocolError, check_day, check_site

    try:
        check_site(args.writer, "WRITER")
        check_day(args.day, "DAY")
    except ProtocolError as exc:
        return fail(f"{exc.message} (see `kiosk erasures list`)", EXIT_INVALID)
    with context_from_args(args) as ctx:
        waiting = [h for h in erasure_hold.holds(ctx.store)
                   if (h.writer, h.day) == (args.writer, args.day)]
        if not waiting:
            return fail(f"no held erasures of {args.writer} on {args.day} (see `kiosk "
                        "erasures list`)", EXIT_INVALID)
        effect = ("erases those records at this machine" if args.decision == "release"
                  else "keeps those records; later erasures of that writer and day are "
                       "ignored")
        print(f"{args.decision} {waiting[0].pending} erasures by {args.writer} on "
              f"{args.day}: {effect}.", file=sys.stderr)
        if not args.yes:
            if not sys.stdin.isatty():
                return fail("not confirmed (pass --yes); nothing changed", EXIT_USAGE)
            if input("type yes to go on: ").strip().lower() != "yes":
                return fail("not confirmed; nothing changed", EXIT_USAGE)
        if args.decision == "release":
            n = erasure_hold.release(ctx.store, args.writer, args.day)
            print(f"released: {n} records erased")
        else:
            n = erasure_hold.reject(ctx.store, args.writer, args.day)
            print(f"rejected: {n} erasures dropped, the records stay")
    return EXIT_OK
