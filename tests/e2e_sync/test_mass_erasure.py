"""A stolen terminal that erases its office's records in one sync is held at every other
machine until an admin decides; retention's erasure of old records is never held."""

from __future__ import annotations

import json
import subprocess

from kiosk.store.models import Visit
from kiosk.sync.apply import erase_record
from kiosk.sync.erasure_hold import holds
from kiosk.sync.state import CURSOR, set_int
from tests.e2e_sync.harness import BIN, Site

DAY_MS = 86_400_000


def erase_all(site: Site, ids: list[str]) -> None:
    with site.writing() as w:
        for record_id in ids:
            erase_record(w, Visit, record_id)


def visits_left(site: Site) -> int:
    return site.scalar("SELECT COUNT(*) FROM visit")


def erasures(site: Site, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "kiosk"), "--db", str(site.path), "erasures", *args],
                          capture_output=True, text=True, timeout=120)


def test_a_stolen_terminal_erasing_4000_records_is_held_then_released_or_rejected(
        make_site) -> None:
    stolen, desk, board = make_site(), make_site(), make_site()
    ids = stolen.visits(4000)
    stolen.sync()
    desk.sync()
    board.sync()
    assert visits_left(desk) == visits_left(board) == 4000
    erase_all(stolen, ids)  # one sync of the thief
    stolen.sync()

    report = desk.sync()
    assert report.held == 4000 and any("kiosk erasures list" in n for n in report.notes)
    assert visits_left(desk) == 4000  # the records stay
    board.sync()
    assert visits_left(board) == 4000
    listed = json.loads(erasures(desk, "list", "--json").stdout)
    assert [(h["writer"], h["state"], h["count"], h["pending"]) for h in listed] == [
        (stolen.writer, "held", 4000, 4000)]
    day = listed[0]["day"]
    names = erasures(desk, "list").stdout
    assert stolen.writer in names and "Fatima" not in names  # no content shown

    # the admin decides: without confirmation nothing happens
    unconfirmed = erasures(desk, "release", stolen.writer, day)
    assert unconfirmed.returncode == 2 and visits_left(desk) == 4000
    assert erasures(desk, "release", "EVSC-0000", day, "--yes").returncode == 5
    done = erasures(desk, "release", stolen.writer, day, "--yes")
    assert done.returncode == 0, done.stderr
    assert visits_left(desk) == 0 and holds(desk.activate()) == []

    done = erasures(board, "reject", stolen.writer, day, "--yes")
    assert done.returncode == 0, done.stderr
    assert visits_left(board) == 4000
    with board.activate().db.atomic():  # pulled again from the start: still kept, not held
        set_int(board.store, CURSOR, 0)
    again = board.sync()
    assert again.held == 0 and visits_left(board) == 4000 and holds(board.activate()) == []


def test_erasing_records_older_than_retention_is_not_held(make_site, config) -> None:
    old, other = make_site(), make_site()
    old.skew_ms = -(config.retention_days + 10) * DAY_MS  # written long ago
    ids = old.visits(60)
    old.sync()
    other.sync()
    assert visits_left(other) == 60
    old.skew_ms = 0
    erase_all(old, ids)  # 60 > 50, but all older than retention
    old.sync()
    report = other.sync()
    assert report.held == 0 and visits_left(other) == 0
    assert holds(other.activate(), all_states=True) == []
