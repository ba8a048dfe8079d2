"""Restores from older backups: of the server (epoch change) and of a site (counter goes back).

Each runs on both server engines: SQLite restored as the runbook says (the file put back),
PostgreSQL from a copy of the database (a template copy stands in for dump and restore).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from kiosk.store.db import open_store
from kiosk.sync.errors import SiteRestored
from tests.e2e_sync.harness import Network, Server

PG = dict(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")


def _pg(sql: str) -> None:
    conn = psycopg2.connect(**PG)
    conn.autocommit = True
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path: Path,
           network: Network) -> Iterator[Server]:
    (tmp_path / "srv").mkdir()
    name = None
    if request.param == "postgres":
        name = "lw_restore_" + uuid.uuid4().hex[:10]
        _pg(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}" if name else None
    srv = Server(tmp_path / "srv", network.admin.root_line(), url=url).start()
    srv.pg_name = name
    yield srv
    srv.stop()
    if name:
        for db in (name, f"{name}_backup"):
            _pg(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        s, d = Path(str(src) + suffix), Path(str(dst) + suffix)
        if s.exists():
            shutil.copy2(s, d)
        else:
            d.unlink(missing_ok=True)


def _backup(server: Server, tmp_path: Path) -> None:
    """Last night's backup of the server's database (taken while it is stopped)."""
    server.stop()
    if server.pg_name:
        _pg(f'CREATE DATABASE "{server.pg_name}_backup" TEMPLATE "{server.pg_name}"')
    else:
        _copy(server.db, tmp_path / "backup.sqlite3")
    server.start()


def _restore(server: Server, tmp_path: Path, *, lose_state: bool = False) -> None:
    """Put the backup in place and start (no ``new-epoch``); the backup stays for next time."""
    server.stop()
    if server.pg_name:
        _pg(f'DROP DATABASE "{server.pg_name}" WITH (FORCE)')
        _pg(f'CREATE DATABASE "{server.pg_name}" TEMPLATE "{server.pg_name}_backup"')
    else:
        _copy(tmp_path / "backup.sqlite3", server.db)
    if lose_state:
        shutil.rmtree(server.root / "state")
    server.start()


def test_server_restored_from_an_older_backup_loses_nothing(make_site, server, tmp_path) -> None:
    a, b = make_site(), make_site()
    a.visits(10, seed=1)
    a.sync()
    b.sync()
    _backup(server, tmp_path)
    a.visits(7, seed=2)
    b.visits(5, seed=3)
    for site in (a, b, a):
        site.sync()
    _restore(server, tmp_path)  # last night's backup comes back
    reports = [site.sync() for site in (a, b, a, b)]
    assert reports[0].epoch_resets == 1
    c = make_site()
    c.sync()
    assert a.snapshot() == b.snapshot() == c.snapshot()
    assert len(c.snapshot()["visit"]) == 22


def test_site_restored_from_an_older_backup_recovers_with_reincarnate(make_site,
                                                                      tmp_path) -> None:
    a, b = make_site(), make_site()
    a.visits(5, seed=1)
    a.sync()
    a.close()
    _copy(a.path, tmp_path / "a-backup.db")
    a.store = open_store(a.path)
    a.visits(4, seed=2)  # written after the backup: only the server keeps them
    a.sync()
    b.visits(3, seed=3)
    b.sync()
    a.close()
    _copy(tmp_path / "a-backup.db", a.path)
    a.store = open_store(a.path)
    a.visits(2, seed=4)  # new work on the restored machine
    with pytest.raises(SiteRestored) as err:
        a.sync()
    assert err.value.exit_code == 8
    a.sync(reincarnate=True)
    b.sync()
    a.sync()
    assert a.snapshot() == b.snapshot()
    assert len(a.snapshot()["visit"]) == 14
    assert a.scalar("SELECT COUNT(*) FROM outbox") == 0


def test_the_same_backup_restored_twice_loses_no_acknowledged_check_in(make_site, server,
                                                                        tmp_path) -> None:
    a, c = make_site(), make_site()
    a.visits(4, seed=1)
    c.visits(2, seed=2)
    for site in (a, c, a):
        site.sync()
    _backup(server, tmp_path)
    a.visits(3, seed=3)
    a.sync()
    c.visits(2, seed=4)  # acknowledged, then lost with both restores; no other site has them
    c.sync()
    _restore(server, tmp_path)
    assert a.sync().epoch_resets == 1  # the first restore: c does not sync meanwhile
    _restore(server, tmp_path)  # the same copy, put back once more
    assert "new epoch" in server.log.read_text().split("new epoch", 1)[1]
    c.visits(1, seed=5)  # c's own push would lift the server's mark back over its loss
    for site in (c, a, c, a):
        site.sync()
    d = make_site()
    d.sync()
    assert len(d.snapshot()["visit"]) == 12
    assert a.snapshot() == c.snapshot() == d.snapshot()


def test_a_site_finds_before_pushing_that_the_server_lost_its_pushes(make_site, server,
                                                                      tmp_path) -> None:
    a = make_site()
    a.visits(3, seed=1)
    a.sync()
    _backup(server, tmp_path)
    a.visits(2, seed=2)
    a.sync()
    # restored with its state directory lost and no `new-epoch`: the server cannot tell
    _restore(server, tmp_path, lose_state=True)
    a.visits(1, seed=3)
    assert a.sync().epoch_resets == 1
    c = make_site()
    c.sync()
    assert len(c.snapshot()["visit"]) == 6
    assert a.snapshot() == c.snapshot()


CANARY = "Kanarienvogel Zyxwanda"


def _holds(site, text: str) -> bool:
    """Whether ``text`` is anywhere in the site's store files, its WAL included."""
    blobs = b"".join(Path(f"{site.path}{s}").read_bytes() for s in ("", "-wal")
                     if Path(f"{site.path}{s}").exists())
    return text.encode() in blobs


def test_an_erasure_holds_through_a_server_restored_from_before_it(make_site, server,
                                                                   tmp_path) -> None:
    from kiosk.store.models import Visit

    a, b = make_site(), make_site()
    a.visits(2, seed=1)
    gone = a.put(Visit, None, {
        "site": a.store.site, "location": a.store.location, "day": "2026-11-24",
        "prefix": "A", "seq": 9, "ticket": "A-009", "language": "ar",
        "checked_in_at": 1_700_000_000_000, "first_name": CANARY})
    a.sync()
    b.sync()
    _backup(server, tmp_path)  # the backup still holds the visit
    a.erase(Visit, gone)  # GDPR Art. 17, after the backup
    a.sync()
    b.sync()
    assert not _holds(a, CANARY) and not _holds(b, CANARY)
    _restore(server, tmp_path)
    c = make_site()  # a new machine of the office, enrolled after the restore
    for site in (c, a, b, c, a, b, c):
        site.sync()
    for site in (a, b, c):
        assert site.scalar("SELECT COUNT(*) FROM visit WHERE id = ?", gone) == 0
        assert len(site.snapshot()["visit"]) == 2
        assert not _holds(site, CANARY)
    d = make_site()  # and one enrolled once everything has synced never sees it at all
    d.sync()
    assert not _holds(d, CANARY) and len(d.snapshot()["visit"]) == 2


def test_a_site_that_only_ever_saw_the_erasure_re_pushes_it_after_a_restore(
        make_site, server, tmp_path) -> None:
    from kiosk.store.models import Visit

    a = make_site()
    a.visits(1, seed=1)
    gone = a.put(Visit, None, {
        "site": a.store.site, "location": a.store.location, "day": "2026-11-24",
        "prefix": "A", "seq": 9, "ticket": "A-009", "language": "ar",
        "checked_in_at": 1_700_000_000_000, "first_name": CANARY})
    a.sync()
    c = make_site()  # enrolled, but first syncs after the erasure: marker only, no visit
    _backup(server, tmp_path)  # the backup still holds the visit
    a.erase(Visit, gone)
    a.sync()
    c.sync()
    assert c.scalar("SELECT COUNT(*) FROM sync_record WHERE erased = 1 AND record IS NULL") == 1
    a.close()  # the machine that erased it is gone (stolen, broken) before the restore
    _restore(server, tmp_path)
    c.sync()
    d = make_site()
    d.sync()
    assert d.scalar("SELECT COUNT(*) FROM visit WHERE id = ?", gone) == 0
    assert not _holds(d, CANARY) and len(d.snapshot()["visit"]) == 1
