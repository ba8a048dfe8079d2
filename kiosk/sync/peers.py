"""The other sites' signing keys: current certificates, retired ones that still count, and
the root-signed revocation list, which overrides both.

Every certificate comes from the server but is checked against the network root here, so the
server can neither add a site nor a key. A *replaced* certificate (a machine re-enrolled with
new keys, not revoked) is listed by the server with ``retired_seq``, the sequence it had
reached at that moment: what the machine wrote with its old key stays readable. A *revoked*
machine is on the root-signed revocation list (``kiosk/sync/revocations.py``): that list
alone decides what of it stays valid (its counters up to ``upto_ctr``, under the listed key),
and nothing the server lists about it — an active certificate, a retired one with any
sequence — grants it more.
"""

from __future__ import annotations

import json
import time
from typing import Any

from kiosk.crypto.site_keys import SiteKeys, Trust
from kiosk.store.db import Store
from kiosk.sync import revocations
from kiosk.sync.pipeline import RETIRED, REVOKED
from wire.errors import ProtocolError
from wire.fields import b64d
from wire.trust import SiteCertificate, verify_certificate

RETIRED_PEERS = "sync.retired_peers"
"""Setting: [site, signing key, seq] of revoked or replaced certificates (root-checked)."""


def refresh(store: Store, data: dict[str, Any], trust: Trust) -> None:
    """Replace the cached certificates with a ``/v1/sites`` answer's root-signed ones."""
    rows, retired = [], []
    entries = [(raw, None) for raw in data.get("certificates", [])] + [
        (r.get("certificate"), r.get("retired_seq")) for r in data.get("retired", [])
        if isinstance(r, dict)]
    for raw, upto in entries:
        try:
            cert = SiteCertificate.from_dict(raw)
            verify_certificate(cert, trust.root, trust.net)
        except (ProtocolError, TypeError, ValueError, AttributeError):
            continue
        if upto is None:
            rows.append((cert.site, cert.sign_pub, int(time.time())))
        elif type(upto) is int:
            retired.append([cert.site, cert.sign_pub, upto])
    with store.db.atomic("IMMEDIATE"):
        store.set_setting(RETIRED_PEERS, json.dumps(retired))
        store.db.execute_sql("DELETE FROM sync_peer")
        store.db.cursor().executemany(
            "INSERT OR REPLACE INTO sync_peer (site, sign_pub, fetched_at) "
            "VALUES (?, ?, ?)", rows)


def keys(store: Store, own: SiteKeys, trust: Trust) -> dict[str, bytes]:
    """Raw public keys by site (``SITE#SEQ`` for a retired one good up to SEQ,
    ``SITE!CTR`` for a writer on the root-signed revocation list, good up to its counter
    CTR). A writer on the revocation list gets no other key, whatever the server lists."""
    out = {site: b64d(pub) for site, pub in
           store.db.execute_sql("SELECT site, sign_pub FROM sync_peer")}
    out.setdefault(own.writer, b64d(trust.certificate.sign_pub))
    for site, pub, upto in json.loads(store.setting(RETIRED_PEERS) or "[]"):
        out[f"{site}{RETIRED}{upto}"] = b64d(pub)
    for site, (pub, upto_ctr) in revocations.revoked_keys(store, trust).items():
        out = {k: v for k, v in out.items() if k.partition(RETIRED)[0] != site}
        out[f"{site}{REVOKED}{upto_ctr}"] = pub
    return out
