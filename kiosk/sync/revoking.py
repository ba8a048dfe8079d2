"""Revoking a machine, once for the `kiosk keys revoke` command and any other caller.

A revocation is root-signed: the admin file (its root key and the published lists it has
learned) numbers the new list after the newest one the network has published, so a server
can only leave a machine out, never put one back. The steps are separate because the
command asks a person between them: :func:`plan_revocation` finds the counter up to which
the machine's envelopes stay valid, :func:`sign_revocation` signs the list and saves the
admin file before anything is published (a failed upload can be repeated with the same
list), :func:`publish_revocation` posts it and applies it at the enrolled site it runs at.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import EXIT_USAGE, KioskError
from kiosk.sync.rotation import WrongNetwork


class NoCounter(KioskError):
    """The network's state does not say up to which counter the machine's envelopes count."""

    code = "no_counter"
    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class RevocationPlan:
    """What a revocation will do, for the person to confirm before it is signed."""

    admin: Any
    """The loaded admin file (root key, roster, learned lists)."""
    published: Any
    """The newest root-signed list the network has published (verified), or None."""
    code: str
    upto: int
    """The machine's envelopes up to this counter stay valid; every later one is refused."""
    source: str
    """Where ``upto`` comes from, in words for the confirmation question."""


def fetch_published(api: Any) -> dict[str, Any]:
    """The network's state as far as a revocation needs it, read from the server without
    signing (the admin laptop is no enrolled site): its published revocation list."""
    return {"revocations": api.call("GET", "/v1/revocations", signed=False).get("revocations")}


def load_admin(admin_key: Path, passphrase: str, *, site_root_line: str | None = None) -> Any:
    """The admin file, refused when it belongs to another network than the enrolled site
    this runs at (``site_root_line``; None on the admin laptop)."""
    from kiosk.crypto import admin as adminkeys

    admin = adminkeys.load_admin(Path(admin_key), passphrase)
    if site_root_line is not None and admin.root_line() != site_root_line:
        raise WrongNetwork("this admin key belongs to another network than this site")
    return admin


def plan_revocation(admin: Any, state: dict[str, Any], code: str,
                    upto_ctr: int | None) -> RevocationPlan:
    """Decide up to which counter ``code``'s envelopes stay valid.

    ``state`` is the network's state (`kiosk keys fetch`, or fetched online); ``upto_ctr``
    the person's own choice, else the last counter the server acknowledged from the machine.
    """
    from kiosk.crypto import revocation
    from kiosk.sync import ceremony

    published = revocation.verified_list(admin, state.get("revocations"))
    upto, source = upto_ctr, "given with --upto-ctr"
    if upto is None:
        upto = ceremony.high_water(state, code)
        source = "the last counter the server acknowledged from it"
    if upto is None:
        raise NoCounter(f"the server's state does not name {code}'s counter: pass "
                        "--upto-ctr N (its envelopes up to N stay valid)")
    return RevocationPlan(admin, published, code, upto, source)


def sign_revocation(plan: RevocationPlan, reason: str, admin_key: Path,
                    passphrase: str) -> Any:
    """Sign the next revocation list with the root and save the admin file that learned it.

    Returns the signed :class:`~kiosk.crypto.revocation` list, not yet published.
    """
    from kiosk.crypto import admin as adminkeys
    from kiosk.crypto import revocation

    rl = revocation.revoke(plan.admin, plan.code, plan.upto, reason, plan.published)
    adminkeys.save_admin(Path(admin_key), plan.admin, passphrase)
    return rl


def publish_revocation(api: Any, rl: Any, *, store: Any = None,
                       trust: Any = None) -> dict[str, Any]:
    """Post the signed list to the server and, at an enrolled site (``store`` and its
    ``trust``), apply it here at once instead of at the next sync. The server's answer."""
    from kiosk.sync import ceremony
    from kiosk.sync import revocations as site_revocations

    answer = ceremony.publish_revocations(api, rl)
    if store is not None and trust is not None:
        site_revocations.consider(store, trust, rl.to_dict())
    return answer
