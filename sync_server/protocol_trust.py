"""Trust objects of the wire format: site certificates, keyring entries, signed requests.

Trust flows from the network root key (Ed25519, kept offline by the admin), never from the
server: the root certifies each site's keys and signs each data-key generation, so a server
can neither introduce a site nor slip in a key it knows.

Request authentication is by **signed requests**: the client signs
``method ‖ path ‖ canonical query ‖ sha256(body) ‖ timestamp ‖ nonce ‖ site`` with its site
key, and the server checks the signature against the enrolled (root-certified, unrevoked)
certificate, the timestamp against a window, and that the nonce is unused. Chosen over a
challenge + bearer token because nothing secret ever travels or is stored on the server (a
leaked server database or log holds no credential), there is no login round trip (an empty
sync stays at one or two requests), and revocation takes effect on the very next request.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync_server.protocol_base import (
    FORMAT_VERSION,
    DecryptionError,
    InvalidFieldError,
    MalformedError,
    RequestAuthError,
    SignatureError,
    UnsupportedVersionError,
    b64d,
    b64e,
    canonical_json,
    check_int,
    check_net,
    check_office,
    check_scope,
    check_site,
    check_timestamp,
    office_of,
    utc_now_iso,
)

try:  # HPKE (RFC 9180) is in cryptography >= 46; the fallback below is the same idea by hand.
    from cryptography.hazmat.primitives import hpke as _hpke
except ImportError:  # pragma: no cover - depends on the installed cryptography
    _hpke = None

HPKE_ALG = "hpke-x25519-sha256-aes256gcm"
FALLBACK_ALG = "x25519-hkdf-sha256-aes256gcm"
KEYRING_ALG = HPKE_ALG if _hpke is not None else FALLBACK_ALG
"""Wrapping used for new keyring entries; unwrapping accepts both."""

REQUEST_HEADERS = ("X-LW-Site", "X-LW-Timestamp", "X-LW-Nonce", "X-LW-Signature")
"""HTTP headers of a signed request."""

_CERT_TAG = b"lokal-willkommen sync v1 certificate\x00"
_KEYRING_TAG = b"lokal-willkommen sync v1 keyring\x00"
_REQUEST_TAG = b"lokal-willkommen sync v1 request\x00"
_WRAP_INFO = b"lokal-willkommen sync v1 data key\x00"
_KEY_ID_TAG = b"lokal-willkommen sync v1 key id\x00"


def public_key_b64(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """Raw 32-byte Ed25519 public key as base64url."""
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return b64e(pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def x25519_public_b64(key: X25519PublicKey | X25519PrivateKey) -> str:
    """Raw 32-byte X25519 public key as base64url."""
    pub = key.public_key() if isinstance(key, X25519PrivateKey) else key
    return b64e(pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def _ed_pub(text: str, what: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64d(text, field=what, length=32))


def _x_pub(text: str, what: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(b64d(text, field=what, length=32))


def format_root_public(net: str, root: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """One line naming the network and its root key: ``lwroot1.<net>.<key>``."""
    return f"lwroot1.{check_net(net)}.{public_key_b64(root)}"


def parse_root_public(line: str) -> tuple[str, Ed25519PublicKey]:
    """Inverse of :func:`format_root_public`."""
    parts = line.strip().split(".") if isinstance(line, str) else []
    if len(parts) != 3 or parts[0] != "lwroot1":
        raise MalformedError("a root public key looks like lwroot1.<network>.<key>")
    return check_net(parts[1]), _ed_pub(parts[2], "root key")


def format_site_public(sign: Ed25519PublicKey | Ed25519PrivateKey,
                       kex: X25519PublicKey | X25519PrivateKey) -> str:
    """A site's two public keys on one line: ``lwsite1.<sign>.<kex>``."""
    return f"lwsite1.{public_key_b64(sign)}.{x25519_public_b64(kex)}"


def parse_site_public(line: str) -> tuple[Ed25519PublicKey, X25519PublicKey]:
    """Inverse of :func:`format_site_public`."""
    parts = line.strip().split(".") if isinstance(line, str) else []
    if len(parts) != 3 or parts[0] != "lwsite1":
        raise MalformedError("a site public key line looks like lwsite1.<sign>.<kex>")
    return _ed_pub(parts[1], "sign key"), _x_pub(parts[2], "kex key")


def _root_verify(root: Ed25519PublicKey, sig: str, data: bytes, what: str) -> None:
    try:
        root.verify(b64d(sig, field="sig", length=64), data)
    except InvalidSignature as exc:
        raise SignatureError(f"{what} is not signed by the network root") from exc


@dataclass(frozen=True, slots=True)
class SiteCertificate:
    """Root-signed binding of a machine (writer id) to its office and its public keys.

    ``office`` is the scope whose keys the machine holds besides the network's; the server
    lets it write only there and serves it only that (``site`` is the writer id, which
    starts with the office code). ``serial`` is a random id per issued certificate; a
    replacement machine for a revoked office code gets a new one (and a later ``issued``).
    """

    net: str
    site: str
    office: str
    sign_pub: str
    kex_pub: str
    serial: str
    issued: str
    sig: str = ""
    v: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.v != FORMAT_VERSION:
            raise UnsupportedVersionError(f"certificate version {self.v!r} is not supported")
        check_net(self.net)
        check_site(self.site)
        check_office(self.office)
        if office_of(self.site) != self.office:
            raise InvalidFieldError("a machine's writer id starts with its office code")
        _ed_pub(self.sign_pub, "sign_pub")
        _x_pub(self.kex_pub, "kex_pub")
        if not isinstance(self.serial, str) or len(self.serial) != 32 or not all(
                c in "0123456789abcdef" for c in self.serial):
            raise InvalidFieldError("serial must be 32 lowercase hex digits")
        check_timestamp(self.issued)
        if not isinstance(self.sig, str):
            raise InvalidFieldError("sig must be a string")

    def signed_bytes(self) -> bytes:
        """Domain tag plus canonical JSON of every field but ``sig``."""
        body = {k: v for k, v in asdict(self).items() if k != "sig"}
        return _CERT_TAG + canonical_json(body)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (what travels in bundles and in ``POST /v1/enroll``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> SiteCertificate:
        """Validate a decoded JSON object; unknown keys are refused."""
        names = {"net", "site", "office", "sign_pub", "kex_pub", "serial", "issued", "sig",
                 "v"}
        if not isinstance(data, dict) or not set(data) <= names or "sig" not in data:
            raise MalformedError("certificate must be an object with fields "
                                 + ", ".join(sorted(names)))
        try:
            return cls(**data)
        except TypeError as exc:
            raise MalformedError("certificate is missing fields") from exc

    def sign_public_key(self) -> Ed25519PublicKey:
        """The site's Ed25519 key (verifies its envelopes and requests)."""
        return _ed_pub(self.sign_pub, "sign_pub")

    def kex_public_key(self) -> X25519PublicKey:
        """The site's X25519 key (data keys are wrapped to it)."""
        return _x_pub(self.kex_pub, "kex_pub")


def issue_certificate(root_key: Ed25519PrivateKey, net: str, site: str,
                      sign_pub: Ed25519PublicKey | str, kex_pub: X25519PublicKey | str,
                      *, serial: str | None = None, issued: str | None = None
                      ) -> SiteCertificate:
    """Certify a machine's public keys with the root key (admin side, offline); its office
    is the writer id's prefix."""
    unsigned = SiteCertificate(
        net=net, site=site, office=office_of(site),
        sign_pub=sign_pub if isinstance(sign_pub, str) else public_key_b64(sign_pub),
        kex_pub=kex_pub if isinstance(kex_pub, str) else x25519_public_b64(kex_pub),
        serial=serial or uuid.uuid4().hex, issued=issued or utc_now_iso())
    sig = b64e(root_key.sign(unsigned.signed_bytes()))
    return SiteCertificate(**{**asdict(unsigned), "sig": sig})


def verify_certificate(cert: SiteCertificate, root_public: Ed25519PublicKey,
                       net: str | None = None) -> None:
    """Raise :class:`SignatureError` unless the root signed it (and, if given, for ``net``)."""
    if net is not None and cert.net != net:
        raise SignatureError("certificate belongs to another network", code="wrong_network")
    _root_verify(root_public, cert.sig, cert.signed_bytes(), "certificate")


@dataclass(frozen=True, slots=True)
class KeyringEntry:
    """One data-key generation of one scope, wrapped to each member machine's X25519 key,
    signed by the root.

    The server stores it opaquely and serves it only to machines of its scope; a site
    accepts it only with a valid root signature. ``issued`` orders re-issues of the same
    generation (e.g. wrapped to a newly enrolled machine).

    ``key_id`` commits to the data key (a domain-separated SHA-256 of it, 16 bytes): the
    server, which cannot unwrap anything, can still refuse a generation number re-issued
    with *another* key (a stale copy of the admin file rotating again), which would make
    everything sealed under the first key unreadable. Entries made before it have none
    (``""``; left out of the signed bytes, so their signatures still hold).
    """

    net: str
    scope: str
    gen: int
    issued: str
    alg: str
    wrapped: dict[str, str] = field(default_factory=dict)
    sig: str = ""
    v: int = FORMAT_VERSION
    key_id: str = ""

    def __post_init__(self) -> None:
        if self.v != FORMAT_VERSION:
            raise UnsupportedVersionError(f"keyring version {self.v!r} is not supported")
        check_net(self.net)
        check_scope(self.scope)
        check_int(self.gen, "gen", 1, 2**31 - 1)
        check_timestamp(self.issued)
        if self.alg not in (HPKE_ALG, FALLBACK_ALG):
            raise InvalidFieldError("unknown key wrapping algorithm")
        if not isinstance(self.wrapped, dict) or not self.wrapped:
            raise InvalidFieldError("wrapped must map site codes to wrapped keys")
        for site, blob in self.wrapped.items():
            check_site(site)
            b64d(blob, field="wrapped key")
        if not isinstance(self.sig, str):
            raise InvalidFieldError("sig must be a string")
        if self.key_id != "":
            b64d(self.key_id, field="key_id", length=16)

    def signed_bytes(self) -> bytes:
        """Domain tag plus canonical JSON of every field but ``sig``."""
        body = {k: v for k, v in self.to_dict().items() if k != "sig"}
        return _KEYRING_TAG + canonical_json(body)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (without ``key_id`` when the entry predates it)."""
        data = asdict(self)
        if not self.key_id:
            del data["key_id"]
        return data

    @classmethod
    def from_dict(cls, data: Any) -> KeyringEntry:
        """Validate a decoded JSON object; unknown keys are refused."""
        names = {"net", "scope", "gen", "issued", "alg", "wrapped", "sig", "v", "key_id"}
        if not isinstance(data, dict) or not set(data) <= names or "sig" not in data:
            raise MalformedError("keyring entry must be an object with fields "
                                 + ", ".join(sorted(names)))
        try:
            return cls(**data)
        except TypeError as exc:
            raise MalformedError("keyring entry is missing fields") from exc


def _wrap_info(net: str, scope: str, gen: int, site: str) -> bytes:
    return _WRAP_INFO + canonical_json([net, scope, gen, site])


def key_id_of(net: str, scope: str, gen: int, data_key: bytes) -> str:
    """The public commitment to a generation's data key (see :class:`KeyringEntry`)."""
    digest = hashlib.sha256(_KEY_ID_TAG + canonical_json([net, scope, gen]) + data_key)
    return b64e(digest.digest()[:16])


def _fallback_key(shared: bytes, eph_pub: bytes, rcpt_pub: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=eph_pub + rcpt_pub, info=info).derive(shared)


def _wrap(alg: str, data_key: bytes, rcpt: X25519PublicKey, info: bytes) -> bytes:
    if alg == HPKE_ALG:
        suite = _hpke.Suite(_hpke.KEM.X25519, _hpke.KDF.HKDF_SHA256, _hpke.AEAD.AES_256_GCM)
        return suite.encrypt(data_key, rcpt, info=info)
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    rcpt_raw = rcpt.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = _fallback_key(eph.exchange(rcpt), eph_pub, rcpt_raw, info)
    return eph_pub + AESGCM(key).encrypt(bytes(12), data_key, info)


def _unwrap(alg: str, blob: bytes, kex: X25519PrivateKey, info: bytes) -> bytes:
    try:
        if alg == HPKE_ALG:
            if _hpke is None:
                raise DecryptionError("this cryptography version has no HPKE",
                                      code="unsupported_alg")
            suite = _hpke.Suite(_hpke.KEM.X25519, _hpke.KDF.HKDF_SHA256, _hpke.AEAD.AES_256_GCM)
            return suite.decrypt(blob, kex, info=info)
        eph_pub, ct = blob[:32], blob[32:]
        rcpt_raw = kex.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw)
        shared = kex.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        return AESGCM(_fallback_key(shared, eph_pub, rcpt_raw, info)).decrypt(
            bytes(12), ct, info)
    except (InvalidTag, ValueError) as exc:
        if isinstance(exc, DecryptionError):
            raise
        raise DecryptionError("wrapped data key does not open with this site key") from exc


def make_keyring_entry(root_key: Ed25519PrivateKey, net: str, scope: str, gen: int,
                       data_key: bytes, recipients: Mapping[str, X25519PublicKey | str], *,
                       issued: str | None = None, alg: str = KEYRING_ALG) -> KeyringEntry:
    """Wrap ``data_key`` to every recipient machine's X25519 key and sign with the root."""
    if len(data_key) != 32:
        raise InvalidFieldError("a data key is 32 bytes")
    wrapped = {}
    for site, pub in recipients.items():
        rcpt = _x_pub(pub, "kex_pub") if isinstance(pub, str) else pub
        wrapped[check_site(site)] = b64e(_wrap(alg, data_key, rcpt,
                                               _wrap_info(net, scope, gen, site)))
    unsigned = KeyringEntry(net=net, scope=scope, gen=gen, issued=issued or utc_now_iso(),
                            alg=alg, wrapped=wrapped,
                            key_id=key_id_of(net, scope, gen, data_key))
    return KeyringEntry(**{**asdict(unsigned), "sig": b64e(root_key.sign(unsigned.signed_bytes()))})


def verify_keyring_entry(entry: KeyringEntry, root_public: Ed25519PublicKey,
                         net: str | None = None) -> None:
    """Raise :class:`SignatureError` unless the root signed this generation."""
    if net is not None and entry.net != net:
        raise SignatureError("keyring entry belongs to another network", code="wrong_network")
    _root_verify(root_public, entry.sig, entry.signed_bytes(), "keyring entry")


def unwrap_data_key(entry: KeyringEntry, site: str, kex_private: X25519PrivateKey) -> bytes:
    """The 32-byte data key of ``entry.gen`` for ``site`` (verify the entry first)."""
    blob = entry.wrapped.get(site)
    if blob is None:
        raise DecryptionError(f"generation {entry.gen} is not wrapped to this site",
                              code="not_a_recipient")
    key = _unwrap(entry.alg, b64d(blob, field="wrapped key"), kex_private,
                  _wrap_info(entry.net, entry.scope, entry.gen, site))
    if len(key) != 32:
        raise DecryptionError("wrapped data key has the wrong length")
    if entry.key_id and entry.key_id != key_id_of(entry.net, entry.scope, entry.gen, key):
        raise DecryptionError("the wrapped data key does not match the entry's key id",
                              code="key_id_mismatch")
    return key


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """The authentication headers of one request, parsed."""

    site: str
    timestamp: int
    nonce: str
    signature: bytes


def canonical_query(query: str) -> str:
    """Sorted, re-encoded query string, so signer and verifier agree on its bytes."""
    return urlencode(sorted(parse_qsl(query or "", keep_blank_values=True)))


def _request_bytes(method: str, path: str, query: str, body: bytes, ts: int, nonce: str,
                   site: str) -> bytes:
    parts = [method.upper(), path, canonical_query(query), hashlib.sha256(body).hexdigest(),
             str(ts), nonce, site]
    return _REQUEST_TAG + "\n".join(parts).encode()


def sign_request(sign_key: Ed25519PrivateKey, site: str, method: str, path: str, query: str,
                 body: bytes, *, timestamp: int | None = None, nonce: str | None = None
                 ) -> dict[str, str]:
    """Headers that authenticate one request as ``site`` (add them to the HTTP request)."""
    ts = int(time.time()) if timestamp is None else timestamp
    nonce = nonce or b64e(os.urandom(16))
    sig = sign_key.sign(_request_bytes(method, path, query, body, ts, nonce, check_site(site)))
    return dict(zip(REQUEST_HEADERS, (site, str(ts), nonce, b64e(sig)), strict=True))


def parse_request_headers(headers: Mapping[str, str]) -> SignedRequest:
    """Read the four authentication headers (any case); raise if missing or malformed."""
    lower = {k.lower(): v for k, v in headers.items()}
    values = [lower.get(name.lower()) for name in REQUEST_HEADERS]
    if any(v is None for v in values):
        raise RequestAuthError("request is not signed (missing X-LW-* headers)",
                               code="unauthenticated")
    site, ts, nonce, sig = values
    try:
        check_site(site)
        # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses
        if not (ts.isascii() and ts.isdigit()) or len(ts) > 12:
            raise InvalidFieldError("timestamp")
        if not 16 <= len(nonce) <= 64:
            raise InvalidFieldError("nonce")
        b64d(nonce, field="nonce")
        raw_sig = b64d(sig, field="signature", length=64)
    except InvalidFieldError as exc:
        raise RequestAuthError("request authentication headers are malformed",
                               code="unauthenticated") from exc
    return SignedRequest(site, int(ts), nonce, raw_sig)


def verify_request(req: SignedRequest, method: str, path: str, query: str, body: bytes,
                   sign_pub: Ed25519PublicKey, *, now: float | None = None,
                   window: int = 300) -> None:
    """Check freshness and signature; the caller checks the nonce is unused."""
    now = time.time() if now is None else now
    if abs(now - req.timestamp) > window:
        raise RequestAuthError("request timestamp is outside the allowed window "
                               "(check the site's clock)", code="stale_request")
    try:
        sign_pub.verify(req.signature,
                        _request_bytes(method, path, query, body, req.timestamp, req.nonce,
                                       req.site))
    except InvalidSignature as exc:
        raise RequestAuthError("request signature does not verify", code="bad_signature") from exc
