"""Store commands: init, sites, checkin, seed, export (backup and restore: `backup.py`)."""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
from pathlib import Path

from kiosk.commands.backup import register_backup
from kiosk.commands.common import (
    EXIT_CONFIG,
    EXIT_INVALID,
    EXIT_STORE,
    code_arg,
    context_from_args,
    fail,
    handles_errors,
)
from kiosk.config import load_config
from kiosk.paths import key_dir_for, resolve_config, resolve_db
from kiosk.store.db import StoreExists, init_store
from kiosk.store.models import SYNCED_MODELS, AuditEntry, Staff


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create this site's store (and its keys)",
                       description="Create the site's store for an office. Refuses to "
                                   "overwrite an existing store unless --force is given.")
    p.add_argument("--site", required=True, metavar="CODE", type=code_arg,
                   help="office code, e.g. EVSC (any case)")
    p.add_argument("--location", metavar="CODE", type=code_arg,
                   help="location code (default: the office's first location)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing store: ALL its data is lost")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("sites", help="list the configured offices and locations",
                       description="The network's offices and their locations, with codes. "
                                   "Entries an admin still has to confirm are marked TODO.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_sites)

    p = sub.add_parser("checkin", help="check a visitor in from the staff side",
                       description="Check in someone who does not use the terminal; prints "
                                   "the ticket.")
    p.add_argument("--concern", action="append", default=[], metavar="ID",
                   help="concern id (repeatable; none is fine); see `kiosk sites --json`")
    p.add_argument("--language", required=True, metavar="LANG",
                   help="counselling language, e.g. de, ar, fa")
    p.add_argument("--interpreter", metavar="LANG",
                   help="language an interpreter / mediator is needed for")
    p.add_argument("--name", metavar="NAME", help="optional first name (never on the board)")
    p.add_argument("--json", action="store_true", help="print the ticket as JSON")
    p.set_defaults(func=cmd_checkin)

    p = sub.add_parser("seed", help="fill the store with realistic demo visits",
                       description="Add N finished demo visits over past open days "
                                   "(all languages and concerns), with a progress bar.")
    p.add_argument("--visits", type=int, required=True, metavar="N")
    p.add_argument("--waiting", type=int, default=0, metavar="N",
                   help="also check N visitors in now, waiting today")
    p.add_argument("--seed", type=int, default=None, help="random seed (repeatable data)")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("export", help="all records as JSON lines (admin)",
                       description="Every record of the store as one JSON object per line "
                                   "(\"type\" says which): "
                                   "synced records with their clocks, staff profiles "
                                   "(without PIN hashes) and the audit log.")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)
    register_backup(sub)


@handles_errors
def cmd_init(args: argparse.Namespace) -> int:
    config = load_config(resolve_config(args.config))
    try:
        office = config.office(args.site)
    except KeyError as exc:
        return fail(str(exc.args[0]), EXIT_CONFIG)
    location = args.location or office.locations[0].code
    if location not in {loc.code for loc in office.locations}:
        codes = ", ".join(loc.code for loc in office.locations)
        return fail(f"location {location!r} is not one of office {office.code}'s ({codes})",
                    EXIT_CONFIG)
    path = resolve_db(args.db)
    try:
        store = init_store(path, office.code, location, force=args.force)
    except StoreExists as exc:
        return fail(str(exc), EXIT_STORE)
    _create_keys(path, store.writer)
    print(f"created store {path} for {office.code} at {location} (writer {store.writer})")
    store.close()
    return 0


def _create_keys(path: Path, writer: str) -> None:
    """The site's signing and key-exchange keys, beside the store (see kiosk.crypto)."""
    try:
        from kiosk.crypto.site_keys import create_site_keys
    except ImportError:  # the crypto package is optional until sync is set up
        return
    create_site_keys(key_dir_for(path), writer)


@handles_errors
def cmd_sites(args: argparse.Namespace) -> int:
    config = load_config(resolve_config(args.config))
    if args.json:
        out = [{
            "code": o.code, "name": o.name, "partner": o.partner, "districts": o.districts,
            "languages": o.languages, "desks": o.desks, "todo": o.todo,
            "locations": [{"code": loc.code, "name": loc.name, "address": loc.address,
                           "hours": {d: [f"{a:%H:%M}-{b:%H:%M}" for a, b in spans]
                                     for d, spans in loc.hours.items()},
                           "todo": loc.todo} for loc in o.locations],
        } for o in config.offices]
        print(json.dumps({"offices": out, "concerns": [c.id for c in config.concerns],
                          "referrals": [r.id for r in config.referrals]},
                         ensure_ascii=False, indent=2))
        return 0
    for o in config.offices:
        print(f"{o.code:5} {o.name}  [{', '.join(o.languages)}]  desks {', '.join(o.desks)}")
        for todo in o.todo:
            print(f"        TODO: {todo}")
        for loc in o.locations:
            hours = "; ".join(f"{d} " + ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans)
                              for d, spans in loc.hours.items()) or "hours unknown"
            print(f"  {loc.code:8} {loc.name}: {loc.address} ({hours})")
            for todo in loc.todo:
                print(f"           TODO: {todo}")
    return 0


@handles_errors
def cmd_checkin(args: argparse.Namespace) -> int:
    with context_from_args(args) as ctx:
        ticket = ctx.queue.check_in(args.concern, args.language, args.interpreter, args.name,
                                    enforce_hours=False)
    if args.json:
        print(json.dumps({"ticket": ticket.ticket, "visit_id": ticket.visit_id,
                          "people_ahead": ticket.people_ahead,
                          "estimate_minutes": ticket.estimate_minutes}))
    else:
        wait = ("no estimate yet" if ticket.estimate_minutes is None
                else f"about {ticket.estimate_minutes} min")
        print(f"{ticket.ticket}  ({ticket.people_ahead} before, {wait})")
    return 0


@handles_errors
def cmd_seed(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from kiosk.demo.office_seed import seed_office

    if args.visits < 0 or args.waiting < 0:
        return fail("--visits and --waiting must not be negative", EXIT_INVALID)
    rng = random.Random(args.seed)
    with context_from_args(args) as ctx, Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), transient=False, disable=not sys.stderr.isatty(),
            console=None) as bar:
        task = bar.add_task("seeding visits", total=args.visits)
        made = seed_office(ctx, args.visits, args.waiting, rng,
                           progress=lambda n: bar.advance(task, n))
    print(f"seeded {made} past visits and {args.waiting} waiting now")
    return 0


@handles_errors
def cmd_export(args: argparse.Namespace) -> int:
    count = 0
    with contextlib.ExitStack() as stack:
        stack.enter_context(context_from_args(args))
        out = (stack.enter_context(Path(args.out).open("w", encoding="utf-8"))
               if args.out else sys.stdout)
        for kind, model in SYNCED_MODELS.items():
            for record in model.select().order_by(model.id).dicts().iterator():
                out.write(json.dumps({"type": kind, **record}, ensure_ascii=False) + "\n")
                count += 1
        for staff in Staff.select().dicts():
            staff.pop("pin_hash", None)
            out.write(json.dumps({"type": "staff", **staff}, ensure_ascii=False) + "\n")
            count += 1
        for entry in AuditEntry.select().order_by(AuditEntry.id).dicts().iterator():
            out.write(json.dumps({"type": "audit", **entry}, ensure_ascii=False) + "\n")
            count += 1
    print(f"exported {count} records", file=sys.stderr)
    return 0
