"""`kiosk report`: the city's figures over a range of days as CSV or xlsx; counts only."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from kiosk.commands.common import (
    EXIT_INVALID,
    EXIT_USAGE,
    context_from_args,
    fail,
    handles_errors,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="figures of a range of days as CSV or xlsx (no "
                                      "personal data)",
                       description="The network's figures between two days (inclusive) for "
                                   "the city's spreadsheets: visits, visits with an "
                                   "interpreter, visits per day, and counts per language, "
                                   "interpreter language, concern, waiting-time class, "
                                   "referral, outcome and location, per office and for the "
                                   "whole network. Other offices' figures are what they "
                                   "published at the last sync; values seen fewer than 5 "
                                   "times a day are merged into 'other'. Nothing personal "
                                   "is read. Exits 5 on a bad date, a reversed range, an "
                                   "unknown office or a range without figures; then no "
                                   "file is written.")
    p.add_argument("--from", dest="first", required=True, metavar="DATE",
                   help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, metavar="DATE",
                   help="last day, YYYY-MM-DD (inclusive)")
    p.add_argument("--office", metavar="CODE", help="only this office (default: every "
                                                    "office and the network total)")
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv",
                   help="csv (default; UTF-8) or xlsx")
    p.add_argument("--out", metavar="FILE",
                   help="write to FILE (replaced whole); csv goes to standard output "
                        "without it, xlsx needs it")
    p.set_defaults(func=cmd_report)


def _day(value: str, flag: str) -> dt.date | str:
    """The date, or the message saying why it is not one."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return f"invalid {flag}: {value!r} is not a date like 2026-11-30"


@handles_errors
def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.stats.figures import collect
    from kiosk.stats.report import csv_bytes, report_rows, write_atomically, xlsx_bytes

    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    for day in (first, last):
        if isinstance(day, str):
            return fail(day, EXIT_INVALID)
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    if first > last:
        return fail(f"invalid range: --from {first} is after --to {last}", EXIT_INVALID)
    if args.format == "xlsx" and not args.out:
        return fail("--format xlsx needs --out FILE (a workbook is not for the terminal)",
                    EXIT_USAGE)
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        return fail(f"invalid --out: the folder {out.parent} does not exist", EXIT_INVALID)
    with context_from_args(args) as ctx:
        codes = [o.code for o in ctx.config.offices]
        if args.office and args.office not in codes:
            return fail(f"unknown office {args.office!r} (offices: {', '.join(codes)})",
                        EXIT_INVALID)
        figures = collect(first, last, own_office=ctx.store.site)
    if args.office:
        figures = figures.only(args.office)
    if figures.empty:
        who = f"office {args.office}" if args.office else "any office"
        return fail(f"no figures from {first} to {last} for {who}: nothing to report "
                    "(nothing recorded here or published at the last sync)", EXIT_INVALID)
    rows = report_rows(figures)
    data = xlsx_bytes(rows, figures) if args.format == "xlsx" else csv_bytes(rows)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_atomically(out, data)
    print(f"report {first} to {last}: {len(rows)} rows, {len(figures.totals)} office(s), "
          f"written to {out}", file=sys.stderr)
    return 0
