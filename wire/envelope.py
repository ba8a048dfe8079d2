"""Envelopes of the wire format: the clear header, sealing, batch signatures, opening.

The kiosk's sync client and the server both import this module, so they cannot drift apart.
It depends only on ``cryptography`` and the standard library.

Envelope (why, see DESIGN.md "The server cannot read"):

* The clear :class:`Header` is all the server sees. Its canonical JSON is the AES-GCM
  associated data, so a ciphertext cannot be moved to another record, site, counter, scope
  or operation.
* Every envelope belongs to one **scope**: an office (that office's visitors' records, sealed
  under keys only its machines hold) or the network (what every office needs). The server
  routes by the clear scope and serves a machine only its office's scope and the network's.
* The body is length-prefixed, zlib-compressed when that saves a padding block, and padded to a
  multiple of ``block`` bytes so lengths do not betray a name. It is encrypted with AES-256-GCM
  under a per-envelope key ``HKDF-SHA256(data_key, salt, info=net+scope+gen)`` (the data key
  is the scope's), which makes random 96-bit nonces safe without a global counter.
* The writer signs batches, not envelopes (why: an Ed25519 verify costs more than
  everything else a pulled record needs). Each envelope is a leaf of a Merkle tree (RFC 9162
  shape, SHA-256, leaf and node hashes domain-separated) over ``tag ‖ len(header) ‖ header ‖
  salt ‖ nonce ‖ ciphertext`` of up to ``TREE_SIZE`` envelopes sealed together; the writer
  signs the root once, and every envelope carries its index, the tree size, its inclusion
  path and the root's signature. Each envelope is still verifiable alone, by anyone with the
  writer's public key; a verifier that has seen the root already skips the signature check
  (:func:`verify` caches verified roots). A single envelope is a tree of one: its root is its
  leaf hash, its path empty.

Binary layout of :meth:`Envelope.to_bytes` (big endian; the HTTP API carries it base64url)::

    b"LWE1" ‖ u16 header_len ‖ header (canonical JSON) ‖ salt[32] ‖ nonce[12]
           ‖ u32 ct_len ‖ ciphertext (incl. 16-byte GCM tag)
           ‖ u16 index ‖ u16 count ‖ path (32 bytes × path_length(index, count))
           ‖ signature[64] (Ed25519 over ``batch tag ‖ u16 count ‖ root``)

Certificates and keyring entries live in :mod:`wire.trust`, request signatures in
:mod:`wire.signing`, field encodings in :mod:`wire.fields`, identifiers in :mod:`wire.ids`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from wire.errors import (
    DecryptionError,
    InvalidFieldError,
    MalformedError,
    SignatureError,
    UnsupportedVersionError,
)
from wire.fields import (
    FORMAT_VERSION,
    MAX_CTR,
    b64d,
    b64e,
    canonical_json,
    check_day,
    check_int,
    check_rid,
)
from wire.ids import WriterId, check_net, check_scope, check_site
from wire.tree import leaf_hash, path_length, root_from_path, tree

MAGIC = b"LWE1"
SALT_LEN = 32
NONCE_LEN = 12
SIG_LEN = 64
TAG_LEN = 16
MAX_HEADER_BYTES = 1024
MAX_BODY_BYTES = 64 * 1024
"""Largest record body a reader inflates or accepts. A visit's body is ~850 bytes, and the
field caps of the kiosk keep any record far below this; without a cap, a 58 KiB envelope
of zlib output inflated to 60 MB at every site that pulled it."""

TREE_SIZE = 32
"""Envelopes per signed tree when a batch is sealed: one signature per 32 records costs each
about 3 µs to verify, and each carries a path of 5 hashes (160 bytes)."""
MAX_TREE = 4096
HASH_LEN = 32

_SIGN_TAG = b"lokal-willkommen sync v1 envelope\x00"
_BATCH_TAG = b"lokal-willkommen sync v1 batch root\x00"
_HKDF_INFO = b"lokal-willkommen sync v1 record\x00"
_HEADER_KEYS = frozenset({"v", "net", "scope", "gen", "rid", "site", "ctr", "op", "exp"})

Op = Literal["put", "erase"]


@dataclass(frozen=True, slots=True)
class Header:
    """The clear header: the only thing about a record that the server can see.

    Attributes:
        v: format version (1).
        net: network id; binds the envelope to one network.
        scope: ``network`` or an office code: whose keys seal it, and so who may hold it
            (the server routes by it; the office code is no secret, the server already
            knows which machine wrote what).
        gen: data-key generation of the scope used to encrypt.
        rid: the record's wire id, 32 hex digits in the shape of a version-4 UUID, derived
            with SHA-256 from the record's kind and id (the same on every site; it reveals
            neither, and carries no time).
        site: writer site code; must be the site authenticated for the push.
        ctr: writer's monotonic counter; the newest per (rid, site) supersedes older ones.
        op: ``put`` (the writer's merged state) or ``erase`` (sticky erasure, empty body).
        exp: day-granular expiry so the server can purge even if no site returns.
    """

    v: int
    net: str
    scope: str
    gen: int
    rid: str
    site: WriterId
    ctr: int
    op: Op
    exp: str
    _canonical: bytes = field(default=b"", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.v != FORMAT_VERSION or type(self.v) is not int:
            raise UnsupportedVersionError(f"envelope format version {self.v!r} is not supported")
        check_net(self.net)
        check_scope(self.scope)
        check_int(self.gen, "gen", 1, 2**31 - 1)
        check_rid(self.rid)
        check_site(self.site)
        check_int(self.ctr, "ctr", 1, MAX_CTR)
        if self.op not in ("put", "erase"):
            raise InvalidFieldError("op must be 'put' or 'erase'")
        check_day(self.exp)
        # computed once: it is the AAD, part of every leaf, and written with every envelope
        object.__setattr__(self, "_canonical", canonical_json(self.to_dict()))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the nine fields."""
        return {k: getattr(self, k) for k in _HEADER_KEYS}

    def canonical(self) -> bytes:
        """Sorted-key compact JSON: the AEAD associated data and part of what is signed."""
        return self._canonical

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
    """A sealed record: clear header, salt, nonce, ciphertext (with tag), and its proof.

    The proof is the envelope's place in the writer's signed tree (``index`` of ``count``),
    the inclusion ``path`` from its leaf to the root, and the root's ``signature``.
    """

    header: Header
    salt: bytes
    nonce: bytes
    ciphertext: bytes
    signature: bytes
    index: int = 0
    count: int = 1
    path: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if len(self.salt) != SALT_LEN or len(self.nonce) != NONCE_LEN:
            raise InvalidFieldError("salt must be 32 bytes and nonce 12 bytes")
        if len(self.signature) != SIG_LEN:
            raise InvalidFieldError("signature must be 64 bytes")
        if len(self.ciphertext) < TAG_LEN:
            raise InvalidFieldError("ciphertext is shorter than a GCM tag")
        if not 0 <= self.index < self.count <= MAX_TREE:
            raise InvalidFieldError(f"tree index and size must satisfy 0 <= index < size <= "
                                    f"{MAX_TREE}")
        if (len(self.path) != path_length(self.index, self.count)
                or any(len(h) != HASH_LEN for h in self.path)):
            raise InvalidFieldError("inclusion path does not fit the tree")

    def leaf_bytes(self) -> bytes:
        """What the writer commits to: a domain tag, the length-prefixed header, salt, nonce,
        ciphertext."""
        head = self.header.canonical()
        return b"".join((_SIGN_TAG, struct.pack(">H", len(head)), head,
                         self.salt, self.nonce, self.ciphertext))

    def root(self) -> bytes:
        """The tree root this envelope's leaf and path lead to."""
        return root_from_path(leaf_hash(self.leaf_bytes()), self.index, self.count, self.path)

    def signed_bytes(self) -> bytes:
        """What the signature is over: the batch tag, the tree size and the root."""
        return _BATCH_TAG + struct.pack(">H", self.count) + self.root()

    def to_bytes(self) -> bytes:
        """The binary layout documented in the module docstring."""
        head = self.header.canonical()
        return b"".join((MAGIC, struct.pack(">H", len(head)), head, self.salt, self.nonce,
                         struct.pack(">I", len(self.ciphertext)), self.ciphertext,
                         struct.pack(">HH", self.index, self.count), *self.path,
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
        fixed = len(MAGIC) + 2 + SALT_LEN + NONCE_LEN + 4 + 4 + SIG_LEN
        if len(raw) < fixed or raw[:4] != MAGIC:
            raise MalformedError("not an envelope (bad magic or too short)")
        (hlen,) = struct.unpack_from(">H", raw, 4)
        if hlen > MAX_HEADER_BYTES or len(raw) < fixed + hlen:
            raise MalformedError("envelope header length out of range")
        pos = 6
        head_bytes = raw[pos:pos + hlen]
        pos += hlen
        header = _parse_header(head_bytes)
        salt = raw[pos:pos + SALT_LEN]
        pos += SALT_LEN
        nonce = raw[pos:pos + NONCE_LEN]
        pos += NONCE_LEN
        (ct_len,) = struct.unpack_from(">I", raw, pos)
        pos += 4
        if len(raw) < pos + ct_len + 4 + SIG_LEN:
            raise MalformedError("envelope length does not match its ciphertext length")
        ct = raw[pos:pos + ct_len]
        pos += ct_len
        index, count = struct.unpack_from(">HH", raw, pos)
        pos += 4
        if not 0 <= index < count <= MAX_TREE:
            raise MalformedError("envelope tree index or size out of range")
        steps = path_length(index, count)
        if len(raw) != pos + steps * HASH_LEN + SIG_LEN:
            raise MalformedError("envelope length does not match its inclusion path")
        path = tuple(raw[pos + i * HASH_LEN:pos + (i + 1) * HASH_LEN] for i in range(steps))
        sig = raw[pos + steps * HASH_LEN:]
        return cls(header, salt, nonce, ct, sig, index, count, path)

    @classmethod
    def from_b64(cls, text: str) -> Envelope:
        """Inverse of :meth:`to_b64`."""
        return cls.from_bytes(b64d(text, field="envelope"))


def _parse_header(head_bytes: bytes) -> Header:
    """A header in canonical form, parsed and validated."""
    try:
        head_obj = json.loads(head_bytes.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedError("envelope header is not ASCII JSON") from exc
    header = Header.from_dict(head_obj)
    if header.canonical() != head_bytes:
        raise MalformedError("envelope header is not in canonical form")
    return header


def _record_key(data_key: bytes, salt: bytes, net: str, scope: str, gen: int) -> bytes:
    if len(data_key) != 32:
        raise InvalidFieldError("a data key is 32 bytes")
    info = (_HKDF_INFO + net.encode() + b"\x00" + scope.encode() + b"\x00"
            + struct.pack(">I", gen))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(data_key)


def pad(body: bytes, block: int = 512) -> bytes:
    """``flags(1) ‖ u32 len ‖ data ‖ zeros`` to a multiple of ``block``.

    zlib only where it saves a block (ciphertext never compresses): a reader decompresses
    only bodies that were worth it.
    """
    flags = 0
    data = body
    if 5 + len(body) > block:
        packed = zlib.compress(body, 6)
        if -(-(5 + len(packed)) // block) < -(-(5 + len(body)) // block):
            flags, data = 1, packed
    total = 5 + len(data)
    size = -(-total // block) * block
    return bytes([flags]) + struct.pack(">I", len(data)) + data + bytes(size - total)


def unpad(padded: bytes, max_body: int = MAX_BODY_BYTES) -> bytes:
    """Inverse of :func:`pad`; rejects anything that is not exactly its output.

    A compressed body is inflated at most to ``max_body`` bytes (one more byte is asked
    for, to tell "exactly the limit" from "over it"): a bomb is refused (code
    ``body_too_large``) before it takes memory.
    """
    if len(padded) < 5 or padded[0] not in (0, 1):
        raise DecryptionError("padding header is invalid")
    (n,) = struct.unpack_from(">I", padded, 1)
    if 5 + n > len(padded) or any(padded[5 + n:]):
        raise DecryptionError("padding is invalid")
    data = padded[5:5 + n]
    if padded[0] == 1:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(data, max_body + 1)
        except zlib.error as exc:
            raise DecryptionError("compressed body is corrupt") from exc
        if len(data) > max_body or inflater.unconsumed_tail:
            raise DecryptionError(f"record body inflates to more than {max_body} bytes",
                                  "body_too_large")
        if not inflater.eof or inflater.unused_data:
            raise DecryptionError("compressed body is corrupt")
    elif len(data) > max_body:
        raise DecryptionError(f"record body is larger than {max_body} bytes", "body_too_large")
    return data


ERASE_BODY = re.compile(rb"\d{13}\.\d{5}\.[A-Za-z0-9-]{1,32}")
"""What an erase envelope's body may be: the erasure's hybrid-logical clock, as text."""


def encrypt(header: Header, body: bytes, data_key: bytes, block: int = 512) -> Envelope:
    """Encrypt ``body`` under the data key; the result is not signed yet (see :func:`sign`).

    Erase envelopes carry no content: the erasure is in the clear ``op``, and the body is
    empty or only the erasure's clock (:data:`ERASE_BODY`, so that a tombstone pushed again
    after a restore still says when the erasure happened).
    """
    if header.op == "erase" and body and not ERASE_BODY.fullmatch(body):
        raise InvalidFieldError("an erase envelope carries nothing but its erasure clock")
    if block < 16 or block > 65536:
        raise InvalidFieldError("block must be between 16 and 65536 bytes")
    salt = os.urandom(SALT_LEN)
    nonce = os.urandom(NONCE_LEN)
    key = _record_key(data_key, salt, header.net, header.scope, header.gen)
    ct = AESGCM(key).encrypt(nonce, pad(body, block), header.canonical())
    return Envelope(header, salt, nonce, ct, bytes(SIG_LEN))


def sign(envelopes: Sequence[Envelope], sign_key: Ed25519PrivateKey) -> list[Envelope]:
    """Put ``envelopes`` (at most ``MAX_TREE``) into one tree and sign its root once."""
    if not 1 <= len(envelopes) <= MAX_TREE:
        raise InvalidFieldError(f"a signed tree holds 1 to {MAX_TREE} envelopes")
    root, paths = tree([leaf_hash(e.leaf_bytes()) for e in envelopes])
    sig = sign_key.sign(_BATCH_TAG + struct.pack(">H", len(envelopes)) + root)
    return [replace(e, signature=sig, index=i, count=len(envelopes), path=tuple(path))
            for i, (e, path) in enumerate(zip(envelopes, paths, strict=True))]


def seal(header: Header, body: bytes, data_key: bytes, sign_key: Ed25519PrivateKey,
         block: int = 512) -> Envelope:
    """Encrypt ``body`` and sign it alone (a tree of one)."""
    return sign([encrypt(header, body, data_key, block)], sign_key)[0]


def seal_batch(items: Sequence[tuple[Header, bytes]],
               data_key: bytes | Mapping[tuple[str, int], bytes],
               sign_key: Ed25519PrivateKey, tree: int = TREE_SIZE) -> list[Envelope]:
    """Encrypt every (header, body) and sign them in trees of ``tree`` envelopes.

    ``data_key`` is one key for all, or the keys by (scope, generation): a batch may mix
    scopes (an office's visits and the network's mediators), the trees do not care.
    """
    if isinstance(data_key, bytes | bytearray):
        sealed = [encrypt(h, b, bytes(data_key)) for h, b in items]
    else:
        try:
            sealed = [encrypt(h, b, data_key[(h.scope, h.gen)]) for h, b in items]
        except KeyError as exc:
            raise InvalidFieldError(f"no data key for scope/generation {exc.args[0]}"
                                    ) from None
    out: list[Envelope] = []
    for i in range(0, len(sealed), tree):
        out.extend(sign(sealed[i:i + tree], sign_key))
    return out


@functools.lru_cache(maxsize=4096)
def _root_verifies(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    """One Ed25519 verify per (key, signed root): the envelopes of a tree share it. Caching
    is sound because a verify's outcome depends on nothing but these three values."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def verify(env: Envelope, site_public_key: Ed25519PublicKey) -> None:
    """Check the writer's signature only (what the server can do without the data key)."""
    if not _root_verifies(site_public_key.public_bytes_raw(), env.signature,
                          env.signed_bytes()):
        raise SignatureError("envelope signature does not verify for its writer")


def open_envelope(env: Envelope, data_key: bytes) -> bytes:
    """Decrypt and unpad (call :func:`verify` first; the kiosk does both)."""
    key = _record_key(data_key, env.salt, env.header.net, env.header.scope,
                      env.header.gen)
    try:
        padded = AESGCM(key).decrypt(env.nonce, env.ciphertext, env.header.canonical())
    except InvalidTag as exc:
        raise DecryptionError("envelope does not decrypt (tampered or wrong key)") from exc
    return unpad(padded)
