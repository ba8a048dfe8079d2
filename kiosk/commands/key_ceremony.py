"""Key ceremony commands: fetch the network's state, rotate, revoke, publish.

Each can run all in one at an enrolled site with the admin file plugged in (what the
runbook's short form does), or split: ``fetch`` online at a site, ``rotate|revoke --from
STATE --out FILE`` offline on the admin laptop, ``publish FILE`` online at any site. The
commands parse arguments and call ``kiosk.crypto`` (offline) and ``kiosk.sync.ceremony``
(online).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.commands.common import (
    EXIT_CONFIG,
    EXIT_SECURITY,
    EXIT_USAGE,
    code_arg,
    fail,
    scope_arg,
)

REASONS = ("stolen", "lost", "compromised", "decommissioned", "other")


def register_ceremony(ks: argparse._SubParsersAction, pass_opt: Any, wrap: Any) -> None:
    """Add ``fetch``, ``rotate``, ``revoke`` and ``publish`` to ``kiosk keys``."""
    p = ks.add_parser("fetch", help="write the network's state for signing offline",
                      description="At an enrolled site: write what the admin laptop needs to "
                                  "rotate or revoke offline (published key generations, the "
                                  "machines and their acknowledged counters, the revocation "
                                  "list). Nothing secret.")
    p.add_argument("--out", required=True, metavar="STATE_FILE")
    _server_opts(p)
    p.set_defaults(func=wrap(cmd_fetch))

    p = ks.add_parser("rotate", help="new data-key generation of every scope (or --scope)",
                      description="Make a new data-key generation of each scope, wrap it to "
                                  "the machines of that scope in the admin file's roster that "
                                  "are not revoked (a server can only leave machines out, "
                                  "never add one), number it after the newest published one, "
                                  "sign it with the root, and publish it through the server "
                                  "(at an enrolled site), or with --from/--out write it for "
                                  "`kiosk keys publish`.")
    p.add_argument("--admin-key", required=True, metavar="ADMIN_FILE")
    p.add_argument("--scope", action="append", metavar="SCOPE", type=scope_arg,
                   help="only this scope (an office code, or 'network'); repeatable")
    _offline_opts(p)
    _server_opts(p)
    pass_opt(p)
    p.set_defaults(func=wrap(cmd_rotate))

    p = ks.add_parser("revoke", help="put a machine on the root-signed revocation list",
                      description="Revoke machine CODE: its envelopes up to its counter "
                                  "N stay valid everywhere, later ones are refused by every "
                                  "site whatever a server says; it leaves the admin file's "
                                  "roster, so no later rotation wraps a key to it. N is the "
                                  "counter the server acknowledged from it, unless "
                                  "--upto-ctr says otherwise. Rotate afterwards.")
    p.add_argument("code", metavar="CODE", type=code_arg,
                   help="the machine's writer id, e.g. EVSC-3F2A")
    p.add_argument("--admin-key", required=True, metavar="ADMIN_FILE")
    p.add_argument("--upto-ctr", type=int, metavar="N",
                   help="the last counter of the machine that stays valid")
    p.add_argument("--reason", choices=REASONS, default="stolen")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _offline_opts(p)
    _server_opts(p)
    pass_opt(p)
    p.set_defaults(func=wrap(cmd_revoke))

    p = ks.add_parser("publish", help="publish a rotation or revocation list signed offline",
                      description="Post FILE (from `kiosk keys rotate|revoke --out`) to the "
                                  "server. Run at an enrolled site.")
    p.add_argument("file", metavar="FILE")
    _server_opts(p)
    p.set_defaults(func=wrap(cmd_publish))


def _server_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", metavar="URL", help="the sync server (default: this site's)")
    p.add_argument("--insecure", action="store_true", help="allow plain http to a remote host")


def _offline_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="from_state", metavar="STATE_FILE",
                   help="the network's state from `kiosk keys fetch` (offline signing)")
    p.add_argument("--out", metavar="FILE",
                   help="write the signed result here for `kiosk keys publish` instead of "
                        "publishing it")


class _Site:
    """The enrolled site at ``--db`` (its keys sign requests), if there is one."""

    def __init__(self, args: argparse.Namespace) -> None:
        from kiosk.crypto.files import KeyFileError
        from kiosk.crypto.site_keys import load_site_keys, load_trust
        from kiosk.paths import key_dir_for, resolve_db

        self.args = args
        self.key_dir = key_dir_for(resolve_db(args.db))
        try:
            self.keys, self.trust = load_site_keys(self.key_dir), load_trust(self.key_dir)
        except KeyFileError:
            self.keys = self.trust = None
        self._ctx: Any = None

    @property
    def enrolled(self) -> bool:
        return self.keys is not None

    def store(self) -> Any:
        from kiosk.commands.common import context_from_args

        if self._ctx is None:
            self._ctx = context_from_args(self.args)
        return self._ctx.store

    def api(self, url: str | None = None) -> Any:
        """A client for ``url`` (or this site's server); signed only at an enrolled site."""
        from kiosk.sync.http import CA_BUNDLE, ServerAPI
        from kiosk.sync.state import resolve_server_url

        store = configured = ca = None
        if self.enrolled and resolve_exists(self.args):
            store = self.store()
            configured, ca = self._ctx.config.sync_server, store.setting(CA_BUNDLE)
        return ServerAPI(resolve_server_url(url, store, configured), self.keys,
                         insecure=self.args.insecure, ca_bundle=ca)

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()


def resolve_exists(args: argparse.Namespace) -> bool:
    from kiosk.paths import resolve_db

    return resolve_db(args.db).exists()


def _passphrase(args: argparse.Namespace) -> str:
    from kiosk.commands.keys import _passphrase as ask

    return ask(args)


def _state(args: argparse.Namespace, site: _Site) -> dict[str, Any]:
    """The state file given with --from, else fetched live at this (enrolled) site."""
    from kiosk.sync import ceremony

    if args.from_state:
        return ceremony.read_state(Path(args.from_state))
    if not site.enrolled:
        return {}
    api = site.api(args.server)
    try:
        return ceremony.fetch_state(api)
    finally:
        api.close()


def _confirm(args: argparse.Namespace, question: str) -> bool:
    print(question, file=sys.stderr)
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    return input("type yes to go on: ").strip().lower() == "yes"


def cmd_fetch(args: argparse.Namespace) -> int:
    from kiosk.crypto.files import write_json
    from kiosk.sync import ceremony

    site = _Site(args)
    try:
        if not site.enrolled:
            return fail("run this at an enrolled site (`kiosk keys import`, `kiosk enroll`)",
                        EXIT_CONFIG)
        api = site.api(args.server)
        try:
            state = ceremony.fetch_state(api)
        finally:
            api.close()
    finally:
        site.close()
    write_json(Path(args.out), state)
    print(f"network state written to {args.out}: {len(state['sites'])} machines, key "
          f"generations {state['key_generations']}; carry it to the admin laptop",
          file=sys.stderr)
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    from kiosk.crypto.site_keys import merge_keyring
    from kiosk.sync import ceremony
    from kiosk.sync.rotation import rotate_keys
    from wire.trust import KeyringEntry

    if bool(args.from_state) != bool(args.out):
        return fail("offline rotation takes both --from STATE_FILE and --out FILE", EXIT_USAGE)
    site = _Site(args)
    try:
        if not args.from_state and not site.enrolled:
            return fail("run this at an enrolled site, or sign offline with --from and --out",
                        EXIT_CONFIG)
        passphrase = _passphrase(args)
        online = site.enrolled and not args.from_state
        done = rotate_keys(Path(args.admin_key), passphrase, _state(args, site), args.scope,
                           site_root_line=site.trust.root_line if online else None)
        entries = done.entries
        if args.out:
            ceremony.write_rotation(Path(args.out), entries)
        else:
            api = site.api(args.server)
            try:
                ceremony.publish_rotation(api, entries)
            finally:
                api.close()
            merge_keyring(site.key_dir, [KeyringEntry.from_dict(e.to_dict())
                                         for e in entries], site.trust, site.keys)
    finally:
        site.close()
    for writer in done.left_out:
        print(f"warning: the server no longer lists {writer}, so nothing was wrapped to it; "
              f"if it is lost or stolen, run `kiosk keys revoke {writer}`", file=sys.stderr)
    print(json.dumps({"generations": [{"scope": e.scope, "generation": e.gen,
                                       "sites": sorted(e.wrapped)} for e in entries],
                      **({"written_to": args.out} if args.out else {})}))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from kiosk.sync import ceremony, revoking
    from wire.ids import check_site

    check_site(args.code, "CODE")
    if args.out and args.server:
        return fail("either publish (--server) or write for offline signing (--out), not both",
                    EXIT_USAGE)
    if args.upto_ctr is not None and args.upto_ctr < 0:
        return fail("--upto-ctr must be 0 or more", EXIT_USAGE)
    site = _Site(args)
    try:
        passphrase = _passphrase(args)
        admin_key = Path(args.admin_key)
        admin = revoking.load_admin(admin_key, passphrase, site_root_line=(
            site.trust.root_line if site.enrolled else None))
        state = _state(args, site)
        if not state and not args.out:  # the admin laptop, online: the list only
            api = site.api(args.server)
            try:
                state = revoking.fetch_published(api)
            finally:
                api.close()
        plan = revoking.plan_revocation(admin, state, args.code, args.upto_ctr)
        upto = plan.upto
        if not _confirm(args, f"Revoke {args.code} ({args.reason}): its envelopes up to "
                              f"counter {upto} ({plan.source}) stay valid, every later one "
                              "is refused by every site."):
            return fail("not confirmed (answer yes, or pass --yes); nothing changed",
                        EXIT_USAGE)
        rl = revoking.sign_revocation(plan, args.reason, admin_key, passphrase)
        if args.out:
            ceremony.write_revocations(Path(args.out), rl)
            print(f"revocation list version {rl.version} written to {args.out}: publish it "
                  "with `kiosk keys publish`, then rotate", file=sys.stderr)
            return 0
        api = site.api(args.server or (state.get("server") if not site.enrolled else None))
        try:
            here = site.enrolled and resolve_exists(args)
            answer = revoking.publish_revocation(
                api, rl, store=site.store() if here else None,
                trust=site.trust if here else None)
        finally:
            api.close()
    finally:
        site.close()
    locked = ", ".join(answer.get("locked_out", [])) or "none (already locked out)"
    print(f"revocation list version {rl.version} published ({args.code} from counter "
          f"{upto + 1} on); locked out at the server now: {locked}. Now rotate the keys "
          "of its scopes: `kiosk keys rotate`", file=sys.stderr)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from kiosk.crypto.site_keys import merge_keyring
    from kiosk.sync import ceremony
    from kiosk.sync import revocations as site_revocations
    from wire.trust import verify_keyring_entry

    kind, content = ceremony.read_signed_file(Path(args.file))
    site = _Site(args)
    try:
        if not site.enrolled:
            return fail("run this at an enrolled site (`kiosk keys import`, `kiosk enroll`)",
                        EXIT_CONFIG)
        if kind == "revocations":
            if site_revocations.consider(site.store(), site.trust,
                                         content.to_dict()) == "invalid":
                return fail(f"{args.file} is not signed by this network's root",
                            EXIT_SECURITY)
        else:
            for entry in content:
                verify_keyring_entry(entry, site.trust.root, site.trust.net)
        api = site.api(args.server)
        try:
            if kind == "revocations":
                answer = ceremony.publish_revocations(api, content)
                what = (f"revocation list version {content.version}: {answer['result']}; "
                        f"locked out now: {', '.join(answer['locked_out']) or 'none'}")
            else:
                ceremony.publish_rotation(api, content)
                merge_keyring(site.key_dir, content, site.trust, site.keys)
                what = "generations " + ", ".join(f"{e.scope}:{e.gen}" for e in content)
        finally:
            api.close()
    finally:
        site.close()
    print(f"published {what}")
    return 0
