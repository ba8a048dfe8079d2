"""The site's copy of the root-signed revocation list: stored, applied, never rolled back.

The server only carries the list. Every pull page names the version the server holds; a
site that holds a lower one fetches the list, checks the root's signature and stores it; a
site that holds a higher one posts its own back (a server restored from an older backup
learns it again). A lower version is never taken, whatever the server says, and while the
list names a writer, the server's certificate lists grant that writer nothing more.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from kiosk.crypto.site_keys import Trust
from kiosk.store.db import Store
from sync_server.protocol_base import ProtocolError, b64d
from sync_server.protocol_revocation import RevocationList, parse_verified

log = logging.getLogger(__name__)

REVOCATIONS = "sync.revocations"
"""Setting: the newest root-signed revocation list this site has verified (JSON)."""


def stored(store: Store, trust: Trust) -> RevocationList | None:
    """The stored list, re-verified (a list that no longer verifies counts as none and is
    logged: the store was altered)."""
    text = store.setting(REVOCATIONS)
    if text is None:
        return None
    try:
        return parse_verified(json.loads(text), trust.root, trust.net)
    except (ProtocolError, ValueError):
        log.error("the stored revocation list does not verify against the network root")
        return None


def version(store: Store, trust: Trust) -> int:
    """The stored list's version (0: none)."""
    rl = stored(store, trust)
    return rl.version if rl else 0


def consider(store: Store, trust: Trust, data: Any) -> str:
    """Take a list offered from outside if it is root-signed and newer than ours.

    Returns ``stored`` (it was newer), ``same``, ``older`` (refused: never roll back) or
    ``invalid`` (not the root's, or malformed)."""
    try:
        rl = parse_verified(data, trust.root, trust.net)
    except (ProtocolError, TypeError, ValueError):
        return "invalid"
    held = version(store, trust)
    if rl.version < held:
        return "older"
    if rl.version == held:
        return "same"
    with store.db.atomic("IMMEDIATE"):
        store.set_setting(REVOCATIONS, json.dumps(rl.to_dict(), sort_keys=True,
                                                  separators=(",", ":")))
    return "stored"


def revoked_keys(store: Store, trust: Trust) -> dict[str, tuple[bytes, int]]:
    """Per revoked writer: the revoked certificate's raw signing key and the last counter
    of it that stays valid."""
    rl = stored(store, trust)
    return {e.writer: (b64d(e.sign_pub, length=32), e.upto_ctr)
            for e in (rl.entries if rl else ())}
