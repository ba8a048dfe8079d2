"""Signed HTTP requests to the sync server, with errors mapped to :mod:`kiosk.sync.errors`.

Every request is signed with the site's Ed25519 key (see ``sync_server.protocol_trust``
for why signatures rather than tokens). If the site's clock is off by more than the
server's window, the first answer says so; the client then learns the offset from
``/v1/config`` once and signs this run's requests with corrected time. That answer is not
authenticated, so the offset is bounded (``MAX_OFFSET_MS``), used for nothing but request
timestamps (never for the clock checks of pulled records) and never stored.

Redirects are never followed: a redirect could lead the signed requests to plain http on
another host, past the rule that plain http goes to loopback only.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from kiosk.crypto.site_keys import SiteKeys
from kiosk.sync.errors import NetworkError, NotSetUp, SecurityError, SiteRestored, SyncError
from sync_server.protocol import sign_request

TIMEOUT = (10, 120)
MAX_OFFSET_MS = 10 * 60 * 1000
"""Largest server-minus-local time difference a site signs around; beyond it one of the two
clocks is wrong (or the server lies), and the admin must fix it (NTP)."""
CA_BUNDLE = "sync.ca_bundle"
"""Store setting: the CA bundle ``kiosk enroll --ca-bundle`` was given, reused by every sync
(a city's internal CA is not in the system's trust store)."""


def check_url(url: str, insecure: bool) -> str:
    """The normalised base URL; plain HTTP only to loopback unless ``insecure``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotSetUp(f"not a server URL: {url!r} (expected https://host[:port])", "bad_url")
    if parts.scheme == "http" and not insecure:
        host = parts.hostname
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise SecurityError(f"refusing plain http to {host}: use https, or --insecure "
                                "on a trusted network", "insecure_url")
    return url.strip().rstrip("/")


def check_ca_bundle(path: str | None) -> str | None:
    """The absolute path of a readable CA bundle (PEM), or None for the system's trust store."""
    if not path:
        return None
    bundle = Path(path).expanduser().resolve()
    try:
        text = bundle.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise NotSetUp(f"cannot read the CA bundle {bundle}: {exc.strerror}",
                       "ca_bundle") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise NotSetUp(f"the CA bundle {bundle} holds no PEM certificate", "ca_bundle")
    return str(bundle)


class ServerAPI:
    """One server, one site identity; a requests session with connection reuse.

    TLS certificates are always verified (requests' default): against ``ca_bundle`` if given
    (a city's internal CA), otherwise against the system's trust store.
    """

    def __init__(self, base_url: str, keys: SiteKeys | None, *, insecure: bool = False,
                 offset_ms: int = 0, ca_bundle: str | None = None) -> None:
        self.base = check_url(base_url, insecure)
        self.prefix = urlsplit(self.base).path
        self.keys = keys
        self.offset_ms = offset_ms
        self.ca_bundle = check_ca_bundle(ca_bundle)
        self.http = requests.Session()
        # one request at a time: the pull prefetches pages on a thread while the main
        # thread may fetch certificates or keys (a Session is not meant to be shared)
        self._one_at_a_time = threading.RLock()
        self.requests = 0
        self.bytes_sent = 0
        self.bytes_received = 0

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, path: str, params: dict[str, Any] | None, body: Any,
              signed: bool) -> requests.Response:
        query = urlencode(sorted((params or {}).items()))
        data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if signed:
            if self.keys is None:  # the admin laptop: only unsigned requests
                raise NotSetUp("this needs an enrolled site's keys (run it at an office "
                               "machine, or use --from/--out and `kiosk keys publish`)")
            ts = int(time.time() + self.offset_ms / 1000)
            headers.update(sign_request(self.keys.sign, self.keys.writer, method,
                                        self.prefix + path, query, data, timestamp=ts))
        url = self.base + path + ("?" + query if query else "")
        self.requests += 1
        self.bytes_sent += len(data)
        try:
            # verify per request: a session's verify loses to $REQUESTS_CA_BUNDLE
            resp = self.http.request(method, url, data=data or None, headers=headers,
                                     timeout=TIMEOUT, verify=self.ca_bundle or True,
                                     allow_redirects=False)
        except requests.exceptions.SSLError:
            raise SecurityError(f"the TLS certificate of {self.base} could not be verified "
                                "(a city CA? pass --ca-bundle FILE)", "tls") from None
        except requests.RequestException as exc:
            raise NetworkError(f"cannot reach the sync server at {self.base} "
                               f"({exc.__class__.__name__})", "unreachable") from None
        self.bytes_received += len(resp.content)
        if 300 <= resp.status_code < 400:
            where = urlsplit(resp.headers.get("Location", "")).hostname or "elsewhere"
            raise SecurityError(f"the sync server at {self.base} answered with a redirect "
                                f"(HTTP {resp.status_code}, to {where}); the sync never follows "
                                "redirects: configure the final https:// address", "redirect")
        return resp

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
             body: Any = None, signed: bool = True) -> dict[str, Any]:
        """One request; the decoded JSON answer, or a named error."""
        return _decode(self._request(method, path, params, body, signed), self.base)

    def call_bytes(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                   signed: bool = True) -> bytes:
        """One request whose answer is binary (a pull page); errors are JSON as always."""
        resp = self._request(method, path, params, None, signed)
        if resp.status_code != 200:
            _decode(resp, self.base)  # raises the named error
        return resp.content

    def _request(self, method: str, path: str, params: dict[str, Any] | None, body: Any,
                 signed: bool) -> requests.Response:
        with self._one_at_a_time:
            resp = self._send(method, path, params, body, signed)
            if resp.status_code == 401 and signed and _code(resp) == "stale_request":
                self.learn_offset()
                resp = self._send(method, path, params, body, signed)
            return resp

    def learn_offset(self) -> int:
        """Server time minus local time, from the unauthenticated ``/v1/config``.

        Raises:
            SecurityError: the difference is more than ``MAX_OFFSET_MS`` either way.
            NetworkError: the answer has no usable server time.
        """
        before = time.time()
        cfg = self.call("GET", "/v1/config", signed=False)
        after = time.time()
        server_time = cfg.get("server_time")
        if type(server_time) is not int:
            raise NetworkError("the server's /v1/config has no usable server_time",
                               "bad_answer")
        offset = int(server_time - (before + after) / 2 * 1000)
        if abs(offset) > MAX_OFFSET_MS:
            raise SecurityError(
                f"the server's clock and this machine's differ by {abs(offset) // 60_000} "
                f"minutes (more than {MAX_OFFSET_MS // 60_000} allowed): check the time of "
                "this machine and of the server (NTP)", "clock_skew")
        self.offset_ms = offset
        return self.offset_ms


def _code(resp: requests.Response) -> str:
    try:
        return str(resp.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


def _decode(resp: requests.Response, base: str) -> dict[str, Any]:
    if resp.status_code == 200:
        try:
            data = resp.json()
        except ValueError:
            raise NetworkError(f"the server at {base} answered something that is not JSON",
                               "bad_answer") from None
        if not isinstance(data, dict):
            raise NetworkError("the server's answer has an unexpected shape", "bad_answer")
        return data
    code = _code(resp)
    try:
        message = str(resp.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = f"HTTP {resp.status_code}"
    if resp.status_code == 409 and code == "counter_reused":
        raise SiteRestored(
            "the server already holds other content under this site's writer counter: this "
            "store was probably restored from a backup. Run `kiosk sync --reincarnate` "
            "(see `kiosk sync --help`).", code)
    if resp.status_code in (401, 403):
        raise SecurityError(f"the server refused this site: {message} ({code})", code)
    if resp.status_code == 429:
        raise NetworkError(f"the sync server is busy for this site ({message}); try again "
                           "later, nothing is lost", code or "rate_limited")
    if code == "quota_exceeded":
        raise NetworkError(f"the sync server stores no more from this site: {message}; "
                           "ask the server's admin (nothing is lost here)", code)
    if resp.status_code == 503 or resp.status_code >= 500:
        raise NetworkError(f"the sync server failed ({resp.status_code}); try again later",
                           "server_error")
    raise SyncError(f"the server rejected a request: {message} ({code or resp.status_code})",
                    code or "rejected")
