"""The server's configuration: one frozen, typed object built once at the edge (flags → env)."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "lokal-willkommen-sync"
ENV_PREFIX = "SYNC_SERVER_"
ENV_CONFIG = ENV_PREFIX + "CONFIG_JSON"
"""How ``serve --workers N`` hands the config to each uvicorn worker process."""


def default_database_url() -> str:
    """SQLite file in the platform data dir: the embedded default needs no option."""
    base = Path(os.environ.get(ENV_PREFIX + "DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    return f"sqlite:///{base / 'sync-server.sqlite3'}"


def default_state_dir() -> str:
    """Where the restore detector keeps its high-water mark (outside the database on purpose)."""
    return os.environ.get(ENV_PREFIX + "STATE_DIR") or platformdirs.user_state_dir(APP_NAME)


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything the server needs, decided before the app is built.

    Attributes:
        database_url: ``sqlite:///path`` (default) or ``postgresql://user@host/db``.
        host: address to listen on; loopback by default (TLS is the reverse proxy's job).
        port: TCP port.
        workers: uvicorn worker processes (several are safe: pushes are serialised in the db).
        state_dir: directory of the restore detector's high-water file.
        max_request_bytes: largest request body accepted; checked before parsing.
        max_batch: most envelopes in one push (500 envelopes of a typical visit, ~1.1 KB
            in base64, stay well under ``max_request_bytes``; a push's fixed cost is then
            spread over five times as many records as with 100).
        max_envelope_bytes: largest single envelope (binary form).
        max_pull_limit: largest page a pull may ask for.
        clock_window_s: how far a signed request's timestamp may be from server time.
        pg_pool_size: connections per worker when on PostgreSQL.
        verify_processes: processes per server worker that verify a large push's signatures
            (``wire.batch_verify``); 0 or 1 verifies in the request thread.
        log_level: uvicorn log level.
        backup_recipients: the age public keys (``age1…``, separated by spaces or commas)
            that ``sync-server backup`` seals to; public, so an environment variable is
            fine (``SYNC_SERVER_BACKUP_RECIPIENTS``). The private key stays with the admin.
        max_site_envelopes: envelopes a site may have accepted and not yet expired (every
            pushed version counts until its expiry, superseded ones too: they are what the
            counter ledger keeps). An office of 150 visits a day, each written ~5 times, with
            10 years' expiry stays under 3 million; 5 million leaves room for re-pushes after
            a server restore.
        max_site_bytes: bytes of a site's stored envelopes (a visit's is ~1 KB: 5 GiB is
            five million of them).
        rate_per_s: signed requests per second a site may make on average, per server
            process (a site's first sync of a million records pulls ~11 pages a second,
            a fast push ~30 batches a second).
        rate_burst: requests a site may make at once before ``rate_per_s`` applies.
        retention_days: the longest retention a site may use (the kiosk allows 3650 days,
            and the mediator register keeps its envelopes 3650 days).
        expiry_margin_days: how far past ``retention_days`` an envelope's expiry may lie
            (an appointment booked a year ahead expires a retention after its day).
    """

    database_url: str = dataclasses.field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = 8700
    workers: int = 1
    state_dir: str = dataclasses.field(default_factory=default_state_dir)
    max_request_bytes: int = 1024 * 1024
    max_batch: int = 500
    max_envelope_bytes: int = 64 * 1024
    max_pull_limit: int = 1000
    clock_window_s: int = 300
    pg_pool_size: int = 8
    verify_processes: int = 2
    log_level: str = "info"
    backup_recipients: str = ""
    max_site_envelopes: int = 5_000_000
    max_site_bytes: int = 5 * 1024**3
    rate_per_s: int = 50
    rate_burst: int = 500
    retention_days: int = 3650
    expiry_margin_days: int = 400

    def to_json(self) -> str:
        """Serialise for the worker processes."""
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServerConfig:
        """Inverse of :meth:`to_json`."""
        return cls(**json.loads(text))

    @classmethod
    def from_env(cls, **flags: object) -> ServerConfig:
        """Flags win over ``SYNC_SERVER_*`` variables, which win over defaults."""
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = int(raw) if f.type in ("int", int) else raw
        values.update({k: v for k, v in flags.items() if v is not None})
        return cls(**values)

    def is_postgres(self) -> bool:
        """True for a PostgreSQL URL."""
        return self.database_url.startswith(("postgres://", "postgresql://"))
