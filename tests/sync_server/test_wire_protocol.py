"""Unit tests of the wire format: round trips and every tamper the server or a peer could try."""

from __future__ import annotations

import dataclasses
import os
import random
import uuid
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync_server import protocol as p
from sync_server.protocol_trust import FALLBACK_ALG, HPKE_ALG, KEYRING_ALG

NET = "dortmund"


def header(**over: object) -> p.Header:
    base = dict(v=p.FORMAT_VERSION, net=NET, scope="EVSC", gen=1, rid=uuid.uuid4().hex,
                site="EVSC-1", ctr=7, op="put", exp="2030-12-31")
    base.update(over)
    return p.Header(**base)


@pytest.fixture()
def keys() -> tuple[bytes, Ed25519PrivateKey]:
    return os.urandom(32), Ed25519PrivateKey.generate()


def flip(raw: bytes, index: int) -> bytes:
    return raw[:index] + bytes([raw[index] ^ 0x01]) + raw[index + 1:]


@pytest.mark.parametrize("body", [b"", b"x", "Ünal Çelik – محمد".encode() * 3,
                                  random.Random(35).randbytes(3000), b"a" * 5000])
def test_round_trip(keys, body):
    data_key, sk = keys
    env = p.seal(header(), body, data_key, sk)
    again = p.Envelope.from_bytes(env.to_bytes())
    assert again == env
    assert p.Envelope.from_b64(env.to_b64()) == env
    p.verify(again, sk.public_key())
    assert p.open_envelope(again, data_key) == body
    assert again.digest() == env.digest()


def test_padding_hides_length(keys):
    data_key, sk = keys
    short = p.seal(header(), b"Ali", data_key, sk)
    long = p.seal(header(), b"Maximiliane Hohenzollern-Sigmaringen", data_key, sk)
    assert len(short.ciphertext) == len(long.ciphertext) == 512 + 16


def test_plaintext_not_in_bytes(keys):
    data_key, sk = keys
    env = p.seal(header(), b"Canary-Name-Fatima", data_key, sk)
    assert b"Canary" not in env.to_bytes()


def test_erase_has_empty_body_and_is_signed(keys):
    data_key, sk = keys
    env = p.seal(header(op="erase"), b"", data_key, sk)
    p.verify(env, sk.public_key())
    assert p.open_envelope(env, data_key) == b""
    with pytest.raises(p.InvalidFieldError):
        p.seal(header(op="erase"), b"name", data_key, sk)
    clock = b"1764489600000.00003.EVSC-3F2A"  # when it happened: no content
    assert p.open_envelope(p.seal(header(op="erase"), clock, data_key, sk), data_key) == clock
    with pytest.raises(p.InvalidFieldError):
        p.seal(header(op="erase"), clock + b" Maria", data_key, sk)


def test_every_bit_flip_in_body_region_is_detected(keys):
    data_key, sk = keys
    env = p.seal(header(), b"hello", data_key, sk)
    raw = env.to_bytes()
    head_end = 6 + len(env.header.canonical())
    for index in range(head_end, len(raw), 7):
        try:
            bad = p.Envelope.from_bytes(flip(raw, index))
        except p.ProtocolError:
            continue
        with pytest.raises(p.SignatureError):
            p.verify(bad, sk.public_key())
        if index < len(raw) - 64:
            with pytest.raises(p.DecryptionError):
                p.open_envelope(bad, data_key)


@pytest.mark.parametrize("change", [
    {"rid": uuid.uuid4().hex}, {"ctr": 8}, {"op": "erase"}, {"site": "MEHU"}, {"gen": 2},
    {"exp": "2031-01-01"}, {"net": "other"}, {"scope": "MEHU"}, {"scope": "network"},
])
def test_header_swap_is_detected(keys, change):
    """Replay under another rid, a counter bump, put→erase, moved into another scope:
    signature and AAD both fail."""
    data_key, sk = keys
    env = p.seal(header(), b"body", data_key, sk)
    forged = dataclasses.replace(env, header=dataclasses.replace(env.header, **change))
    with pytest.raises(p.SignatureError):
        p.verify(forged, sk.public_key())
    with pytest.raises(p.DecryptionError):
        p.open_envelope(forged, data_key)


def test_wrong_signer_and_wrong_key(keys):
    data_key, sk = keys
    env = p.seal(header(), b"body", data_key, sk)
    with pytest.raises(p.SignatureError):
        p.verify(env, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(p.DecryptionError):
        p.open_envelope(env, os.urandom(32))


@pytest.mark.parametrize("over", [
    {"v": 1}, {"v": 3}, {"net": "Has.Dot"}, {"scope": "evsc"}, {"scope": "network1"},
    {"scope": ""}, {"scope": "EVSC-1"}, {"gen": 0}, {"gen": True}, {"rid": "x" * 32},
    {"rid": uuid.uuid1().hex}, {"rid": uuid.uuid4().hex.upper()}, {"site": "evsc"},
    {"ctr": 0}, {"ctr": -1}, {"ctr": 2**63}, {"ctr": "5"}, {"op": "delete"},
    {"exp": "2030-02-30"}, {"exp": "2030-1-1"},
])
def test_header_validation(over):
    with pytest.raises(p.ProtocolError) as info:
        header(**over)
    assert info.value.code in {"invalid_field", "unsupported_version"}


@pytest.mark.parametrize("mutate", [
    lambda raw: raw[:-1], lambda raw: raw + b"\x00", lambda raw: b"XXXX" + raw[4:],
    lambda raw: raw[:10], lambda raw: b"",
    lambda raw: raw.replace(b'"op":"put"', b'"op": "put"'),
])
def test_malformed_bytes_refused(keys, mutate):
    data_key, sk = keys
    raw = p.seal(header(), b"body", data_key, sk).to_bytes()
    with pytest.raises(p.ProtocolError):
        p.Envelope.from_bytes(mutate(raw))


def test_random_bytes_never_crash():
    for n in range(200):
        blob = os.urandom(n * 3)
        with pytest.raises(p.ProtocolError):
            p.Envelope.from_bytes(b"LWE1" + blob if n % 2 else blob)


def test_certificate_round_trip_and_tamper():
    root = Ed25519PrivateKey.generate()
    site_sign, site_kex = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    cert = p.issue_certificate(root, NET, "EVSC-2", site_sign.public_key(),
                               site_kex.public_key())
    again = p.SiteCertificate.from_dict(cert.to_dict())
    p.verify_certificate(again, root.public_key(), NET)
    assert again.sign_public_key().public_bytes_raw() == site_sign.public_key().public_bytes_raw()
    assert cert.office == "EVSC"
    for change in ({"site": "EVSC-3"}, {"sign_pub": p.public_key_b64(Ed25519PrivateKey.generate())},
                   {"serial": uuid.uuid4().hex}):
        with pytest.raises(p.SignatureError):
            p.verify_certificate(dataclasses.replace(cert, **change), root.public_key())
    with pytest.raises(p.SignatureError):
        p.verify_certificate(cert, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(p.SignatureError) as info:
        p.verify_certificate(cert, root.public_key(), "elsewhere")
    assert info.value.code == "wrong_network"
    with pytest.raises(p.ProtocolError):
        p.SiteCertificate.from_dict({**cert.to_dict(), "extra": 1})
    # a certificate cannot name an office its writer id does not belong to
    with pytest.raises(p.InvalidFieldError):
        p.SiteCertificate.from_dict({**cert.to_dict(), "office": "MEHU"})
    with pytest.raises(p.InvalidFieldError):
        p.SiteCertificate.from_dict({**cert.to_dict(), "site": "MEHU-2"})


def test_public_lines_round_trip():
    root = Ed25519PrivateKey.generate()
    net, pub = p.parse_root_public(p.format_root_public(NET, root))
    assert net == NET and pub.public_bytes_raw() == root.public_key().public_bytes_raw()
    sign, kex = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    s, k = p.parse_site_public(p.format_site_public(sign, kex))
    assert s.public_bytes_raw() == sign.public_key().public_bytes_raw()
    assert k.public_bytes_raw() == kex.public_key().public_bytes_raw()
    for bad in ("", "lwroot1.x", "lwroot1.NET.abc", "lwsite1.a.b"):
        with pytest.raises(p.ProtocolError):
            p.parse_root_public(bad) if bad.startswith("lwroot") or not bad else \
                p.parse_site_public(bad)


@pytest.mark.parametrize("alg", sorted({KEYRING_ALG, FALLBACK_ALG, HPKE_ALG}))
def test_keyring_wrap_unwrap_and_injection(alg):
    root = Ed25519PrivateKey.generate()
    kex = {"EVSC": X25519PrivateKey.generate(), "MEHU": X25519PrivateKey.generate()}
    data_key = os.urandom(32)
    entry = p.make_keyring_entry(root, NET, "network", 3, data_key,
                                 {s: k.public_key() for s, k in kex.items()}, alg=alg)
    entry = p.KeyringEntry.from_dict(entry.to_dict())
    p.verify_keyring_entry(entry, root.public_key(), NET)
    for site, key in kex.items():
        assert p.unwrap_data_key(entry, site, key) == data_key
    with pytest.raises(p.DecryptionError):
        p.unwrap_data_key(entry, "EVSC", kex["MEHU"])
    with pytest.raises(p.DecryptionError):
        p.unwrap_data_key(entry, "HOHO", kex["MEHU"])
    # A server that swaps in a key it knows cannot get it root-signed.
    evil = p.make_keyring_entry(Ed25519PrivateKey.generate(), NET, "network", 3,
                                os.urandom(32), {s: k.public_key() for s, k in kex.items()},
                                alg=alg)
    with pytest.raises(p.SignatureError):
        p.verify_keyring_entry(evil, root.public_key())
    moved = dataclasses.replace(entry, wrapped={"EVSC": entry.wrapped["MEHU"]})
    with pytest.raises(p.SignatureError):
        p.verify_keyring_entry(moved, root.public_key())
    # an office's key cannot be passed off as another scope's: the scope is signed, and the
    # wrapping is bound to it
    rescoped = dataclasses.replace(entry, scope="MEHU")
    with pytest.raises(p.SignatureError):
        p.verify_keyring_entry(rescoped, root.public_key())
    with pytest.raises(p.DecryptionError):
        p.unwrap_data_key(rescoped, "EVSC", kex["EVSC"])


def test_signed_request_round_trip_and_refusals():
    sk = Ed25519PrivateKey.generate()
    body = b'{"envelopes":[]}'
    headers = p.sign_request(sk, "EVSC", "post", "/v1/push", "b=2&a=1", body, timestamp=1000)
    req = p.parse_request_headers({k.lower(): v for k, v in headers.items()})
    p.verify_request(req, "POST", "/v1/push", "a=1&b=2", body, sk.public_key(), now=1100)
    cases = [
        dict(method="GET"), dict(path="/v1/pull"), dict(query="a=1&b=3"),
        dict(body=body + b" "), dict(key=Ed25519PrivateKey.generate().public_key()),
    ]
    for case in cases:
        with pytest.raises(p.RequestAuthError) as info:
            p.verify_request(req, case.get("method", "POST"), case.get("path", "/v1/push"),
                             case.get("query", "a=1&b=2"), case.get("body", body),
                             case.get("key", sk.public_key()), now=1000)
        assert info.value.code == "bad_signature"
    with pytest.raises(p.RequestAuthError) as info:
        p.verify_request(req, "POST", "/v1/push", "a=1&b=2", body, sk.public_key(), now=1301)
    assert info.value.code == "stale_request"
    with pytest.raises(p.RequestAuthError):
        p.parse_request_headers({"X-LW-Site": "EVSC"})
    with pytest.raises(p.RequestAuthError):
        p.parse_request_headers({**headers, "X-LW-Timestamp": "-5"})


# -- signed trees: one signature per batch, every envelope still verifiable alone ------------

@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 31, 32, 33, 70])
def test_batch_sealed_envelopes_each_verify_alone(keys, count):
    data_key, sk = keys
    items = [(header(ctr=i + 1), b"body %d" % i) for i in range(count)]
    envs = p.seal_batch(items, data_key, sk, tree=32)
    assert [e.count for e in envs] == [min(32, count - i // 32 * 32) for i in range(count)]
    for i, env in enumerate(envs):
        again = p.Envelope.from_bytes(env.to_bytes())
        assert again == env and again.index == i % 32
        assert len(again.path) == p.path_length(again.index, again.count)
        p.verify(again, sk.public_key())
        assert p.open_envelope(again, data_key) == b"body %d" % i


def test_a_tree_is_verified_once(keys):
    data_key, sk = keys
    envs = p.seal_batch([(header(ctr=i + 1), b"x") for i in range(64)], data_key, sk, tree=32)
    before = p._root_verifies.cache_info().misses
    for env in envs:
        p.verify(env, sk.public_key())
    assert p._root_verifies.cache_info().misses - before == 2


def test_tampering_inside_a_tree_is_caught_for_that_envelope_only(keys):
    data_key, sk = keys
    envs = p.seal_batch([(header(ctr=i + 1), b"body") for i in range(8)], data_key, sk)
    raw = bytearray(envs[3].to_bytes())
    raw[-64 - 3 * 32 - 10] ^= 0x01  # a ciphertext byte of envelope 3
    with pytest.raises(p.SignatureError):
        p.verify(p.Envelope.from_bytes(bytes(raw)), sk.public_key())
    for i in (0, 2, 4, 7):
        p.verify(envs[i], sk.public_key())
    # a proof moved to another envelope of the same tree, or another index, does not verify
    swapped = dataclasses.replace(envs[1], path=envs[2].path, index=envs[2].index)
    with pytest.raises(p.SignatureError):
        p.verify(swapped, sk.public_key())
    moved = dataclasses.replace(envs[5], index=4)
    with pytest.raises(p.SignatureError):
        p.verify(moved, sk.public_key())
    # a sibling hash replaced: another root, so the signature fails
    bent = dataclasses.replace(envs[6], path=(bytes(32), *envs[6].path[1:]))
    with pytest.raises(p.SignatureError):
        p.verify(bent, sk.public_key())


@pytest.mark.parametrize("index,count", [(0, 0), (1, 1), (5, 4), (0, p.MAX_TREE + 1)])
def test_tree_position_out_of_range_is_refused(keys, index, count):
    data_key, sk = keys
    env = p.seal(header(), b"x", data_key, sk)
    with pytest.raises(p.InvalidFieldError):
        dataclasses.replace(env, index=index, count=count)


def test_path_of_wrong_length_is_refused(keys):
    data_key, sk = keys
    env = p.seal_batch([(header(ctr=i + 1), b"x") for i in range(4)], data_key, sk)[1]
    with pytest.raises(p.InvalidFieldError):
        dataclasses.replace(env, path=env.path[:1])
    raw = env.to_bytes()
    with pytest.raises(p.ProtocolError):
        p.Envelope.from_bytes(raw[:-64 - 32] + raw[-64:])  # one path hash cut out


def test_zlib_only_where_it_saves_a_padding_block():
    small = b'{"a":"' + b"x" * 400 + b'"}'  # fits one block as it is: never compressed
    assert p.pad(small)[0] == 0 and len(p.pad(small)) == 512
    repetitive = b"Mietvertrag pruefen " * 60  # 1,200 bytes: three blocks raw, one zipped
    assert p.pad(repetitive)[0] == 1 and len(p.pad(repetitive)) == 512
    noise = random.Random(7).randbytes(900)  # does not compress: stored as it is
    assert p.pad(noise)[0] == 0 and len(p.pad(noise)) == 1024
    rng = random.Random(8)  # compresses by a quarter, but stays within its two blocks
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_")
                   for _ in range(1000)).encode()
    assert 512 < len(zlib.compress(text, 6)) < len(text)
    assert p.pad(text)[0] == 0 and len(p.pad(text)) == 1024
    for body in (small, repetitive, noise, text):
        assert p.unpad(p.pad(body)) == body
