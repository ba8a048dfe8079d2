"""``sync-server``: serve the API and the admin's few commands (a contract: keep the names).

Exit codes: 0 success, 1 refused by the server's state (e.g. another root already trusted,
unknown site), 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sync_server import __version__
from sync_server.config import ENV_CONFIG, ServerConfig
from sync_server.errors import SyncServerError
from sync_server.highwater import HighWater
from sync_server.protocol import ProtocolError, check_site
from sync_server.store import envelopes, registry
from sync_server.store.db import database, open_database
from sync_server.store.upgrade import progress as upgrade_progress


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL",
                        help="sqlite:///path (default: a file in the platform data dir) or "
                             "postgresql://user@host/db; env SYNC_SERVER_DATABASE_URL")


def _add_state(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state-dir", metavar="DIR",
                        help="where the restore detector keeps its mark (default: platform "
                             "state dir); env SYNC_SERVER_STATE_DIR")


def _code(text: str) -> str:
    """A machine code as typed (`evsc-2`): codes are stored upper-case, typed in any case."""
    return text.strip().upper()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so that tests and docs can inspect it)."""
    parser = argparse.ArgumentParser(
        prog="sync-server",
        description="The lokal willkommen sync server: stores sealed envelopes it cannot open.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the HTTP API",
                           description="Migrate the database, purge expired envelopes, "
                                       "detect a restore, then serve the API under uvicorn.")
    _add_db(serve)
    _add_state(serve)
    serve.add_argument("--host", help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8700)")
    serve.add_argument("--workers", type=int, help="server processes (default 1)")
    serve.add_argument("--verify-processes", type=int,
                       help="processes per server process that verify a large push's "
                            "signatures (default 2; 1 verifies inline)")
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"])

    trust = sub.add_parser("trust", help="pin the network root key (once per server)",
                           description="Pin the network's root public key and network id, as "
                                       "printed by 'kiosk keys root-public'.")
    trust.add_argument("root_public_key", metavar="ROOT_PUBLIC_KEY",
                       help="the line lwroot1.<network>.<key>")
    _add_db(trust)

    revoke = sub.add_parser("revoke", help="lock a site out at once",
                            description="Refuse every further request and envelope signed by "
                                        "the site's current certificate. What it wrote before "
                                        "stays. A replacement machine enrols with a new "
                                        "certificate issued after this.")
    revoke.add_argument("code", metavar="CODE", type=_code,
                        help="site code, e.g. EVSC-2 (any case)")
    _add_db(revoke)

    status = sub.add_parser("status", help="sites, enrolment, last push/pull, counts")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    _add_db(status)

    purge = sub.add_parser("purge", help="delete envelopes past their expiry day",
                           description="Delete envelopes whose day-granular expiry has "
                                       "passed ('serve' also does this at start).")
    _add_db(purge)

    backup = sub.add_parser("backup", help="sealed copy of the SQLite database (online)",
                            description="Copy the SQLite database with SQLite's online backup "
                                        "API while the server runs and seal it to the "
                                        "admin's backup public key (age format: open it "
                                        "with `age -d -i KEY`). Restore: stop the server, "
                                        "put the opened copy in place (delete -wal/-shm), "
                                        "start it: it starts a new epoch. PostgreSQL: use "
                                        "pg_dump.")
    backup.add_argument("target", metavar="FILE", help="the backup file (must not exist)")
    backup.add_argument("--backup-recipient", action="append", metavar="AGE_PUBLIC_KEY",
                        help="seal to this public key (age1…, from `kiosk keys "
                             "backup-keygen`; repeatable); default: env "
                             "SYNC_SERVER_BACKUP_RECIPIENTS")
    backup.add_argument("--plaintext", action="store_true",
                        help="write an UNSEALED copy instead (warns)")
    _add_db(backup)

    epoch = sub.add_parser("new-epoch", help="start a new epoch (after restoring a backup)",
                           description="Give the database a new epoch id: every site resets "
                                       "its cursor and pushes its whole state again, so "
                                       "nothing written after the backup is lost.")
    _add_db(epoch)
    _add_state(epoch)

    upgrade = sub.add_parser(
        "upgrade-scopes", help="migrate a database of the release before office scopes",
        description="With the server stopped and a backup made: migrate the database in "
                    "place (idempotent). Envelopes and tombstones stored so far are kept in "
                    "the scope 'legacy', served to nobody; the old keyring is kept aside. "
                    "--sites-out writes the enrolled machines' certificates for "
                    "`kiosk keys upgrade-admin`. Later, once `sync-server status` shows no "
                    "machine waiting, --finish deletes the legacy envelopes and tells the "
                    "machines to delete the other offices' records they still hold.")
    upgrade.add_argument("--sites-out", metavar="FILE",
                         help="write the certificates of the enrolled machines (public keys "
                              "only) to FILE")
    upgrade.add_argument("--finish", action="store_true",
                         help="delete the legacy envelopes (the server may run)")
    upgrade.add_argument("--force", action="store_true",
                         help="with --finish: even while machines are still waiting")
    _add_db(upgrade)
    return parser


def _config(args: argparse.Namespace) -> ServerConfig:
    return ServerConfig.from_env(
        database_url=args.database, state_dir=getattr(args, "state_dir", None),
        host=getattr(args, "host", None), port=getattr(args, "port", None),
        workers=getattr(args, "workers", None), log_level=getattr(args, "log_level", None),
        verify_processes=getattr(args, "verify_processes", None),
        backup_recipients=" ".join(getattr(args, "backup_recipient", None) or []) or None)


def _when(ts: int | None) -> str:
    if ts is None:
        return "never"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _print_status(data: dict) -> None:
    print(f"network: {data['net'] or '(not trusted yet)'}   epoch: {data['epoch']}")
    print(f"envelopes: {data['envelopes']}   erased records: {data['tombstones']}   "
          f"last seq: {data['seq']}   key generations: {data['key_generations'] or '-'}")
    if not data["sites"]:
        print("no sites enrolled")
        return
    print(f"{'site':<14}{'state':<9}{'enrolled':<22}{'last push':<22}{'last pull':<22}"
          f"{'envelopes':>10}")
    for s in data["sites"]:
        state = "revoked" if s["revoked_at"] else "active"
        print(f"{s['code']:<14}{state:<9}{_when(s['enrolled_at']):<22}"
              f"{_when(s['last_push']):<22}{_when(s['last_pull']):<22}{s['envelopes']:>10}")
    upgrade = data.get("scopes_upgrade")
    if upgrade:
        waiting = ", ".join(upgrade["machines_waiting"]) or "none"
        print(f"upgrade to office scopes: {upgrade['state']}; legacy envelopes "
              f"{upgrade['legacy_envelopes']}; machines not yet synced in the new format: "
              f"{waiting}")


def _serve(config: ServerConfig) -> int:
    try:
        import uvicorn

        from sync_server.app import create_app
    except ImportError as exc:  # an office machine installed without the server extra
        print(f"error: the server's packages are not installed ({exc.name}); install "
              "'lokal-willkommen-kiosk[server]'", file=sys.stderr)
        return 1

    if config.workers < 1 or not 0 < config.port < 65536:
        print("error: --workers must be >= 1 and --port in 1..65535", file=sys.stderr)
        return 2
    highwater = HighWater(config.state_dir, config.database_url)
    epoch, seq = registry.epoch(), registry.current_seq()
    if highwater.restored(epoch, seq):
        epoch = registry.new_epoch()
        print(f"sync-server: the database is behind what this server handed out (restored "
              f"from a backup?); new epoch {epoch}: sites will re-push", file=sys.stderr)
    purged, _ = envelopes.purge_expired()
    if purged:
        print(f"sync-server: purged {purged} expired envelopes", file=sys.stderr)
    if registry.status_head()["net"] is None:
        print("sync-server: warning: no network root trusted yet; run 'sync-server trust'",
              file=sys.stderr)
    database.close()
    if config.workers == 1:
        uvicorn.run(create_app(config), host=config.host, port=config.port,
                    log_level=config.log_level)
    else:
        os.environ[ENV_CONFIG] = config.to_json()
        uvicorn.run("sync_server.app:app_from_env", factory=True, host=config.host,
                    port=config.port, workers=config.workers, log_level=config.log_level)
    return 0


def _backup(config: ServerConfig, target: str, *, plaintext: bool) -> int:
    from sync_server.backup import BackupError, backup_sqlite, sqlite_path
    from sync_server.sealed_backup import SealError, parse_recipients

    try:
        sqlite_path(config.database_url)  # PostgreSQL: say pg_dump before anything else
        if plaintext:
            print("sync-server: warning: writing an UNSEALED backup: keep it on encrypted "
                  "media only", file=sys.stderr)
            recipients = None
        elif not config.backup_recipients.strip():
            print("error: no backup public key configured: make a key pair on the admin "
                  "laptop with `kiosk keys backup-keygen --out FILE`, then pass its public "
                  "key with --backup-recipient age1… or set SYNC_SERVER_BACKUP_RECIPIENTS; "
                  "or pass --plaintext for an unsealed copy", file=sys.stderr)
            return 2
        else:
            recipients = parse_recipients(config.backup_recipients)
        count, size = backup_sqlite(config.database_url, Path(target), recipients)
    except (BackupError, SealError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sealed = "unsealed" if plaintext else "sealed"
    print(f"backed up {count} envelopes ({size:,} bytes, {sealed}) to {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sync-server`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "upgrade-scopes":
        from sync_server.upgrade_cli import run_upgrade

        return run_upgrade(args, _config)
    try:
        config = _config(args)
        open_database(config.database_url, config.pg_pool_size)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"error: cannot open the database: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    try:
        if args.command == "serve":
            return _serve(config)
        if args.command == "trust":
            net, new = registry.trust(args.root_public_key)
            print(f"trusting network {net!r}" + ("" if new else " (already trusted)"))
        elif args.command == "revoke":
            registry.revoke(check_site(args.code, "CODE"))
            print(f"site {args.code} locked out at this server: its requests are refused "
                  "from now on. This server is not the source of truth (a restore from an "
                  "older backup would undo it): put it on the network's revocation list "
                  f"('kiosk keys revoke {args.code}'), then rotate ('kiosk keys rotate')")
        elif args.command == "status":
            data = registry.status()
            data["scopes_upgrade"] = upgrade_progress()
            print(json.dumps(data, indent=2)) if args.json else _print_status(data)
        elif args.command == "purge":
            n_env, n_ledger = envelopes.purge_expired()
            print(f"purged {n_env} expired envelopes ({n_ledger} counter records)")
        elif args.command == "backup":
            return _backup(config, args.target, plaintext=args.plaintext)
        elif args.command == "new-epoch":
            epoch = registry.new_epoch()
            HighWater(config.state_dir, config.database_url).write(epoch,
                                                                   registry.current_seq())
            print(f"new epoch {epoch}: every site resets its cursor and re-pushes its state")
    except ProtocolError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except SyncServerError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0
