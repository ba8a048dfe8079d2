"""The root-signed revocation list: which machines the admin revoked, and from where.

Revocation is a fact the network root signs, not something the server says: a server
restored from a backup made before a revocation, or one that lies, would otherwise re-admit
a stolen terminal. Each entry names the machine (writer id), the signing key of the revoked
certificate, and the cut-off in the machine's *own* counter: its envelopes with a header
counter up to ``upto_ctr`` stay valid (what it wrote while it was trusted), later ones are
refused. The entry carries the key so that a site needs nothing from the server to keep
reading the machine's older envelopes, also a site enrolled after the revocation.

The list is versioned: every site keeps the highest version it has verified and never goes
back to a lower one, and re-teaches its list to a server that offers a lower version (a
restored one). The server refuses a version at or below the one it holds (409).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from sync_server.protocol_base import (
    FORMAT_VERSION,
    MAX_CTR,
    InvalidFieldError,
    MalformedError,
    SignatureError,
    UnsupportedVersionError,
    b64d,
    b64e,
    canonical_json,
    check_int,
    check_net,
    check_site,
    check_timestamp,
    utc_now_iso,
)

_REVOCATION_TAG = b"lokal-willkommen sync v1 revocation list\x00"
REASONS = ("stolen", "lost", "compromised", "decommissioned", "other")
"""Why a machine was revoked (a code, never free text: the list is public)."""
MAX_ENTRIES = 10_000
"""More revoked machines than a network of 70 offices replaces in decades."""


@dataclass(frozen=True, slots=True)
class Revocation:
    """One revoked certificate: writer id, its signing key, the last counter that stays
    valid, and a reason code."""

    writer: str
    sign_pub: str
    upto_ctr: int
    reason: str = "stolen"

    def __post_init__(self) -> None:
        check_site(self.writer, "writer")
        b64d(self.sign_pub, field="sign_pub", length=32)
        check_int(self.upto_ctr, "upto_ctr", 0, MAX_CTR)
        if self.reason not in REASONS:
            raise InvalidFieldError(f"reason must be one of {', '.join(REASONS)}")

    @classmethod
    def from_dict(cls, data: Any) -> Revocation:
        names = {"writer", "sign_pub", "upto_ctr", "reason"}
        if not isinstance(data, dict) or set(data) != names:
            raise MalformedError("a revocation entry has exactly the fields "
                                 + ", ".join(sorted(names)))
        return cls(**data)

    def public_key(self) -> Ed25519PublicKey:
        """The revoked certificate's key: still verifies envelopes up to ``upto_ctr``."""
        return Ed25519PublicKey.from_public_bytes(b64d(self.sign_pub, length=32))


@dataclass(frozen=True, slots=True)
class RevocationList:
    """The network's revocation list, version ``version``, signed by the root."""

    net: str
    version: int
    issued_at: str
    entries: tuple[Revocation, ...] = ()
    sig: str = ""
    v: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.v != FORMAT_VERSION:
            raise UnsupportedVersionError(f"revocation list version {self.v!r} is not "
                                          "supported")
        check_net(self.net)
        check_int(self.version, "version", 1, 2**31 - 1)
        check_timestamp(self.issued_at, "issued_at")
        if not isinstance(self.entries, tuple) or len(self.entries) > MAX_ENTRIES:
            raise InvalidFieldError(f"entries must be a list of at most {MAX_ENTRIES}")
        writers = [e.writer for e in self.entries]
        if writers != sorted(set(writers)):
            raise InvalidFieldError("entries must be sorted by writer, one per writer")
        if not isinstance(self.sig, str):
            raise InvalidFieldError("sig must be a string")

    def by_writer(self) -> dict[str, Revocation]:
        return {e.writer: e for e in self.entries}

    def signed_bytes(self) -> bytes:
        """Domain tag plus canonical JSON of every field but ``sig``."""
        body = {k: v for k, v in self.to_dict().items() if k != "sig"}
        return _REVOCATION_TAG + canonical_json(body)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["entries"] = [asdict(e) for e in self.entries]
        return data

    @classmethod
    def from_dict(cls, data: Any) -> RevocationList:
        """Validate a decoded JSON object; unknown or missing keys are refused."""
        names = {"net", "version", "issued_at", "entries", "sig", "v"}
        if not isinstance(data, dict) or set(data) != names:
            raise MalformedError("a revocation list has exactly the fields "
                                 + ", ".join(sorted(names)))
        if not isinstance(data["entries"], list):
            raise MalformedError("entries must be a list")
        if len(data["entries"]) > MAX_ENTRIES:
            raise InvalidFieldError(f"a revocation list has at most {MAX_ENTRIES} entries")
        entries = tuple(Revocation.from_dict(e) for e in data["entries"])
        return cls(**{**data, "entries": entries})


def sign_revocation_list(root_key: Ed25519PrivateKey, net: str, version: int,
                         entries: list[Revocation], *, issued_at: str | None = None
                         ) -> RevocationList:
    """The list of ``entries`` (one per writer), version ``version``, signed by the root."""
    unsigned = RevocationList(net=net, version=version,
                              issued_at=issued_at or utc_now_iso(),
                              entries=tuple(sorted(entries, key=lambda e: e.writer)))
    sig = b64e(root_key.sign(unsigned.signed_bytes()))
    return RevocationList(unsigned.net, unsigned.version, unsigned.issued_at,
                          unsigned.entries, sig)


def verify_revocation_list(rl: RevocationList, root: Ed25519PublicKey,
                           net: str | None = None) -> None:
    """Raise :class:`SignatureError` unless the network root signed this list."""
    if net is not None and rl.net != net:
        raise SignatureError("revocation list belongs to another network",
                             code="wrong_network")
    try:
        root.verify(b64d(rl.sig, field="sig", length=64), rl.signed_bytes())
    except InvalidSignature as exc:
        raise SignatureError("revocation list is not signed by the network root") from exc


def parse_verified(data: Any, root: Ed25519PublicKey, net: str) -> RevocationList:
    """A decoded list, strictly parsed and root-verified (any failure: a ProtocolError)."""
    rl = RevocationList.from_dict(data)
    verify_revocation_list(rl, root, net)
    return rl
