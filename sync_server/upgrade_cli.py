"""``sync-server upgrade-scopes``: calls :mod:`sync_server.store.upgrade` and turns its
outcome into a message and an exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sync_server.config import ServerConfig
from sync_server.store import upgrade


def _write_sites(target: Path, certificates: list[dict]) -> None:
    """Write the certificates (public keys only) beside nothing half-written: a temporary file
    renamed into place."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(certificates, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def run_upgrade(args: argparse.Namespace,
                make_config: Callable[[argparse.Namespace], ServerConfig]) -> int:
    """Migrate (default) or finish the upgrade to office scopes; exit 0, 1 or 2."""
    try:
        config = make_config(args)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.force and not args.finish:
        print("error: --force only goes with --finish", file=sys.stderr)
        return 2
    try:
        if args.finish:
            from sync_server.store.db import open_database

            open_database(config.database_url, 1)
            deleted = upgrade.finish(force=args.force)
            print(f"upgrade finished: {deleted} legacy envelopes deleted; every machine "
                  "deletes the other offices' records it still holds at its next sync")
            return 0
        result = upgrade.upgrade(config.database_url)
    except upgrade.UpgradeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a database that cannot be opened or migrated: nothing changed
        print(f"error: cannot upgrade the database: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return 1
    if args.sites_out:
        try:
            _write_sites(Path(args.sites_out), result.certificates)
        except OSError as exc:
            print(f"error: {args.sites_out}: {exc.strerror}", file=sys.stderr)
            return 1
    what = "migrated to office scopes" if result.migrated else "already migrated"
    print(f"database {what}: {result.envelopes} legacy envelopes and {result.tombstones} "
          f"tombstones kept (served to nobody); {len(result.certificates)} enrolled machines"
          + (f", certificates written to {args.sites_out}" if args.sites_out else ""))
    return 0
