"""`kiosk demo`: the visitor kiosk on an embedded default store filled with demo data.

This is what README's run command opens: a fresh machine gets a store for the Eving office
with a few weeks of history, some visitors waiting, and a demo staff profile.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from kiosk.commands.common import context_from_args, handles_errors
from kiosk.config import load_config
from kiosk.paths import resolve_config, resolve_db

DEMO_SITE = "EVSC"
DEMO_LOCATION = "EVSC-EV"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="open the visitor kiosk on a demo store (created if absent)",
                       description="Create a demo store (Eving office, demo history, a few "
                                   "waiting visitors) on first use, then open the visitor "
                                   "kiosk. Use --db to choose where the store lives.")
    p.add_argument("--no-ui", action="store_true",
                   help="only prepare the demo store, do not open the kiosk")
    p.set_defaults(func=cmd_demo)


def prepare_demo_store(db: Path, config_path: Path, *, visits: int = 600,
                       waiting: int = 5) -> bool:
    """Create and fill the demo store if it does not exist; True if it was created."""
    if db.exists():
        return False
    from kiosk.commands.store import _create_keys
    from kiosk.context import make_context
    from kiosk.demo.seed import demo_visits, insert_visits
    from kiosk.store.db import init_store

    config = load_config(config_path)
    store = init_store(db, DEMO_SITE, DEMO_LOCATION)
    _create_keys(db, store.writer)
    ctx = make_context(config, store)
    rng = random.Random(2026)
    insert_visits(store, demo_visits(config, store, visits, end=ctx.queue.now().date(),
                                     rng=rng))
    for lang, interp in [("ar", None), ("fa", None), ("de", "uk"), ("en", None),
                         ("de", "tr")][:waiting]:
        ctx.queue.check_in(["post"], lang, interp, enforce_hours=False)
    _add_demo_staff(ctx)
    store.close()
    return True


#: Demo staff profiles (name, languages, desk, PIN, admin); README lists them.
DEMO_STAFF = [
    ("Demo Admin", ["de", "en"], "1", "0000", True),
    ("Leyla Demir", ["de", "fa", "tr"], "2", "1234", False),
    ("Karim Haddad", ["de", "ar", "fr"], "3", "1234", False),
]


def _add_demo_staff(ctx) -> None:
    from kiosk.staffing.profiles import StaffDirectory

    directory = StaffDirectory(ctx.store, ctx.config, ctx.queue.now_ms)
    for name, languages, desk, pin, admin in DEMO_STAFF:
        directory.add(name, languages, pin, desk=desk, is_admin=admin)


@handles_errors
def cmd_demo(args: argparse.Namespace) -> int:
    db = resolve_db(args.db)
    if prepare_demo_store(db, resolve_config(args.config)):
        print(f"created demo store {db}")
    if args.no_ui:
        return 0
    from kiosk.ui.visitor.app import make_visitor_app

    ctx = context_from_args(argparse.Namespace(config=args.config, db=str(db)))
    try:
        app = make_visitor_app(ctx)
        app.run()
    finally:
        ctx.close()
    return app.return_code or 0
