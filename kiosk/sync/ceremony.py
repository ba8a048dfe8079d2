"""The online halves of the key ceremonies: fetch the network's state, publish signed files.

Rotation and revocation need the root key, which belongs on the admin laptop, offline. So
they run in three steps: **fetch** at an enrolled site (``kiosk keys fetch``: the published
key generations, the machines and their counters as the server sees them, the current
revocation list — nothing secret), **sign** on the admin laptop (``kiosk keys rotate|revoke
--from STATE --out FILE``), **publish** at any enrolled site (``kiosk keys publish FILE``).
Everything in a state file is a hint for the admin, never trusted: the list in it is
re-checked against the root, and what it says of machines can only leave one out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.crypto.files import KeyFileError, read_json, write_json
from kiosk.sync.http import ServerAPI
from sync_server.protocol_base import ProtocolError, utc_now_iso
from sync_server.protocol_revocation import RevocationList
from sync_server.protocol_trust import KeyringEntry

STATE_FORMAT = "lokal-willkommen network state v1"
ROTATION_FORMAT = "lokal-willkommen rotation v1"
REVOCATION_FORMAT = "lokal-willkommen revocation list v1"


def fetch_state(api: ServerAPI) -> dict[str, Any]:
    """What the admin needs to sign offline, as the server sees it (signed requests)."""
    status = api.call("GET", "/v1/status")
    sites = api.call("GET", "/v1/sites")
    listed = api.call("GET", "/v1/revocations", signed=False).get("revocations")
    gens: dict[str, int] = {}
    for item in status.get("key_generations", []):
        scope, _, gen = str(item).partition(":")
        if gen.isascii() and gen.isdigit():
            gens[scope] = max(gens.get(scope, 0), int(gen))
    return {"format": STATE_FORMAT, "net": status.get("net"), "server": api.base,
            "fetched_at": utc_now_iso(), "key_generations": gens,
            "sites": {s["code"]: {"high_ctr": int(s.get("high_ctr") or 0),
                                  "revoked": s.get("revoked_at") is not None}
                      for s in status.get("sites", []) if isinstance(s, dict)},
            "certificates": [c for c in sites.get("certificates", []) if isinstance(c, dict)],
            "revocations": listed}


def read_state(path: Path) -> dict[str, Any]:
    """A state file written by ``kiosk keys fetch``."""
    data = read_json(Path(path), "network state (from `kiosk keys fetch`)")
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise KeyFileError(f"{path} is not a network state file (made by `kiosk keys "
                           "fetch`)", "not_state")
    if not isinstance(data.get("key_generations"), dict) or not isinstance(
            data.get("sites"), dict):
        raise KeyFileError(f"network state file is damaged: {path}", "not_state")
    return data


def published_generations(state: dict[str, Any]) -> dict[str, int]:
    """Scope → newest published generation (a new one takes the next number)."""
    return {str(k): int(v) for k, v in state.get("key_generations", {}).items()
            if type(v) is int}


def listed_sites(state: dict[str, Any]) -> set[str]:
    """Writer ids the server lists as enrolled and not revoked."""
    return {str(c.get("site")) for c in state.get("certificates", [])}


def high_water(state: dict[str, Any], code: str) -> int | None:
    """The highest counter of ``code`` the server acknowledged, if it knows the machine."""
    site = state.get("sites", {}).get(code)
    return int(site["high_ctr"]) if isinstance(site, dict) else None


def write_rotation(path: Path, entries: list[KeyringEntry]) -> None:
    write_json(Path(path), {"format": ROTATION_FORMAT,
                            "keyring": [e.to_dict() for e in entries]})


def write_revocations(path: Path, rl: RevocationList) -> None:
    write_json(Path(path), {"format": REVOCATION_FORMAT, "list": rl.to_dict()})


def read_signed_file(path: Path) -> tuple[str, Any]:
    """(kind, content) of a file made offline: ``rotation`` with keyring entries, or
    ``revocations`` with a revocation list (signatures are checked where they are used)."""
    data = read_json(Path(path), "signed ceremony file")
    kind = data.get("format") if isinstance(data, dict) else None
    try:
        if kind == ROTATION_FORMAT:
            return "rotation", [KeyringEntry.from_dict(e) for e in data["keyring"]]
        if kind == REVOCATION_FORMAT:
            return "revocations", RevocationList.from_dict(data["list"])
    except (KeyError, TypeError, ProtocolError) as exc:
        raise KeyFileError(f"{path} is damaged: {exc}", "bad_file") from None
    raise KeyFileError(f"{path} is neither a rotation nor a revocation list (made by "
                       "`kiosk keys rotate|revoke --out`)", "bad_file")


def publish_revocations(api: ServerAPI, rl: RevocationList) -> dict[str, Any]:
    """POST the list (no request signature needed: the root's signature is the authority)."""
    return api.call("POST", "/v1/revocations", body=rl.to_dict(), signed=False)


def publish_rotation(api: ServerAPI, entries: list[KeyringEntry]) -> None:
    for entry in entries:
        api.call("POST", "/v1/keyring", body=entry.to_dict())
