"""Backup commands: `backup`, `restore`, and the backup keys (`keys backup-keygen|-recipient`).

A backup leaves the machine, so it is sealed to the site's backup public key unless the admin
asks for `--plaintext` (which warns). The private key is read from a file named with
`--identity` or typed at a prompt; it is never an argument and never printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.commands.common import (
    EXIT_INVALID,
    EXIT_STORE,
    fail,
    handles_errors,
)
from kiosk.paths import key_dir_for, resolve_db

if TYPE_CHECKING:
    from pyrage import x25519

# pyrage and the sealing code load inside the handlers: `register()` runs for every `kiosk`
# command, the visitor terminal's start-up too.

PLAINTEXT_WARNING = (
    "warning: writing an UNENCRYPTED backup: whoever gets this file reads every visitor's "
    "data in it. Keep it on encrypted media only, and prefer a sealed backup "
    "(`kiosk keys backup-recipient`).")

def register_backup(sub: argparse._SubParsersAction) -> None:
    """`kiosk backup` and `kiosk restore`."""
    p = sub.add_parser("backup", help="sealed, consistent copy of the store while it is in use",
                       description="Copy the site store with SQLite's online backup API "
                                   "(kiosks may keep working meanwhile) and seal the copy to "
                                   "the site's backup public key (age format; "
                                   "`kiosk keys backup-recipient`). Keys are not copied: "
                                   "back up the key directory beside the store separately.")
    p.add_argument("target", metavar="FILE", help="the backup file to create (must not exist)")
    p.add_argument("--plaintext", action="store_true",
                   help="write an UNENCRYPTED copy instead (warns; only onto encrypted media)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="put a backup in place as this site's store",
                       description="Open a sealed backup with the admin's private key "
                                   "(--identity FILE, or typed at the prompt), verify it and "
                                   "install it as the store (--db). Plain backups need no key. "
                                   "Afterwards run `kiosk sync` so that the site catches up "
                                   "with what the network recorded since the backup.")
    p.add_argument("backup", metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace an existing store")
    p.add_argument("--identity", metavar="KEY_FILE",
                   help="the backup private key file (from `kiosk keys backup-keygen` or "
                        "`age-keygen`); without it the key is asked for")
    p.set_defaults(func=cmd_restore)


def register_backup_keys(ks: argparse._SubParsersAction) -> None:
    """`kiosk keys backup-keygen` (admin laptop) and `kiosk keys backup-recipient` (site)."""
    p = ks.add_parser("backup-keygen", help="make a backup key pair (admin laptop, offline)",
                      description="Write a new backup private key to FILE (mode 0600, never "
                                  "overwritten; the same layout as `age-keygen`) and print "
                                  "its public key (age1…) for `kiosk keys backup-recipient` "
                                  "and `sync-server backup --backup-recipient`. Keep FILE "
                                  "offline: it opens every backup sealed to it.")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=cmd_backup_keygen)
    p = ks.add_parser("backup-recipient", help="name this site's backup public key(s)",
                      description="Set the public key(s) (age1…) that `kiosk backup` seals "
                                  "to; several for several admins. Without arguments, print "
                                  "the configured ones.")
    p.add_argument("recipients", nargs="*", metavar="PUBLIC_KEY")
    p.set_defaults(func=cmd_backup_recipient)


#: Sealing errors are mapped like every other (`describe_error`, by their codes).
handles_seal_errors = handles_errors


@handles_seal_errors
def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk.store.backup import backup_store, backup_store_plaintext

    source, target = resolve_db(args.db), Path(args.target)
    if args.plaintext:
        print(f"kiosk: {PLAINTEXT_WARNING}", file=sys.stderr)
        backup_store_plaintext(source, target)
        print(f"backed up {source} to {target} (NOT encrypted)")
        return 0
    from kiosk.crypto.backup_recipients import load_recipients
    from sync_server.sealed_backup import parse_recipients

    lines = load_recipients(key_dir_for(source))
    backup_store(source, target, recipients=parse_recipients("\n".join(lines)))
    print(f"backed up {source} to {target} (sealed to {len(lines)} backup key"
          f"{'s' if len(lines) > 1 else ''})")
    return 0


def _identities(args: argparse.Namespace) -> list[x25519.Identity]:
    """The private key(s) from --identity, or typed (a key line or a file's path)."""
    from sync_server.sealed_backup import (
        IDENTITY_PREFIX,
        SealError,
        parse_identities,
        read_identities,
    )

    if args.identity:
        return read_identities(Path(args.identity).expanduser())
    if not sys.stdin.isatty():
        raise SealError("this backup is sealed: name the private key file with "
                        "--identity FILE", "no_identity")
    answer = getpass.getpass("backup private key (AGE-SECRET-KEY-1…) or its file: ").strip()
    if answer.upper().startswith(IDENTITY_PREFIX):
        return parse_identities(answer)
    return read_identities(Path(answer).expanduser())


@handles_seal_errors
def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.store.backup import restore_sealed, restore_store
    from kiosk.store.db import StoreExists, StoreMissing
    from sync_server.sealed_backup import is_sealed

    backup, target = Path(args.backup), resolve_db(args.db)
    if not backup.is_file():
        raise StoreMissing(backup, "no backup file here")
    if not is_sealed(backup):
        restore_store(backup, target, force=args.force)
        print(f"restored {backup} to {target}")
        return 0
    if target.exists() and not args.force:  # before asking for a key that is not needed
        raise StoreExists(target, "a store exists here; use --force to replace it")
    restore_sealed(backup, target, _identities(args), force=args.force)
    print(f"restored {backup} to {target} (opened with the backup key)")
    return 0


@handles_seal_errors
def cmd_backup_keygen(args: argparse.Namespace) -> int:
    from sync_server.sealed_backup import new_identity_file

    public = new_identity_file(Path(args.out).expanduser())
    print(public)
    print(f"kiosk: backup private key written to {args.out} (keep it offline, never on an "
          "office machine); its public key is above", file=sys.stderr)
    return 0


@handles_seal_errors
def cmd_backup_recipient(args: argparse.Namespace) -> int:
    from kiosk.crypto.backup_recipients import load_recipients, save_recipients

    db = resolve_db(args.db)
    if not db.exists():
        return fail(f"no store at {db}; create it first (`kiosk init`)", EXIT_STORE)
    if args.recipients:
        from sync_server.sealed_backup import SealError

        try:
            saved = save_recipients(key_dir_for(db), args.recipients)
        except SealError as exc:  # what was typed is wrong, not the configuration
            return fail(exc.message, EXIT_INVALID)
        print(f"backups of this site are now sealed to {len(saved)} public key"
              f"{'s' if len(saved) > 1 else ''}")
        return 0
    for line in load_recipients(key_dir_for(db)):
        print(line)
    return 0
