"""`sync-server upgrade-scopes` on a database made by the release before office scopes, on
SQLite and PostgreSQL: nothing lost, served to nobody, idempotent, refused where it must be."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests import old_release
from wire.trust import format_root_public

sys.path.insert(0, str(Path(__file__).parent))

from server_harness import PgDatabase

pytestmark = pytest.mark.slow
SERVER = Path(sys.executable).parent / "sync-server"
OLD_CERT = {"v": 1, "net": "dortmund", "site": "EVSC-AAAA"}
"""Only its shape matters here: the server stores certificates opaquely."""


class Db:
    """Plain DB-API access to the database under test (what the old release wrote)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _connect(self):
        if self.url.startswith("sqlite:///"):
            return sqlite3.connect(self.url[len("sqlite:///"):]), "?"
        return psycopg2.connect(self.url), "%s"

    def run(self, sql: str, *params: object) -> list[tuple]:
        con, mark = self._connect()
        try:
            cur = con.cursor()
            cur.execute(sql.replace("?", mark), params)
            out = cur.fetchall() if cur.description else []
            con.commit()
            return out
        finally:
            con.close()


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    pg = PgDatabase()
    yield pg.url
    pg.drop()


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return old_release.unpack(tmp_path_factory.mktemp("old-release"))


def cli(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SYNC_SERVER_STATE_DIR": str(tmp_path / "state")}
    return subprocess.run([str(SERVER), *args, "--database", url], env=env,
                          capture_output=True, text=True, timeout=120)


def old_database(tmp_path: Path, url: str, old_tree: Path) -> Db:
    """A schema-1 database as the old release creates it, with an envelope, an erasure
    tombstone, a keyring generation, an enrolled and a revoked machine."""
    root = format_root_public("dortmund", Ed25519PrivateKey.generate())
    done = subprocess.run([*old_release.command("sync_server"), "trust", root, "--database",
                           url], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(old_tree),
                               "SYNC_SERVER_STATE_DIR": str(tmp_path / "state")})
    assert done.returncode == 0, done.stderr
    db = Db(url)
    db.run('INSERT INTO "envelope" ("seq", "rid", "site", "ctr", "op", "gen", "exp", "digest", '
           '"blob") VALUES (1, ?, ?, 1, ?, 1, ?, ?, ?)', "r" * 32, "EVSC-AAAA", "put",
           "2030-01-01", "d" * 64, b"sealed")
    db.run('INSERT INTO "tombstone" ("rid", "seq", "site", "erased_at") VALUES (?, 1, ?, 5)',
           "e" * 32, "EVSC-AAAA")
    db.run('INSERT INTO "keyring" ("gen", "issued", "entry") VALUES (1, ?, ?)',
           "2026-01-01T00:00:00Z", '{"gen": 1}')
    for code, revoked in (("EVSC-AAAA", None), ("LUED-BBBB", 7)):
        db.run('INSERT INTO "site" ("code", "serial", "issued", "certificate", "enrolled_at", '
               '"revoked_at", "high_ctr", "pushes", "pulls") VALUES (?, ?, ?, ?, 1, ?, 1, 1, 0)',
               code, code.lower()[:4] * 8, "2026-01-01T00:00:00Z",
               json.dumps({**OLD_CERT, "site": code}), revoked)
    db.run('UPDATE "counter" SET "value" = 1')
    return db


def test_upgrade_keeps_everything_serves_nothing_and_finishes(
        tmp_path: Path, url: str, old_tree: Path) -> None:
    db = old_database(tmp_path, url, old_tree)
    refused = cli(tmp_path, url, "status")
    assert refused.returncode == 1 and "predates office scopes" in refused.stderr

    sites = tmp_path / "sites.json"
    done = cli(tmp_path, url, "upgrade-scopes", "--sites-out", str(sites))
    assert done.returncode == 0, done.stderr
    assert "migrated to office scopes: 1 legacy envelopes and 1 tombstones" in done.stdout
    again = cli(tmp_path, url, "upgrade-scopes")
    assert again.returncode == 0 and "already migrated: 1 legacy envelopes" in again.stdout
    # only the unrevoked machine is handed to the admin for re-certification
    assert json.loads(sites.read_text()) == [OLD_CERT]

    assert db.run('SELECT "scope", "rid", "blob" FROM "envelope"')[0][:2] == ("legacy", "r" * 32)
    assert db.run('SELECT "scope", "rid" FROM "tombstone"') == [("legacy", "e" * 32)]
    assert db.run('SELECT "gen", "entry" FROM "legacy_keyring"') == [(1, '{"gen": 1}')]
    assert db.run('SELECT COUNT(*) FROM "scope_keyring"') == [(0,)]
    status = json.loads(cli(tmp_path, url, "status", "--json").stdout)
    assert status["key_generations"] == []  # the old generation is served to nobody
    assert status["scopes_upgrade"] == {"state": "pending", "legacy_envelopes": 1,
                                        "machines_waiting": ["EVSC-AAAA"]}

    waiting = cli(tmp_path, url, "upgrade-scopes", "--finish")
    assert waiting.returncode == 1 and "EVSC-AAAA" in waiting.stderr
    assert db.run('SELECT COUNT(*) FROM "envelope"') == [(1,)]
    assert cli(tmp_path, url, "upgrade-scopes", "--force").returncode == 2
    forced = cli(tmp_path, url, "upgrade-scopes", "--finish", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "1 legacy envelopes deleted" in forced.stdout
    assert db.run('SELECT COUNT(*) FROM "envelope"') == [(0,)]
    assert db.run('SELECT COUNT(*) FROM "tombstone"') == [(1,)]
    status = json.loads(cli(tmp_path, url, "status", "--json").stdout)
    assert status["scopes_upgrade"]["state"] == "finished"


def test_a_database_that_is_not_the_servers_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE visit (id TEXT)")
    con.commit()
    con.close()
    done = cli(tmp_path, f"sqlite:///{path}", "upgrade-scopes")
    assert done.returncode == 1
    assert "not a sync-server database" in done.stderr
    con = sqlite3.connect(path)
    assert [n for (n,) in con.execute("SELECT name FROM sqlite_master")] == ["visit"]
    con.close()
    missing = tmp_path / "missing.sqlite3"
    done = cli(tmp_path, f"sqlite:///{missing}", "upgrade-scopes")
    assert done.returncode == 1 and "no database at" in done.stderr
    assert not missing.exists()
