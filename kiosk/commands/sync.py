"""``kiosk sync``: one sync run with a progress bar and a summary; exit codes in
:mod:`kiosk.sync.errors`."""

from __future__ import annotations

import argparse
import json
import sys
import time

from kiosk.commands.common import context_from_args, handles_errors
from kiosk.errors import EXIT_OK, EXIT_QUARANTINE
from kiosk.paths import key_dir_for, resolve_db
from kiosk.sync.state import last_sync_status

EPILOG = """exit codes: 0 done; 1 failed; 3 not set up (server URL, keys, enrolment);
4 store error; 6 network or server error (retry later, nothing is lost); 7 security check
failed (plain http to a remote host, site refused or revoked); 8 this store was restored
from an older backup: run `kiosk sync --reincarnate`; 9 done, but envelopes are quarantined.

--reincarnate: after restoring a site's store from a backup the server has seen newer
writes from this site than the store remembers. This pulls everything (the site's own lost
records too), moves the writer counter past what the server has seen, and pushes the whole
merged state: nothing is lost and every site converges."""


class RichProgress:
    """A rich progress bar on standard error, with counts and rates."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.bar = Progress(TextColumn("{task.description:>5}"), BarColumn(),
                            MofNCompleteColumn(), TaskProgressColumn(),
                            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=False)
        self.task = None
        self.started = time.monotonic()
        self.done = 0

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def phase(self, name: str, total: int | None) -> None:
        self.task = self.bar.add_task(name, total=total, rate="")
        self.started, self.done = time.monotonic(), 0

    def advance(self, n: int) -> None:
        self.done += n
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        self.bar.update(self.task, advance=n, rate=f"{rate:,.0f} rec/s")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="push this site's changes and pull the network's",
                       description="Push the outbox, pull and merge what other sites wrote, "
                                   "retry quarantined envelopes.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", metavar="URL",
                   help="sync server (default: the one this site enrolled with)")
    p.add_argument("--insecure", action="store_true",
                   help="allow plain http to a non-loopback host")
    p.add_argument("--ca-bundle", metavar="FILE",
                   help="PEM file of the CA that signed the server's TLS certificate (a city's "
                        "internal CA); default: the one given to `kiosk enroll`, else the "
                        "system's trust store")
    p.add_argument("--reincarnate", action="store_true",
                   help="recover a store restored from an older backup (see below)")
    p.add_argument("--status", action="store_true",
                   help="show last sync, waiting changes, quarantine and conflicts; no sync")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--page-size", type=int, default=1000, metavar="N",
                   help="envelopes per pull page (default 1000; the server may cap it)")
    p.set_defaults(func=cmd_sync)


def _status(args: argparse.Namespace) -> int:
    ctx = context_from_args(args)
    try:
        last, pending = last_sync_status(ctx.store)
        quarantine = dict(ctx.store.db.execute_sql(
            "SELECT reason, COUNT(*) FROM sync_quarantine GROUP BY reason").fetchall())
        conflicts = ctx.store.db.execute_sql(
            "SELECT COUNT(*) FROM sync_conflict WHERE reviewed_at IS NULL").fetchone()[0]
        held = ctx.store.db.execute_sql(
            "SELECT COUNT(*) FROM sync_erasure_pending").fetchone()[0]
    finally:
        ctx.close()
    out = {"last_sync_at": last, "pending": pending, "quarantine": quarantine,
           "conflicts_to_review": conflicts, "erasures_held": held}
    if args.json:
        print(json.dumps(out))
    else:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(last / 1000)) if last else "never"
        print(f"last sync: {when}; waiting: {pending}; quarantined: "
              f"{sum(quarantine.values())} {quarantine or ''}; conflicts to review: "
              f"{conflicts}" + (f"; erasures held for an admin: {held} (kiosk erasures "
                                "list)" if held else ""))
    return EXIT_OK


@handles_errors
def cmd_sync(args: argparse.Namespace) -> int:
    if args.status:
        return _status(args)
    from kiosk.sync.client import run_sync  # requests, cryptography: only when syncing

    ctx = context_from_args(args)
    key_dir = key_dir_for(resolve_db(args.db))
    show = sys.stderr.isatty() and not args.json
    try:
        if show:
            with RichProgress() as progress:
                report = run_sync(ctx.store, ctx.config, key_dir, args.server,
                                  insecure=args.insecure, reincarnate=args.reincarnate,
                                  progress=progress, page_limit=args.page_size,
                                  ca_bundle=args.ca_bundle)
        else:
            report = run_sync(ctx.store, ctx.config, key_dir, args.server,
                              insecure=args.insecure, reincarnate=args.reincarnate,
                              page_limit=args.page_size, ca_bundle=args.ca_bundle)
    finally:
        ctx.close()
    summary = {k: getattr(report, k) for k in (
        "pushed", "pulled", "merged", "quarantined", "released", "held", "conflicts",
        "requests",
        "bytes_sent", "bytes_received", "epoch_resets")}
    summary["seconds"] = round(report.seconds, 3)
    if args.json:
        print(json.dumps({**summary, "notes": report.notes}))
    else:
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
        print("pushed {pushed}, pulled {pulled}, merged {merged}, quarantined {quarantined}, "
              "conflicts {conflicts} ({requests} requests, {seconds} s)".format(**summary))
    return EXIT_QUARANTINE if report.quarantined else EXIT_OK
