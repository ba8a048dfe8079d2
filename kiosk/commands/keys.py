"""Key commands: the admin's network key file, site enrolment bundles, rotation, enrolment.

Passphrases are prompted for (twice when a new one is chosen) or read from the first line
of ``--passphrase-file``; never taken as an argument, never printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kiosk.commands.backup import register_backup_keys
from kiosk.commands.common import (
    context_from_args,
    handles_errors,
)
from kiosk.commands.key_ceremony import register_ceremony
from kiosk.crypto.files import KeyFileError
from kiosk.crypto.public_line import enrolment_target
from kiosk.paths import key_dir_for, resolve_db

# cryptography, requests and the protocol module load inside the handlers that use them:
# `register()` runs for every `kiosk` command (the visitor terminal too), which should not
# pay ~100 ms of imports for key work it never does.


def _passphrase(args: argparse.Namespace, *, new: bool = False) -> str:
    if getattr(args, "passphrase_file", None):
        text = Path(args.passphrase_file).read_text(encoding="utf-8").splitlines()
        return text[0] if text else ""
    first = getpass.getpass("admin key passphrase: ")
    if new and getpass.getpass("repeat the passphrase: ") != first:
        raise KeyFileError("the two passphrases differ", "passphrase_mismatch")
    return first


def _pass_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-file", metavar="FILE",
                   help="read the passphrase from the first line of FILE (automation)")


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="network and site keys (admin)",
                          description="Keys of the network (admin, offline) and of this site.")
    ks = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    p = ks.add_parser("init-network", help="create the network root key and first data key")
    p.add_argument("--out", required=True, metavar="ADMIN_FILE")
    p.add_argument("--network", default="lokal-willkommen", metavar="ID",
                   help="network id (lowercase letters, digits, dashes)")
    _pass_opt(p)
    p.set_defaults(func=cmd_init_network)

    p = ks.add_parser("root-public", help="print the network root public key")
    p.add_argument("--admin-key", required=True, metavar="ADMIN_FILE")
    _pass_opt(p)
    p.set_defaults(func=cmd_root_public)

    p = ks.add_parser("public", help="print this site's public keys as one line")
    p.set_defaults(func=cmd_public)

    p = ks.add_parser("enroll-site", help="certify a machine and wrap its office's and the "
                                          "network's data keys to it",
                      description="Certify a machine of an office (its office is the part of "
                                  "CODE before the dash) and write a bundle with the keys of "
                                  "that office's scope and of the network scope, never another "
                                  "office's. The machine joins the admin file's roster.")
    p.add_argument("code", metavar="CODE",
                   help="the machine's office code (EVSC) or writer id (EVSC-3F2A), any case")
    p.add_argument("--public-key", required=True, metavar="LINE",
                   help="the line printed by `kiosk keys public` at the machine (it names the "
                        "machine; an older line without it needs the writer id as CODE)")
    p.add_argument("--admin-key", required=True, metavar="ADMIN_FILE")
    p.add_argument("--out", required=True, metavar="SITE_BUNDLE")
    _pass_opt(p)
    p.set_defaults(func=cmd_enroll_site)

    p = ks.add_parser("import", help="install the admin's bundle at this site")
    p.add_argument("bundle", metavar="SITE_BUNDLE")
    p.set_defaults(func=cmd_import)

    p = ks.add_parser("upgrade-admin", help="convert the admin file of the release before "
                                            "office scopes and re-certify its machines",
                      description="On the admin laptop, offline: convert ADMIN_FILE in place "
                                  "(the old one is kept as ADMIN_FILE.v1; its data keys stay "
                                  "in the new file as 'legacy', for old backups), make fresh "
                                  "network and office scope keys, and write a bundle per "
                                  "machine listed in SITES (from `sync-server upgrade-scopes "
                                  "--sites-out`; each certificate checked against the root) "
                                  "into OUT_DIR as CODE.bundle, for `kiosk keys import`.")
    p.add_argument("--admin-key", required=True, metavar="ADMIN_FILE")
    p.add_argument("--sites", required=True, metavar="SITES",
                   help="JSON list of the machines' old certificates")
    p.add_argument("--out-dir", required=True, metavar="OUT_DIR")
    _pass_opt(p)
    p.set_defaults(func=cmd_upgrade_admin)

    register_backup_keys(ks)
    register_ceremony(ks, _pass_opt, handles_key_errors)

    p = sub.add_parser("enroll", help="present this site's certificate to the sync server")
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--insecure", action="store_true", help="allow plain http to a remote host")
    p.add_argument("--ca-bundle", metavar="FILE",
                   help="PEM file of the CA that signed the server's TLS certificate; "
                        "remembered for every later `kiosk sync`")
    p.set_defaults(func=cmd_enroll)


#: Key, sync and protocol errors are mapped like every other (`describe_error`).
handles_key_errors = handles_errors


def _key_dir(args: argparse.Namespace) -> Path:
    return key_dir_for(resolve_db(args.db))


@handles_key_errors
def cmd_init_network(args: argparse.Namespace) -> int:
    from kiosk.crypto import admin as adminkeys
    keys = adminkeys.init_network(Path(args.out), args.network, _passphrase(args, new=True))
    print(keys.root_line())
    print(f"admin key file written to {args.out}: keep it offline, with its passphrase "
          "stored apart", file=sys.stderr)
    return 0


@handles_key_errors
def cmd_root_public(args: argparse.Namespace) -> int:
    from kiosk.crypto import admin as adminkeys
    print(adminkeys.load_admin(Path(args.admin_key), _passphrase(args)).root_line())
    return 0


@handles_key_errors
def cmd_public(args: argparse.Namespace) -> int:
    from kiosk.sync.enrolment import public_line

    mine = public_line(_key_dir(args))
    print(mine.line)
    print(f"site id (CODE for enroll-site): {mine.writer}", file=sys.stderr)
    return 0


@handles_key_errors
def cmd_enroll_site(args: argparse.Namespace) -> int:
    from kiosk.sync.enrolment import certify_machine

    enrolment_target(args.code, args.public_key)  # a line that does not fit: before the prompt
    done = certify_machine(Path(args.admin_key), _passphrase(args), args.code,
                           args.public_key, Path(args.out))
    scopes = ", ".join(f"{scope}:{gen}" for scope, gen in done.generations)
    print(f"bundle for {done.writer} written to {args.out} (scope:generation {scopes}); carry "
          "it to the site and run `kiosk keys import`", file=sys.stderr)
    return 0


@handles_key_errors
def cmd_upgrade_admin(args: argparse.Namespace) -> int:
    from kiosk.crypto.admin_upgrade import upgrade_admin_file

    bundles = upgrade_admin_file(Path(args.admin_key), _passphrase(args), Path(args.sites),
                                 Path(args.out_dir))
    for code, bundle in bundles.items():
        scopes = ", ".join(f"{e['scope']}:{e['gen']}" for e in bundle["keyring"])
        print(f"{code}: {Path(args.out_dir) / (code + '.bundle')} (scope:generation {scopes})")
    print(f"admin key file {args.admin_key} converted (the old one is kept as "
          f"{args.admin_key}.v1); carry each bundle to its machine and run `kiosk keys "
          "import`", file=sys.stderr)
    return 0


@handles_key_errors
def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.sync.enrolment import import_bundle

    done = import_bundle(_key_dir(args), Path(args.bundle),
                         open_store=lambda: context_from_args(args).store)
    shown = ", ".join(f"{scope}:{gen}" for scope, gen in done.added) or "already present"
    print(f"imported certificate for {done.site} (office {done.office}) in network {done.net}; "
          f"data-key generations {shown}")
    return 0


@handles_key_errors
def cmd_enroll(args: argparse.Namespace) -> int:
    from kiosk.sync.enrolment import enroll

    ctx = context_from_args(args)
    try:
        done = enroll(ctx.store, _key_dir(args), args.server, insecure=args.insecure,
                      ca_bundle=args.ca_bundle)
        print(f"site {done.site}: {done.result} at {done.server}")
    finally:
        ctx.close()
    return 0
