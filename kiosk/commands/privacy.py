"""`kiosk privacy …`: visitors' rights and retention from the command line.

``redact`` (daily, by a systemd timer), ``export`` (Art. 15), ``erase`` (Art. 17) and
``report``. The commands parse arguments and call :mod:`kiosk.privacy`; nothing they print
carries a name or any other content of a record.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    context_from_args,
    fail,
    handles_errors,
)


def _selectors(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("which visitor (exactly one of)")
    g.add_argument("--ticket", metavar="A-017", help="ticket number; needs --day")
    g.add_argument("--day", metavar="YYYY-MM-DD", help="the day of the ticket")
    g.add_argument("--code", metavar="CODE", help="appointment code, e.g. K7M-4QX")
    g.add_argument("--name", metavar="NAME",
                   help="first name as given (case and spacing do not matter); it shows in "
                        "the process list and shell history: prefer --ticket or --code")
    p.add_argument("--location", metavar="CODE",
                   help="only this location of the office (when a ticket was given at two)")


def register(sub: argparse._SubParsersAction) -> None:
    from kiosk.privacy.personal import REASONS

    p = sub.add_parser("privacy", help="retention, export and erasure of visitors' data",
                       description="Visitors' rights and retention: redact personal fields "
                                   "past retention, export a visitor's data (GDPR Art. 15), "
                                   "erase it network-wide (Art. 17), report what is held.")
    psub = p.add_subparsers(dest="privacy_command", metavar="ACTION")
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])

    r = psub.add_parser("redact", help="redact personal fields past retention (daily timer)",
                        description="Remove names, notes and appointment contacts of visits "
                                    "and appointments older than retention_days (a synced "
                                    "write: the office's other machines follow at their next "
                                    "sync), thin audit entries older than "
                                    "audit_retention_days, and delete copies of visitors' data "
                                    "older than a week beside the store. A second run writes "
                                    "nothing.")
    r.add_argument("--json", action="store_true", help="machine-readable output")
    r.set_defaults(func=cmd_redact)

    e = psub.add_parser("export", help="a visitor's data as text (their language and "
                                       "German) and JSON",
                        description="Find one visitor's records in this office's data and "
                                    "write them to DIR: plain text in the visitor's language "
                                    "and in German, and JSON. The files are 0600; the export "
                                    "is audited without its content.")
    _selectors(e)
    e.add_argument("--out", required=True, metavar="DIR", help="directory for the files")
    e.add_argument("--language", metavar="LANG",
                   help="the visitor's language (default: from their records)")
    e.set_defaults(func=cmd_export)

    d = psub.add_parser("erase", help="erase a visitor's records on every machine",
                        description="Erase one visitor's records (GDPR Art. 17). The erasure "
                                    "syncs to the office's other machines and the server; "
                                    "the audit keeps record ids and the reason code only. "
                                    "Reasons: " + "; ".join(f"{k} = {v}" for k, v in
                                                            REASONS.items()))
    _selectors(d)
    d.add_argument("--reason", required=True, metavar="CODE",
                   help="one of: " + ", ".join(REASONS))
    d.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    d.set_defaults(func=cmd_erase)

    rep = psub.add_parser("report", help="what personal data the store holds, by age",
                          description="Counts of personal data by kind and age, and when the "
                                      "next redaction runs. Never prints a value.")
    rep.add_argument("--json", action="store_true", help="machine-readable output")
    rep.set_defaults(func=cmd_report)


def _selector(args: argparse.Namespace):
    from kiosk.privacy.lookup import Selector

    return Selector(ticket=args.ticket, day=args.day, code=args.code, name=args.name,
                    location=args.location)


@handles_errors
def cmd_redact(args: argparse.Namespace) -> int:
    from kiosk.privacy.export import default_dir, remove_old_copies
    from kiosk.privacy.redaction import redact_expired

    with context_from_args(args) as ctx:
        now = ctx.queue.now()
        result = redact_expired(ctx.store, ctx.config, now)
        removed = remove_old_copies(default_dir(ctx.store), now)
        # A redaction another machine wrote arrived by sync as an ordinary update: the pages
        # with the old name stay in the WAL until a checkpoint. The daily run makes it one.
        ctx.store.scrub_wal()
    if args.json:
        print(json.dumps({**result.as_dict(), "copies_removed": removed}, indent=2))
    else:
        print(f"redacted: {result.visits} visits, {result.appointments} appointments "
              f"(before {result.cutoff_day}); audit entries thinned: {result.audit_entries} "
              f"(before {result.audit_cutoff_day}); copies older than a week removed: "
              f"{removed}")
    return EXIT_OK


@handles_errors
def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.i18n.languages import UI_LANGUAGE_CODES
    from kiosk.privacy.export import export_records
    from kiosk.privacy.lookup import Finder

    if args.language is not None and args.language not in UI_LANGUAGE_CODES:
        from kiosk.queue.errors import InvalidInput

        raise InvalidInput("language", "unknown", f"{args.language!r} is not one of "
                           f"{', '.join(UI_LANGUAGE_CODES)}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        from kiosk.queue.errors import InvalidInput

        raise InvalidInput("out", "not_dir", f"{out} exists and is not a directory")
    with context_from_args(args) as ctx:
        now = ctx.queue.now()
        sel, records = Finder(ctx.store, ctx.config, now).find(_selector(args))
        try:
            result = export_records(ctx.store, ctx.config, sel, records, out, now,
                                    language=args.language)
        except PermissionError as exc:
            return fail(f"cannot write into {out}: {exc.strerror}", EXIT_FAILED)
    print(f"exported {result.records} record(s) of the visitor ({sel.describe()}) in "
          f"{', '.join(result.languages)}:")
    for path in result.files:
        print(f"  {path}")
    return EXIT_OK


@handles_errors
def cmd_erase(args: argparse.Namespace) -> int:
    from kiosk.privacy.erasure import check_reason, describe, erase_records
    from kiosk.privacy.lookup import Finder

    check_reason(args.reason)
    with context_from_args(args) as ctx:
        now = ctx.queue.now()
        sel, records = Finder(ctx.store, ctx.config, now).find(_selector(args))
        lines = describe(records)
        if not args.yes:
            if not sys.stdin.isatty():
                return fail("erasing needs a confirmation: run it at a terminal, or add "
                            "--yes", EXIT_USAGE)
            print(f"These {len(records)} record(s) will be erased on every machine of "
                  f"office {ctx.store.site} and on the server (reason: {args.reason}):")
            for line in lines:
                print(f"  {line}")
            try:
                answer = input("Erase them? Type yes: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("yes", "ja"):
                print("nothing erased")
                return EXIT_FAILED
        result = erase_records(ctx.store, sel, records, args.reason, now)
    print(f"erased {result.visits} visit(s) and {result.appointments} appointment(s) "
          f"({sel.describe()}); the erasure reaches the other machines with the next sync")
    return EXIT_OK


@handles_errors
def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.privacy.report import build_report

    with context_from_args(args) as ctx:
        report = build_report(ctx.store, ctx.config, ctx.queue.now())
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return EXIT_OK
