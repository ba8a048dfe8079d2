"""Trust, enrolment, revocation, nonces, keyring and status: everything but the envelopes."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from peewee import IntegrityError, fn

from sync_server.errors import Conflict, Forbidden, NotConfigured, NotFound, Unauthenticated
from sync_server.protocol import (
    FORMAT_VERSION,
    KeyringEntry,
    SiteCertificate,
    format_root_public,
    parse_root_public,
    verify_certificate,
    verify_keyring_entry,
)
from sync_server.protocol_revocation import RevocationList, verify_revocation_list
from sync_server.store.db import (
    Counter,
    KeyringRow,
    RequestNonce,
    RetiredCertificate,
    RevokedSerial,
    ServerMeta,
    Site,
    StoredEnvelope,
    Tombstone,
    database,
)
from sync_server.store.envelopes import lock_counter, write_transaction


def _meta(key: str) -> str | None:
    row = ServerMeta.get_or_none(ServerMeta.key == key)
    return row.value if row else None


def _set_meta(key: str, value: str) -> None:
    ServerMeta.insert(key=key, value=value).on_conflict(
        conflict_target=[ServerMeta.key], update={ServerMeta.value: value}).execute()


def trusted_root() -> tuple[str, Ed25519PublicKey]:
    """The pinned (network id, root public key); :class:`NotConfigured` before ``trust``."""
    with database.connection_context():
        line = _meta("root_public")
    if line is None:
        raise NotConfigured("this server trusts no network root yet: run "
                            "'sync-server trust ROOT_PUBLIC_KEY'")
    return parse_root_public(line)


def trust(line: str) -> tuple[str, bool]:
    """Pin the network root once; the same key again is a no-op, another key is refused."""
    net, root = parse_root_public(line)
    canonical = format_root_public(net, root)
    with database.connection_context(), write_transaction():
        current = _meta("root_public")
        if current is not None and current != canonical:
            raise Conflict("this server already trusts another network root; a server serves "
                           "one network (start a new database for another)", "root_mismatch")
        _set_meta("root_public", canonical)
        _set_meta("net", net)
    return net, current is None


def epoch() -> str:
    """The random id of this database's lifetime (changes on restore or ``new-epoch``)."""
    with database.connection_context():
        value = _meta("epoch")
    assert value is not None, "open_database creates the epoch"
    return value


def new_epoch() -> str:
    """Rotate the epoch so every site resets its cursor and re-pushes its whole state."""
    value = uuid.uuid4().hex
    with database.connection_context(), write_transaction():
        _set_meta("epoch", value)
    return value


def current_seq() -> int:
    """The highest sequence number ever handed out."""
    with database.connection_context():
        return int(Counter.get_by_id("seq").value)


def get_site(code: str) -> Site:
    """The enrolled site for a request; unknown → 401, revoked → 403 (at once)."""
    with database.connection_context():
        site = Site.get_or_none(Site.code == code)
    if site is None:
        raise Unauthenticated("unknown site: enrol it first ('kiosk enroll')", "unknown_site")
    if site.revoked_at is not None:
        raise Forbidden(f"site {code} is revoked", "site_revoked")
    return site


def use_nonce(site: str, nonce: str, ts: int, window: int) -> None:
    """Record a request nonce; a nonce seen before within the window is a replay (401)."""
    now = int(time.time())
    with database.connection_context():
        try:
            with database.atomic():
                RequestNonce.insert(site=site, nonce=nonce, ts=ts).execute()
        except IntegrityError as exc:
            raise Unauthenticated("request nonce was already used (replay)",
                                  "replayed_nonce") from exc
        RequestNonce.delete().where(RequestNonce.ts < now - 2 * window).execute()


def enroll(cert: SiteCertificate) -> str:
    """Accept a root-signed certificate; return ``enrolled``, ``unchanged`` or ``replaced``."""
    net, root = trusted_root()
    verify_certificate(cert, root, net)
    now = int(time.time())
    with database.connection_context(), write_transaction():
        if RevokedSerial.get_or_none(RevokedSerial.serial == cert.serial) is not None:
            raise Forbidden("this certificate was revoked; the admin must issue a new one",
                            "certificate_revoked")
        if _listed(cert):
            raise Forbidden(f"{cert.site} is on the network's revocation list; enrol the "
                            "replacement machine under a new code", "certificate_revoked")
        site = Site.get_or_none(Site.code == cert.site)
        fields = {"serial": cert.serial, "issued": cert.issued,
                  "certificate": json.dumps(cert.to_dict(), sort_keys=True)}
        if site is None:
            Site.create(code=cert.site, enrolled_at=now, **fields)
            return "enrolled"
        if site.serial == cert.serial and site.revoked_at is None:
            return "unchanged"
        if site.revoked_at is not None and cert.issued <= _iso(site.revoked_at):
            raise Forbidden(f"site {cert.site} is revoked; only a certificate issued after "
                            "the revocation can re-enrol it", "site_revoked")
        if site.revoked_at is None and cert.issued < site.issued:
            raise Conflict("a newer certificate is already enrolled for this site",
                           "stale_certificate")
        if site.revoked_at is None:
            RevokedSerial.insert(serial=site.serial, code=site.code,
                                 revoked_at=now).on_conflict_ignore().execute()
            _retire(site, now)
        Site.update(enrolled_at=now, revoked_at=None, **fields).where(
            Site.code == cert.site).execute()
        return "replaced"


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def revoke(code: str) -> None:
    """Lock a site out at once; its serial can never enrol again."""
    with database.connection_context(), write_transaction():
        site = Site.get_or_none(Site.code == code)
        if site is None:
            raise NotFound(f"no enrolled site {code}", "unknown_site")
        now = int(time.time())
        Site.update(revoked_at=now).where(Site.code == code).execute()
        RevokedSerial.insert(serial=site.serial, code=code,
                             revoked_at=now).on_conflict_ignore().execute()
        _retire(site, now)


REVOCATIONS = "revocations"
REVOCATIONS_VERSION = "revocations_version"


def _listed(cert: SiteCertificate) -> bool:
    """Whether the stored root-signed revocation list names this certificate's writer."""
    text = _meta(REVOCATIONS)
    return text is not None and any(
        e["writer"] == cert.site for e in json.loads(text)["entries"])


def revocation_list() -> dict[str, Any] | None:
    """The newest root-signed revocation list this server was given (None: none yet)."""
    with database.connection_context():
        text = _meta(REVOCATIONS)
    return json.loads(text) if text is not None else None


def revocation_version() -> int:
    """Its version (0: none), on every pull page so that sites notice a difference."""
    with database.connection_context():
        value = _meta(REVOCATIONS_VERSION)
    return int(value) if value is not None else 0


def put_revocations(rl: RevocationList) -> tuple[str, list[str]]:
    """Store a root-signed list of a higher version and lock out the machines it names.

    A version at or below the stored one is refused (409 ``stale_revocations``): the list
    only ever grows in version, whoever sends it (the admin, or a site re-teaching a server
    restored from an older backup); the identical list again is ``unchanged``. Returns
    (result, writer ids locked out now).
    """
    net, root = trusted_root()
    verify_revocation_list(rl, root, net)
    text = json.dumps(rl.to_dict(), sort_keys=True, separators=(",", ":"))
    locked: list[str] = []
    with database.connection_context(), write_transaction():
        stored = _meta(REVOCATIONS)
        if stored == text:
            return "unchanged", locked
        held = int(_meta(REVOCATIONS_VERSION) or 0)
        if rl.version <= held:
            raise Conflict(f"this server holds revocation list version {held}; version "
                           f"{rl.version} is not newer", "stale_revocations")
        _set_meta(REVOCATIONS, text)
        _set_meta(REVOCATIONS_VERSION, str(rl.version))
        now = int(time.time())
        for entry in rl.entries:
            site = Site.get_or_none(Site.code == entry.writer)
            if site is None or site.revoked_at is not None:
                continue
            Site.update(revoked_at=now).where(Site.code == site.code).execute()
            RevokedSerial.insert(serial=site.serial, code=site.code,
                                 revoked_at=now).on_conflict_ignore().execute()
            _retire(site, now)
            locked.append(site.code)
    return "stored", locked


def _retire(site: Site, now: int) -> None:
    """Keep a revoked or replaced certificate, with the sequence reached now (in the caller's
    write transaction, which holds the push lock: no push of it can come later)."""
    seq = lock_counter()
    RetiredCertificate.insert(serial=site.serial, code=site.code,
                              certificate=site.certificate, retired_at=now,
                              retired_seq=seq).on_conflict_ignore().execute()


def retired_certificates() -> list[dict[str, Any]]:
    """Revoked or replaced certificates with the sequence up to which their envelopes stand."""
    with database.connection_context():
        rows = RetiredCertificate.select().order_by(RetiredCertificate.code,
                                                    RetiredCertificate.retired_seq)
        return [{"certificate": cert, "retired_seq": int(r.retired_seq)}
                for r in rows if _current(cert := json.loads(r.certificate))]


def active_certificates() -> list[dict[str, Any]]:
    """Certificates of certified, unrevoked sites (to wrap a new generation to each)."""
    with database.connection_context():
        rows = Site.select(Site.certificate).where(Site.revoked_at.is_null()).order_by(Site.code)
        return [cert for r in rows if _current(cert := json.loads(r.certificate))]


def _current(cert: dict[str, Any]) -> bool:
    """Whether a stored certificate is of this release's format: those of the release before
    office scopes (kept by ``upgrade-scopes`` until the machine re-enrols) are not served."""
    return cert.get("v") == FORMAT_VERSION


def put_keyring(entry: KeyringEntry) -> str:
    """Store a root-signed generation: ``stored``, ``unchanged`` or ``replaced`` (newer issue)."""
    net, root = trusted_root()
    verify_keyring_entry(entry, root, net)
    text = json.dumps(entry.to_dict(), sort_keys=True)
    with database.connection_context(), write_transaction():
        where = (KeyringRow.scope == entry.scope) & (KeyringRow.gen == entry.gen)
        row = KeyringRow.get_or_none(where)
        if row is None:
            KeyringRow.create(scope=entry.scope, gen=entry.gen, issued=entry.issued,
                              entry=text)
            return "stored"
        if row.entry == text:
            return "unchanged"
        held = json.loads(row.entry).get("key_id", "")
        if held and entry.key_id and held != entry.key_id:
            raise Conflict(f"generation {entry.gen} of scope {entry.scope} is already "
                           "published with another data key; a new generation must take the "
                           "next number (is this a stale copy of the admin file?)",
                           "generation_rekeyed")
        if entry.issued <= row.issued:
            raise Conflict("a newer issue of this key generation is already stored",
                           "stale_keyring_entry")
        KeyringRow.update(issued=entry.issued, entry=text).where(where).execute()
        return "replaced"


def keyring(scopes: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The stored generations of ``scopes`` (every scope if None), oldest first."""
    with database.connection_context():
        query = KeyringRow.select().order_by(KeyringRow.scope, KeyringRow.gen)
        if scopes is not None:
            query = query.where(KeyringRow.scope.in_(list(scopes)))
        return [json.loads(r.entry) for r in query]


def status_head() -> dict[str, str | None]:
    """Network id and epoch in one connection (for ``GET /v1/config``)."""
    with database.connection_context():
        return {"net": _meta("net"), "epoch": _meta("epoch")}


def status() -> dict[str, Any]:
    """What the admin may see: sites, enrolment, last push/pull, counts. No content."""
    with database.connection_context():
        counts = dict(StoredEnvelope.select(StoredEnvelope.site, fn.COUNT(StoredEnvelope.seq))
                      .group_by(StoredEnvelope.site).tuples())
        sites = [{
            "code": s.code, "serial": s.serial, "issued": s.issued,
            "enrolled_at": s.enrolled_at, "revoked_at": s.revoked_at,
            "last_push": s.last_push, "last_pull": s.last_pull, "pushes": s.pushes,
            "pulls": s.pulls, "high_ctr": s.high_ctr, "envelopes": int(counts.get(s.code, 0)),
        } for s in Site.select().order_by(Site.code)]
        return {
            "net": _meta("net"), "epoch": _meta("epoch"),
            "seq": int(Counter.get_by_id("seq").value),
            "envelopes": int(StoredEnvelope.select().count()),
            "tombstones": int(Tombstone.select().count()),
            "key_generations": [f"{r.scope}:{r.gen}" for r in KeyringRow.select(
                KeyringRow.scope, KeyringRow.gen).order_by(KeyringRow.scope, KeyringRow.gen)],
            "sites": sites,
        }
