"""The server's store and quotas fail in storage terms, and `sync_server.errors` alone turns
each failure into an HTTP answer: a real SQLite store, no web server, no HTTP exception."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync_server.errors import from_rate_limit, from_storage
from sync_server.quota import Quota, RateLimited, RateLimiter
from sync_server.store import registry
from sync_server.store.db import open_database
from sync_server.store.errors import (
    CertificateRefused,
    NonceReplayed,
    NoSuchSite,
    NotTrusted,
    OverQuota,
    SiteNotWritable,
    StaleState,
    StorageError,
    UnknownSite,
)
from wire.trust import format_root_public, issue_certificate

NET = "testnet"


def answer(exc: StorageError) -> tuple[int, str]:
    err = from_storage(exc)
    return err.status, err.code


@pytest.fixture
def root(tmp_path: Path) -> Ed25519PrivateKey:
    open_database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    return Ed25519PrivateKey.generate()


def certificate(root_key: Ed25519PrivateKey, site: str = "EVSC-1"):
    return issue_certificate(root_key, NET, site, Ed25519PrivateKey.generate().public_key(),
                             X25519PrivateKey.generate().public_key())


def test_an_untrusted_store_and_another_root_are_storage_errors(root) -> None:
    with pytest.raises(NotTrusted) as untrusted:
        registry.trusted_root()
    assert answer(untrusted.value) == (409, "server_not_trusted")
    registry.trust(format_root_public(NET, root))
    with pytest.raises(StaleState) as other:
        registry.trust(format_root_public(NET, Ed25519PrivateKey.generate()))
    assert answer(other.value) == (409, "root_mismatch")


def test_unknown_sites_answer_401_to_a_request_and_404_to_the_admin(root) -> None:
    registry.trust(format_root_public(NET, root))
    with pytest.raises(UnknownSite) as requester:
        registry.get_site("EVSC-1")
    assert answer(requester.value) == (401, "unknown_site")
    with pytest.raises(NoSuchSite) as named:
        registry.revoke("EVSC-9")
    assert answer(named.value) == (404, "unknown_site")


def test_replays_and_revoked_sites_and_certificates_are_refused(root) -> None:
    registry.trust(format_root_public(NET, root))
    cert = certificate(root)
    assert registry.enroll(cert) == "enrolled"
    now = int(time.time())
    registry.use_nonce("EVSC-1", "n" * 22, now, 300)
    with pytest.raises(NonceReplayed) as replay:
        registry.use_nonce("EVSC-1", "n" * 22, now, 300)
    assert answer(replay.value) == (401, "replayed_nonce")
    registry.revoke("EVSC-1")
    with pytest.raises(SiteNotWritable) as revoked:
        registry.get_site("EVSC-1")
    assert answer(revoked.value) == (403, "site_revoked")
    with pytest.raises(CertificateRefused) as refused:
        registry.enroll(cert)
    assert answer(refused.value) == (403, "certificate_revoked")


def test_a_push_over_the_quota_is_507_and_a_flood_429_with_retry_after() -> None:
    with pytest.raises(OverQuota) as over:
        Quota(max_envelopes=10, max_bytes=1000).check("EVSC-1", 11, 0)
    assert answer(over.value) == (507, "quota_exceeded")
    limiter = RateLimiter(rate_per_s=0.5, burst=1, clock=lambda: 100.0)
    limiter.take("EVSC-1")
    with pytest.raises(RateLimited) as flood:
        limiter.take("EVSC-1")
    err = from_rate_limit(flood.value)
    assert (err.status, err.code, err.headers) == (429, "rate_limited", {"Retry-After": "2"})
    assert "EVSC-1" in err.message
