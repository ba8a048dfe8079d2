"""`kiosk staff` (the console), `kiosk board` (the waiting-room screen) and
`kiosk staff-admin …` (profiles, desks, mediators and the audit log, for scripted set-up).

PINs are never command-line arguments (they would land in shell history and `ps`): they
are prompted for without echo, or read from a file (`--pin-file`, first line). Names, labels
and audit details are printed through `printable`: they may have come by sync from another
office, and a terminal must not act on their control characters.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.commands.common import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    context_from_args,
    fail,
    handles_errors,
)
from kiosk.queue.errors import InvalidInput, NotFound
from kiosk.staffing.audit import recent
from kiosk.staffing.desks import desk_labels, set_desk_label
from kiosk.staffing.forms import parse_codes, parse_weekdays
from kiosk.terminal_text import printable

if TYPE_CHECKING:  # the console's services load with the commands that use them
    from kiosk.staffing.console import Staffing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("staff", help="the staff console (sign in with profile and PIN)",
                       description="The staff console: the queue, call next, appointments, "
                                   "language mediators, administration.")
    p.set_defaults(func=cmd_staff)
    p = sub.add_parser("board", help="the waiting-room board (numbers and desks only)",
                       description="The waiting-room screen: called numbers and desks, "
                                   "never names. Takes no input; stop it with its service.")
    p.set_defaults(func=cmd_board)

    admin = sub.add_parser("staff-admin", help="staff profiles, desks and mediators",
                           description="Set up an office without the UI. PINs are prompted "
                                       "for, or read from --pin-file; never arguments.")
    asub = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)

    p = asub.add_parser("add-staff", help="create a staff profile", allow_abbrev=False)
    p.add_argument("name", help="display name, e.g. 'Amira Haddad'")
    p.add_argument("--languages", required=True, metavar="CODES",
                   help="counselling languages, comma-separated, e.g. de,fa")
    p.add_argument("--desk", metavar="DESK", help="desk at this office")
    p.add_argument("--admin", action="store_true", help="may open the administration")
    p.add_argument("--pin-file", metavar="FILE", help="read the PIN from this file")
    p.set_defaults(func=cmd_add_staff)

    p = asub.add_parser("list-staff", help="list staff profiles")
    p.add_argument("--all", action="store_true", help="include deactivated profiles")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list_staff)

    p = asub.add_parser("set-pin", help="set a new PIN (lifts a lock-out)",
                        allow_abbrev=False)
    p.add_argument("staff", help="staff id or unique name")
    p.add_argument("--pin-file", metavar="FILE", help="read the PIN from this file")
    p.set_defaults(func=cmd_set_pin)

    p = asub.add_parser("update-staff", help="change languages, desk or admin flag")
    p.add_argument("staff", help="staff id or unique name")
    p.add_argument("--languages", metavar="CODES")
    p.add_argument("--desk", metavar="DESK")
    p.add_argument("--no-desk", action="store_true", help="remove the desk")
    admin_flag = p.add_mutually_exclusive_group()
    admin_flag.add_argument("--admin", dest="is_admin", action="store_true", default=None)
    admin_flag.add_argument("--no-admin", dest="is_admin", action="store_false")
    p.set_defaults(func=cmd_update_staff)

    for name, active, text in (("deactivate", False, "deactivate a profile (history stays)"),
                               ("activate", True, "reactivate a profile")):
        p = asub.add_parser(name, help=text)
        p.add_argument("staff", help="staff id or unique name")
        p.set_defaults(func=cmd_set_active, active=active)

    p = asub.add_parser("list-desks", help="desks of this office and their board labels")
    p.set_defaults(func=cmd_list_desks)
    p = asub.add_parser("set-desk-label", help="name a desk for the board, e.g. 'Raum 2.14'")
    p.add_argument("desk")
    p.add_argument("label", help="empty string resets to the desk code")
    p.set_defaults(func=cmd_set_desk_label)

    p = asub.add_parser("add-mediator", help="register a language mediator")
    p.add_argument("name")
    p.add_argument("--languages", required=True, metavar="CODES", help="e.g. ti,am")
    p.add_argument("--contact", default="", help="phone or e-mail")
    p.add_argument("--weekdays", default="", metavar="DAYS", help="e.g. mon,thu or Mo,Do")
    p.set_defaults(func=cmd_add_mediator)

    p = asub.add_parser("list-mediators", help="list the mediator register")
    p.add_argument("--all", action="store_true", help="include retired mediators")
    p.add_argument("--language", metavar="CODE", help="only mediators for this language")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list_mediators)

    p = asub.add_parser("retire-mediator", help="take a mediator off the register")
    p.add_argument("mediator_id")
    p.set_defaults(func=cmd_retire_mediator)

    p = asub.add_parser("audit", help="recent audit entries (codes only)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--staff", metavar="ID")
    p.add_argument("--action", metavar="CODE")
    p.set_defaults(func=cmd_audit)


# --- apps -----------------------------------------------------------------------------------
@handles_errors
def cmd_staff(args: argparse.Namespace) -> int:
    from kiosk.ui.staff.app import make_staff_app

    with context_from_args(args) as ctx:
        app = make_staff_app(ctx)
        app.run()
    return app.return_code or EXIT_OK


@handles_errors
def cmd_board(args: argparse.Namespace) -> int:
    from kiosk.ui.board.app import make_board_app

    with context_from_args(args) as ctx:
        app = make_board_app(ctx)
        app.run()
    return app.return_code or EXIT_OK


# --- helpers --------------------------------------------------------------------------------
def read_pin(pin_file: str | None, *, confirm: bool = True) -> str:
    """The PIN from `--pin-file` (first line), or prompted twice without echo."""
    if pin_file:
        try:
            return Path(pin_file).read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError) as exc:
            raise InvalidInput("pin", "file", f"cannot read a PIN from {pin_file}: "
                                              f"{getattr(exc, 'strerror', None) or 'empty'}"
                               ) from None
    if not sys.stdin.isatty():
        raise InvalidInput("pin", "missing", "no terminal to ask for the PIN; use --pin-file")
    pin = getpass.getpass("PIN: ")
    if confirm and getpass.getpass("PIN again: ") != pin:
        raise InvalidInput("pin", "mismatch", "the two PINs differ")
    return pin


@contextlib.contextmanager
def _staffing(args: argparse.Namespace) -> Iterator[Staffing]:
    """The staff services on the store from --db, closed again after the command's work."""
    from kiosk.staffing.console import Staffing

    with context_from_args(args) as ctx:
        yield Staffing(ctx)


# --- profiles -------------------------------------------------------------------------------
@handles_errors
def cmd_add_staff(args: argparse.Namespace) -> int:
    pin = read_pin(args.pin_file)
    with _staffing(args) as s:
        p = s.directory.add(args.name, parse_codes(args.languages), pin, desk=args.desk,
                            is_admin=args.admin)
    print(f"added {p.id} ({printable(p.display_name)}; languages {','.join(p.languages)}; "
          f"desk {p.desk or '-'}{'; admin' if p.is_admin else ''})")
    return EXIT_OK


@handles_errors
def cmd_list_staff(args: argparse.Namespace) -> int:
    with _staffing(args) as s:
        profiles = s.directory.list(include_inactive=args.all)
    if args.json:
        print(json.dumps([p.__dict__ for p in profiles], ensure_ascii=False, indent=1))
        return EXIT_OK
    if not profiles:
        print("no staff profiles yet; add one with `kiosk staff-admin add-staff NAME "
              "--languages de --admin`")
    for p in profiles:
        flags = ("admin " if p.is_admin else "") + ("" if p.active else "INACTIVE")
        print(f"{p.id:<24} {printable(p.display_name):<28} {','.join(p.languages):<14} "
              f"desk {p.desk or '-':<4} {flags}".rstrip())
    return EXIT_OK


@handles_errors
def cmd_set_pin(args: argparse.Namespace) -> int:
    pin = read_pin(args.pin_file)
    with _staffing(args) as s:
        s.directory.set_pin(args.staff, pin)
    print(f"PIN of {printable(args.staff)} changed")
    return EXIT_OK


@handles_errors
def cmd_update_staff(args: argparse.Namespace) -> int:
    if args.languages is None and args.desk is None and not args.no_desk \
            and args.is_admin is None:
        return fail("nothing to change: give --languages, --desk, --no-desk or --admin",
                    EXIT_INVALID)
    with _staffing(args) as s:
        p = s.directory.update(
            args.staff, languages=parse_codes(args.languages) if args.languages else None,
            desk=args.desk, clear_desk=args.no_desk, is_admin=args.is_admin)
    print(f"updated {p.id}: languages {','.join(p.languages)}; desk {p.desk or '-'}"
          f"{'; admin' if p.is_admin else ''}")
    return EXIT_OK


@handles_errors
def cmd_set_active(args: argparse.Namespace) -> int:
    with _staffing(args) as s:
        p = s.directory.set_active(args.staff, args.active)
    print(f"{p.id} {'activated' if p.active else 'deactivated'}")
    return EXIT_OK


# --- desks ----------------------------------------------------------------------------------
@handles_errors
def cmd_list_desks(args: argparse.Namespace) -> int:
    with context_from_args(args) as ctx:
        for desk, label in desk_labels(ctx.store, ctx.config).items():
            print(f"{desk:<6} {printable(label)}")
    return EXIT_OK


@handles_errors
def cmd_set_desk_label(args: argparse.Namespace) -> int:
    with context_from_args(args) as ctx:
        set_desk_label(ctx.store, ctx.config, args.desk, args.label)
    print(f"desk {printable(args.desk)}: {printable(args.label) or '(code)'}")
    return EXIT_OK


# --- mediators ------------------------------------------------------------------------------
@handles_errors
def cmd_add_mediator(args: argparse.Namespace) -> int:
    with _staffing(args) as s:
        m = s.mediators.add(args.name, parse_codes(args.languages), contact=args.contact,
                            weekdays=parse_weekdays(args.weekdays))
    print(f"added mediator {m.id} ({printable(m.name)}; {','.join(m.languages)}; "
          f"{','.join(m.weekdays) or 'by arrangement'})")
    return EXIT_OK


@handles_errors
def cmd_list_mediators(args: argparse.Namespace) -> int:
    with _staffing(args) as s:
        mediators = s.mediators.list(include_inactive=args.all)
    if args.language:
        mediators = [m for m in mediators if args.language in m.languages]
    if args.json:
        print(json.dumps([m.__dict__ for m in mediators], ensure_ascii=False, indent=1))
        return EXIT_OK
    for m in mediators:
        print(f"{m.id}  {printable(m.name):<24} {printable(','.join(m.languages)):<12} "
              f"{printable(','.join(m.weekdays)) or 'any':<16} {printable(m.contact)}"
              f"{'' if m.active else '  RETIRED'}")
    return EXIT_OK


@handles_errors
def cmd_retire_mediator(args: argparse.Namespace) -> int:
    with _staffing(args) as s:
        try:
            s.mediators.set_active(args.mediator_id, False)
        except NotFound:
            return fail(f"no mediator {args.mediator_id}; see `kiosk staff-admin "
                        "list-mediators`", EXIT_FAILED)
    print(f"mediator {printable(args.mediator_id)} retired")
    return EXIT_OK


@handles_errors
def cmd_audit(args: argparse.Namespace) -> int:
    with context_from_args(args) as ctx:
        entries = recent(args.limit, staff=args.staff, action=args.action)
    for e in entries:
        when = dt.datetime.fromtimestamp(e.at / 1000, ctx.queue.tz).isoformat(timespec="seconds")
        print(printable(f"{when}  {e.staff or '-':<20} {e.action:<18} {e.record or '-'}  "
                        f"{e.detail or ''}"))
    return EXIT_OK
