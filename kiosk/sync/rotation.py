"""Rotating the data keys, once for the `kiosk keys rotate` command and any other caller.

A new generation of every scope (or of the named ones) is wrapped to the machines the
admin's roster and the network's state both list: the server can leave a machine out (it
is locked out there), never add one. The admin file is saved with the new generations
before anything is published, so a failed upload can be repeated with the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import EXIT_SECURITY, KioskError
from wire.trust import KeyringEntry


class WrongNetwork(KioskError):
    """The admin file, the site or the state file belong to different networks."""

    code = "wrong_network"
    exit_code = EXIT_SECURITY


@dataclass(frozen=True)
class Rotation:
    """The new key generations, and the machines nothing was wrapped to."""

    entries: list[KeyringEntry]
    left_out: list[str]
    """Writers the server no longer lists and the admin has not revoked (worth a warning)."""


def rotate_keys(admin_key: Path, passphrase: str, state: dict[str, Any],
                scopes: list[str] | None, *, site_root_line: str | None = None) -> Rotation:
    """Make and save the next generation of ``scopes`` (all when None) in the admin file.

    ``state`` is the network's state (`kiosk keys fetch`, or fetched online; empty: none);
    ``site_root_line`` the root of the enrolled site this runs at, when it runs at one.
    """
    from kiosk.crypto import admin as adminkeys
    from kiosk.crypto import revocation
    from kiosk.sync import ceremony

    admin = adminkeys.load_admin(Path(admin_key), passphrase)
    if site_root_line is not None and admin.root_line() != site_root_line:
        raise WrongNetwork("this admin key belongs to another network than this site")
    if state.get("net") not in (None, admin.net):
        raise WrongNetwork(f"the state file is of network {state.get('net')!r}, this admin "
                           f"file of {admin.net!r}")
    revocation.learn(admin, revocation.verified_list(admin, state.get("revocations")))
    listed = ceremony.listed_sites(state)
    left_out = set(admin.roster) - listed if state else set()
    rotated, entries = adminkeys.rotate(admin, scopes, left_out,
                                        ceremony.published_generations(state))
    adminkeys.save_admin(Path(admin_key), rotated, passphrase)
    return Rotation(entries, sorted(left_out - admin.revoked_writers()))
