"""The admin's side of revocation: add a machine to the root-signed list (offline).

The admin file keeps the newest list it issued or learned; a revocation takes the machine
out of the file's roster (so no later rotation wraps a key to it), adds its entry, and signs
the next version. A list learned from the server or a fetched state file (root-checked) is
merged first, so two copies of the admin file never issue two different lists of one
version, and a stale copy cannot drop an entry.
"""

from __future__ import annotations

from typing import Any

from kiosk.crypto.admin import AdminKeys
from kiosk.crypto.files import KeyFileError
from sync_server.protocol_base import ProtocolError, check_site
from sync_server.protocol_revocation import (
    Revocation,
    RevocationList,
    parse_verified,
    sign_revocation_list,
)


def verified_list(admin: AdminKeys, data: Any) -> RevocationList | None:
    """A list from outside (server, state file), checked against this file's root; None
    for none. One that does not verify is refused loudly: it is not the admin's."""
    if data is None:
        return None
    try:
        return parse_verified(data, admin.root.public_key(), admin.net)
    except ProtocolError as exc:
        raise KeyFileError(f"the revocation list offered is not valid for this network: "
                           f"{exc.message}", "bad_revocations") from None


def current_list(admin: AdminKeys, published: RevocationList | None) -> RevocationList | None:
    """The newer of the admin file's list and the published one (never the older)."""
    mine = verified_list(admin, admin.revocations)
    if published is None or (mine is not None and mine.version >= published.version):
        return mine
    return published


def revoke(admin: AdminKeys, code: str, upto_ctr: int, reason: str = "stolen",
           published: RevocationList | None = None) -> RevocationList:
    """Revoke machine ``code`` from its counter ``upto_ctr`` on: the next version of the
    list, signed; the admin file (``admin``, changed in place) keeps it and drops the
    machine from its roster. Save the admin file afterwards."""
    check_site(code, "CODE")
    base = current_list(admin, published)
    entries = {e.writer: e for e in (base.entries if base else ())}
    raw = admin.roster.get(code)
    if raw is None:
        if code not in entries:
            raise KeyFileError(f"{code} is not in this admin file's roster (enrolled with "
                               "`kiosk keys enroll-site`)", "unknown_site")
        sign_pub = entries[code].sign_pub
    else:
        sign_pub = raw["sign_pub"]
    try:
        entries[code] = Revocation(code, sign_pub, upto_ctr, reason)
    except ProtocolError as exc:
        raise KeyFileError(exc.message, "bad_revocation") from None
    version = max(admin.revocation_version(), base.version if base else 0) + 1
    rl = sign_revocation_list(admin.root, admin.net, version, list(entries.values()))
    admin.revocations = rl.to_dict()
    admin.roster.pop(code, None)
    return rl


def learn(admin: AdminKeys, published: RevocationList | None) -> bool:
    """Take over a newer published list (another copy of the admin file issued it); its
    machines leave the roster. True if the file changed."""
    if published is None or published.version <= admin.revocation_version():
        return False
    admin.revocations = published.to_dict()
    for entry in published.entries:
        admin.roster.pop(entry.writer, None)
    return True
