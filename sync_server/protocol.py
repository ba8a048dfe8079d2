"""The sync wire format, written once: envelope header, sealing, signatures, trust objects.

The kiosk's sync client and the server both import this module, so they cannot drift apart.
It depends only on ``cryptography`` and the standard library.

Envelope (why, see DESIGN.md "The server cannot read"):

* The clear :class:`Header` is all the server sees. Its canonical JSON is the AES-GCM
  associated data, so a ciphertext cannot be moved to another record, site, counter or
  operation.
* The body is length-prefixed, zlib-compressed only when larger than 1 KiB, and padded to a
  multiple of ``block`` bytes so lengths do not betray a name. It is encrypted with AES-256-GCM
  under a per-envelope key ``HKDF-SHA256(data_key, salt, info=net+gen)``, which makes random
  96-bit nonces safe without a global counter.
* The writer site signs ``tag ‖ len(header) ‖ header ‖ salt ‖ nonce ‖ ciphertext`` with
  Ed25519, so every site (and the server, without decrypting) can tell who wrote it.

Binary layout of :meth:`Envelope.to_bytes` (big endian; the HTTP API carries it base64url)::

    b"LWE1" ‖ u16 header_len ‖ header (canonical JSON) ‖ salt[32] ‖ nonce[12]
           ‖ u32 ct_len ‖ ciphertext (incl. 16-byte GCM tag) ‖ signature[64]

Certificates, keyring entries and request signatures live in
:mod:`sync_server.protocol_trust` and are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync_server.protocol_base import (
    FORMAT_VERSION,
    MAX_CTR,
    DecryptionError,
    InvalidFieldError,
    MalformedError,
    ProtocolError,
    RequestAuthError,
    SignatureError,
    UnsupportedVersionError,
    b64d,
    b64e,
    canonical_json,
    check_day,
    check_int,
    check_net,
    check_rid,
    check_site,
)
from sync_server.protocol_trust import (
    KEYRING_ALG,
    REQUEST_HEADERS,
    KeyringEntry,
    SignedRequest,
    SiteCertificate,
    canonical_query,
    format_root_public,
    format_site_public,
    issue_certificate,
    make_keyring_entry,
    parse_request_headers,
    parse_root_public,
    parse_site_public,
    public_key_b64,
    sign_request,
    unwrap_data_key,
    verify_certificate,
    verify_keyring_entry,
    verify_request,
    x25519_public_b64,
)

__all__ = [
    "FORMAT_VERSION",
    "KEYRING_ALG",
    "MAX_CTR",
    "REQUEST_HEADERS",
    "DecryptionError",
    "Envelope",
    "Header",
    "InvalidFieldError",
    "KeyringEntry",
    "MalformedError",
    "ProtocolError",
    "RequestAuthError",
    "SignatureError",
    "SignedRequest",
    "SiteCertificate",
    "UnsupportedVersionError",
    "b64d",
    "b64e",
    "canonical_json",
    "canonical_query",
    "format_root_public",
    "format_site_public",
    "issue_certificate",
    "make_keyring_entry",
    "open_envelope",
    "pad",
    "parse_request_headers",
    "parse_root_public",
    "parse_site_public",
    "public_key_b64",
    "seal",
    "sign_request",
    "unpad",
    "unwrap_data_key",
    "verify",
    "verify_certificate",
    "verify_keyring_entry",
    "verify_request",
    "x25519_public_b64",
]

MAGIC = b"LWE1"
SALT_LEN = 32
NONCE_LEN = 12
SIG_LEN = 64
TAG_LEN = 16
MAX_HEADER_BYTES = 1024
COMPRESS_ABOVE = 1024
"""Bodies larger than this are zlib-compressed before padding (ciphertext never compresses)."""

_SIGN_TAG = b"lokal-willkommen sync v1 envelope\x00"
_HKDF_INFO = b"lokal-willkommen sync v1 record\x00"
_HEADER_KEYS = frozenset({"v", "net", "gen", "rid", "site", "ctr", "op", "exp"})

Op = Literal["put", "erase"]


@dataclass(frozen=True, slots=True)
class Header:
    """The clear header: the only thing about a record that the server can see.

    Attributes:
        v: format version (1).
        net: network id; binds the envelope to one network.
        gen: data-key generation used to encrypt (sites read every generation).
        rid: random uuid4 hex record id (never derived from content or time).
        site: writer site code; must be the site authenticated for the push.
        ctr: writer's monotonic counter; the newest per (rid, site) supersedes older ones.
        op: ``put`` (the writer's merged state) or ``erase`` (sticky erasure, empty body).
        exp: day-granular expiry so the server can purge even if no site returns.
    """

    v: int
    net: str
    gen: int
    rid: str
    site: str
    ctr: int
    op: Op
    exp: str

    def __post_init__(self) -> None:
        if self.v != FORMAT_VERSION or type(self.v) is not int:
            raise UnsupportedVersionError(f"envelope format version {self.v!r} is not supported")
        check_net(self.net)
        check_int(self.gen, "gen", 1, 2**31 - 1)
        check_rid(self.rid)
        check_site(self.site)
        check_int(self.ctr, "ctr", 1, MAX_CTR)
        if self.op not in ("put", "erase"):
            raise InvalidFieldError("op must be 'put' or 'erase'")
        check_day(self.exp)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the eight fields."""
        return {k: getattr(self, k) for k in _HEADER_KEYS}

    def canonical(self) -> bytes:
        """Sorted-key compact JSON: the AEAD associated data and part of what is signed."""
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, data: Any) -> Header:
        """Validate a decoded JSON object; unknown or missing keys are refused."""
        if not isinstance(data, dict) or set(data) != _HEADER_KEYS:
            raise MalformedError("header must be an object with exactly the fields "
                                 + ", ".join(sorted(_HEADER_KEYS)))
        if data.get("v") != FORMAT_VERSION:
            raise UnsupportedVersionError(f"envelope format version {data.get('v')!r} "
                                          "is not supported")
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A sealed record: clear header, salt, nonce, ciphertext (with tag), signature."""

    header: Header
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    signature: bytes

    def __post_init__(self) -> None:
        if len(self.salt) != SALT_LEN or len(self.nonce) != NONCE_LEN:
            raise InvalidFieldError("salt must be 32 bytes and nonce 12 bytes")
        if len(self.signature) != SIG_LEN:
            raise InvalidFieldError("signature must be 64 bytes")
        if len(self.ciphertext) < TAG_LEN:
            raise InvalidFieldError("ciphertext is shorter than a GCM tag")

    def signed_bytes(self) -> bytes:
        """What the writer signs: a domain tag, the length-prefixed header, salt, nonce, ct."""
        head = self.header.canonical()
        return b"".join((_SIGN_TAG, struct.pack(">H", len(head)), head,
                         self.salt, self.nonce, self.ciphertext))

    def to_bytes(self) -> bytes:
        """The binary layout documented in the module docstring."""
        head = self.header.canonical()
        return b"".join((MAGIC, struct.pack(">H", len(head)), head, self.salt, self.nonce,
                         struct.pack(">I", len(self.ciphertext)), self.ciphertext,
                         self.signature))

    def to_b64(self) -> str:
        """base64url of :meth:`to_bytes`, the form carried in the HTTP API."""
        return b64e(self.to_bytes())

    def digest(self) -> str:
        """sha256 hex of the bytes: tells "same envelope re-pushed" from "counter reused"."""
        return hashlib.sha256(self.to_bytes()).hexdigest()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Envelope:
        """Parse strictly: exact lengths, canonical header, nothing trailing."""
        if not isinstance(raw, bytes | bytearray | memoryview):
            raise MalformedError("envelope must be bytes")
        raw = bytes(raw)
        fixed = len(MAGIC) + 2 + SALT_LEN + NONCE_LEN + 4 + SIG_LEN
        if len(raw) < fixed or raw[:4] != MAGIC:
            raise MalformedError("not an envelope (bad magic or too short)")
        (hlen,) = struct.unpack_from(">H", raw, 4)
        if hlen > MAX_HEADER_BYTES or len(raw) < fixed + hlen:
            raise MalformedError("envelope header length out of range")
        pos = 6
        head_bytes = raw[pos:pos + hlen]
        pos += hlen
        try:
            head_obj = json.loads(head_bytes.decode("ascii"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedError("envelope header is not ASCII JSON") from exc
        header = Header.from_dict(head_obj)
        if header.canonical() != head_bytes:
            raise MalformedError("envelope header is not in canonical form")
        salt = raw[pos:pos + SALT_LEN]
        pos += SALT_LEN
        nonce = raw[pos:pos + NONCE_LEN]
        pos += NONCE_LEN
        (ct_len,) = struct.unpack_from(">I", raw, pos)
        pos += 4
        if len(raw) != pos + ct_len + SIG_LEN:
            raise MalformedError("envelope length does not match its ciphertext length")
        ct = raw[pos:pos + ct_len]
        sig = raw[pos + ct_len:]
        return cls(header, salt, nonce, ct, sig)

    @classmethod
    def from_b64(cls, text: str) -> Envelope:
        """Inverse of :meth:`to_b64`."""
        return cls.from_bytes(b64d(text, field="envelope"))


def _record_key(data_key: bytes, salt: bytes, net: str, gen: int) -> bytes:
    if len(data_key) != 32:
        raise InvalidFieldError("a data key is 32 bytes")
    info = _HKDF_INFO + net.encode() + b"\x00" + struct.pack(">I", gen)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(data_key)


def pad(body: bytes, block: int = 512) -> bytes:
    """``flags(1) ‖ u32 len ‖ data ‖ zeros`` to a multiple of ``block``; zlib above 1 KiB."""
    flags = 0
    data = body
    if len(body) > COMPRESS_ABOVE:
        packed = zlib.compress(body, 6)
        if len(packed) < len(body):
            flags, data = 1, packed
    total = 5 + len(data)
    size = -(-total // block) * block
    return bytes([flags]) + struct.pack(">I", len(data)) + data + bytes(size - total)


def unpad(padded: bytes) -> bytes:
    """Inverse of :func:`pad`; rejects anything that is not exactly its output."""
    if len(padded) < 5 or padded[0] not in (0, 1):
        raise DecryptionError("padding header is invalid")
    (n,) = struct.unpack_from(">I", padded, 1)
    if 5 + n > len(padded) or any(padded[5 + n:]):
        raise DecryptionError("padding is invalid")
    data = padded[5:5 + n]
    if padded[0] == 1:
        try:
            return zlib.decompress(data)
        except zlib.error as exc:
            raise DecryptionError("compressed body is corrupt") from exc
    return data


def seal(header: Header, body: bytes, data_key: bytes, sign_key: Ed25519PrivateKey,
         block: int = 512) -> Envelope:
    """Encrypt ``body`` under the data key and sign the result as ``header.site``.

    Erase envelopes must carry an empty body (the erasure is in the clear ``op``).
    """
    if header.op == "erase" and body:
        raise InvalidFieldError("an erase envelope carries an empty body")
    if block < 16 or block > 65536:
        raise InvalidFieldError("block must be between 16 and 65536 bytes")
    salt = os.urandom(SALT_LEN)
    nonce = os.urandom(NONCE_LEN)
    key = _record_key(data_key, salt, header.net, header.gen)
    ct = AESGCM(key).encrypt(nonce, pad(body, block), header.canonical())
    unsigned = Envelope(header, salt, nonce, ct, bytes(SIG_LEN))
    return Envelope(header, salt, nonce, ct, sign_key.sign(unsigned.signed_bytes()))


def verify(env: Envelope, site_public_key: Ed25519PublicKey) -> None:
    """Check the writer's signature only (what the server can do without the data key)."""
    try:
        site_public_key.verify(env.signature, env.signed_bytes())
    except InvalidSignature as exc:
        raise SignatureError("envelope signature does not verify for its writer") from exc


def open_envelope(env: Envelope, data_key: bytes) -> bytes:
    """Decrypt and unpad (call :func:`verify` first; the kiosk does both)."""
    key = _record_key(data_key, env.salt, env.header.net, env.header.gen)
    try:
        padded = AESGCM(key).decrypt(env.nonce, env.ciphertext, env.header.canonical())
    except InvalidTag as exc:
        raise DecryptionError("envelope does not decrypt (tampered or wrong key)") from exc
    return unpad(padded)
