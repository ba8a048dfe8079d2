"""Visitors' rights and retention across two machines of an office and a real server.

A visit past retention is redacted where a machine starts and reaches the other machine by
sync, with its figures unchanged; a machine that was offline past retention redacts before
it shows anything; an erasure from the command line leaves no copy of the name in any file
of either machine or in the server's database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import psycopg2

from kiosk.context import make_context
from kiosk.stats.publish import stats_id
from kiosk.store.models import Appointment, DailyStats, Visit
from kiosk.ui.board.app import make_board_app
from tests.conftest import BERLIN, KIOSK, FakeClock
from tests.e2e_store.canaries import leaks
from tests.e2e_sync.harness import Server, Site
from tests.e2e_sync.test_restores import server  # noqa: F401  (SQLite and PostgreSQL)
from tests.privacy.people import CANARY, OTHER, appointment, visit

PG = dict(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")


def _pg(sql: str, dbname: str = "postgres") -> list[tuple]:
    conn = psycopg2.connect(**{**PG, "dbname": dbname})
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def _start(site: Site, now: dt.datetime) -> None:
    """What every app does when it starts (here the board's factory, without running it)."""
    site.activate()
    make_board_app(make_context(site.config, site.store, now=FakeClock(now)))


def _sync_all(*sites: Site) -> None:
    for _ in range(2):
        for site in sites:
            report = site.sync()
            assert report.quarantined == 0, report.notes


def _old_visit(site: Site, now: dt.datetime, days: int) -> tuple[str, str]:
    day = now.date() - dt.timedelta(days=days)
    return visit(site.activate(), day, "A-001", CANARY, note=f"{CANARY} Mietvertrag"), \
        day.isoformat()


def _figures(site: Site, day: str) -> dict:
    site.activate()
    row = DailyStats.get_by_id(stats_id(site.office, day))
    return {n: getattr(row, n) for n in DailyStats.SYNCED_FIELDS}


def test_redaction_at_start_reaches_the_other_machine_and_keeps_the_figures(make_site):
    a1, a2 = make_site(), make_site()
    now = dt.datetime.now(BERLIN)
    # on its last day of retention: the server still takes and serves it (it purges and
    # refuses what is past expiry), so both machines hold it
    old, day = _old_visit(a1, now, a1.config.retention_days)
    fresh = visit(a1.activate(), now.date(), "A-001", OTHER)
    _sync_all(a1, a2)
    a2.activate()
    assert Visit.get_by_id(old).first_name == CANARY  # a2 holds it, as a1 does
    figures = _figures(a1, day)
    assert _figures(a2, day) == figures

    later = now + dt.timedelta(days=1)  # a1 starts the next morning
    _start(a1, later)
    a1.activate()
    assert Visit.get_by_id(old).first_name is None
    _sync_all(a1, a2)

    a2.activate()
    v = Visit.get_by_id(old)
    assert (v.first_name, v.note) == (None, None)
    assert (v.day, v.language, v.concerns, v.outcome, v.referral) == \
        (day, "ar", ["wohnen", "post"], "referred", "migrado")
    assert Visit.get_by_id(fresh).first_name == OTHER
    assert a1.snapshot()["visit"] == a2.snapshot()["visit"]
    assert _figures(a1, day) == _figures(a2, day) == figures
    # the daily run (the timer's command) leaves no copy of the name in a2's files either
    done = subprocess.run([KIOSK, "--db", str(a2.path), "privacy", "redact"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "redacted: 0 visits" in done.stdout, done.stderr
    for site in (a1, a2):
        assert _files_leak(site, CANARY) == {}, site.writer
    # a2 starts too: nothing left to redact, nothing written
    changes = a2.scalar("SELECT COUNT(*) FROM outbox")
    _start(a2, later)
    assert a2.scalar("SELECT COUNT(*) FROM outbox") == changes == 0


def test_a_machine_offline_past_retention_redacts_before_it_shows_anything(make_site):
    a1, a2 = make_site(), make_site()
    now = dt.datetime.now(BERLIN)
    today = visit(a1.activate(), now.date(), "A-007", CANARY)
    _sync_all(a1, a2)
    # a2 is switched off for four months; at its first start the visit is past retention
    later = now + dt.timedelta(days=a2.config.retention_days + 30)
    a2.activate()
    app = make_board_app(make_context(a2.config, a2.store, now=FakeClock(later)))
    assert app is not None and Visit.get_by_id(today).first_name is None
    _sync_all(a2, a1)
    a1.activate()
    assert Visit.get_by_id(today).first_name is None


def _server_leaks(server: Server, name: str) -> dict[str, list[str]]:  # noqa: F811
    """Forms of ``name`` in the server's database: every file of the SQLite database, or
    every value of every table of the PostgreSQL one (bytea columns as raw bytes)."""
    out: dict[str, list[str]] = {}
    if server.pg_name:
        tables = [r[0] for r in _pg("SELECT tablename FROM pg_tables WHERE schemaname = "
                                    "'public'", server.pg_name)]
        for table in tables:
            parts = []
            for row in _pg(f'SELECT * FROM "{table}"', server.pg_name):
                for value in row:
                    parts.append(bytes(value) if isinstance(value, memoryview | bytes)
                                 else str(value).encode())
            kinds = leaks(b"\n".join(parts), name)
            if kinds:
                out[table] = kinds
        return out
    for f in server.root.glob("server.sqlite3*"):
        kinds = leaks(f.read_bytes(), name)
        if kinds:
            out[f.name] = kinds
    return out


def _files_leak(site: Site, name: str) -> dict[str, list[str]]:
    out = {}
    for f in Path(site.path).parent.glob(Path(site.path).name + "*"):
        kinds = leaks(f.read_bytes(), name)
        if kinds:
            out[f.name] = kinds
    return out


def test_an_erasure_from_the_command_line_leaves_no_trace_anywhere(tmp_path, network,
                                                                 server, config):  # noqa: F811
    a1 = Site(tmp_path, "EVSC", network, server, config)
    a2 = Site(tmp_path, "EVSC", network, server, config)
    try:
        now = dt.datetime.now(BERLIN)
        starts = now.replace(hour=8, minute=0, second=0, microsecond=0)
        appt = appointment(a1.activate(), starts, CANARY, "KXM-447")
        first = visit(a1.activate(), now.date(), "T-001", CANARY, appointment=appt)
        kept = visit(a1.activate(), now.date(), "A-002", OTHER)
        _sync_all(a1, a2)
        a2.activate()
        assert Visit.get_by_id(first).first_name == CANARY

        a2.close()  # the console machine's staff erase from the command line
        done = subprocess.run([KIOSK, "--db", str(a2.path), "privacy", "erase", "--name",
                               CANARY.upper(), "--reason", "request", "--yes"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "erased 1 visit(s) and 1 appointment(s)" in done.stdout
        assert CANARY.lower() not in (done.stdout + done.stderr).lower()
        from kiosk.store.db import open_store

        a2.store = open_store(a2.path)
        _sync_all(a2, a1)

        for site in (a1, a2):
            site.activate()
            assert Visit.get_or_none(Visit.id == first) is None
            assert Appointment.get_or_none(Appointment.id == appt) is None
            assert Visit.get_by_id(kept).first_name == OTHER
        assert a1.snapshot() == a2.snapshot()
        for site in (a1, a2):
            assert _files_leak(site, CANARY) == {}, site.writer
            assert _files_leak(site, OTHER) != {}  # the search does find a name that stays
        assert _server_leaks(server, CANARY) == {}
    finally:
        a1.close()
        a2.close()
