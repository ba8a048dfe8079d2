"""`kiosk doctor`: check this office installation and say what to do about each finding."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, handles_errors
from kiosk.paths import resolve_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check this installation (disk encryption, file modes, "
                                      "keys, enrolment, backups, clock, disk space, sync)",
                       description="Check the installation of this site (--db): whether the "
                                   "store lies on an encrypted disk, whether the store, its "
                                   "WAL and the keys are private and owned by the service "
                                   "user, keys and enrolment, the backup key, the clock, free "
                                   "space and the last sync. Each finding says what to do. "
                                   "Exits 1 when a check fails.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--service-user", metavar="NAME",
                   help="who must own the store and keys (default: $KIOSK_SERVICE_USER or "
                        "kiosk, the units' User=)")
    p.add_argument("--root", metavar="DIR", default="/", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_doctor)


@handles_errors
def cmd_doctor(args: argparse.Namespace) -> int:
    from kiosk.doctor.files import default_service_user
    from kiosk.doctor.run import run_checks

    report = run_checks(resolve_db(args.db), root=Path(args.root),
                        service_user=args.service_user or default_service_user())
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.render())
    return EXIT_FAILED if report.failed else 0
