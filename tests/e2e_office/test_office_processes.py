"""One office as separate processes on one store: a check-in process, three staff consoles
and the board, under a scripted load. Nobody is called twice, nobody is lost, the board shows
every call; the time until a console sees another process's check-in is measured and printed.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.queue.states import State
from kiosk.staffing.console import Staffing
from kiosk.store.models import AuditEntry, Visit
from tests.conftest import PYTHON
from tests.processes import spawn

N_VISITORS = 240
STAFF = {"amira": ["de", "ar"], "reza": ["de", "fa"], "lea": ["de", "en", "fr"]}
ROOT = Path(__file__).resolve().parents[2]


def _spawn(*args: str) -> subprocess.Popen:
    return spawn([PYTHON, "-m", "tests.e2e_office.office_procs", *args], cwd=ROOT,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_office_under_load(config, store_path, tmp_path):
    from kiosk.context import open_context

    setup = open_context(None, store_path)
    staffing = Staffing(setup)
    for name, languages in STAFF.items():
        staffing.directory.add(name, languages, "1234")
    setup.close()

    db, done, stop = str(store_path), str(tmp_path / "done"), str(tmp_path / "stop")
    board = _spawn("board", db, str(tmp_path / "board.json"), stop)
    consoles = [_spawn("console", db, str(tmp_path / f"{s}.json"), s, done) for s in STAFF]
    time.sleep(1.0)  # consoles and board are up before the first visitor
    visitor = _spawn("checkin", db, str(tmp_path / "checkins.json"), str(N_VISITORS), done)
    for proc in [visitor, *consoles]:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
    time.sleep(0.5)
    Path(stop).write_text("stop")
    _, err = board.communicate(timeout=60)
    assert board.returncode == 0, err[-2000:]

    checkins = json.loads((tmp_path / "checkins.json").read_text())
    results = {s: json.loads((tmp_path / f"{s}.json").read_text()) for s in STAFF}
    shown = {tuple(x) for x in json.loads((tmp_path / "board.json").read_text())["shown"]}

    ctx = open_context(None, store_path)
    try:
        visits = list(Visit.select())
        call_audits = list(AuditEntry.select().where(AuditEntry.action == "call"))
    finally:
        ctx.close()

    # none lost: every check-in is there, finished, with a unique ticket
    assert len(checkins) == N_VISITORS == len(visits)
    assert len({v.ticket for v in visits}) == N_VISITORS
    assert all(v.status == State.FINISHED for v in visits)
    # nobody called twice: one call per visit, by exactly one console
    called = [c["id"] for r in results.values() for c in r["calls"]]
    assert sorted(called) == sorted(v.id for v in visits)
    assert sorted(a.record for a in call_audits) == sorted(called)
    assert all(v.call_count == 1 for v in visits)
    # the board showed every call (ticket and the moment it was called)
    assert {(v.ticket, v.called_at) for v in visits} <= shown
    # how quickly consoles saw another process's check-in
    at = {c["ticket"]: c["at"] for c in checkins}
    lags = sorted(seen - at[t] for r in results.values() for t, seen in r["seen"].items())
    assert lags and all(lag > -0.05 for lag in lags)  # seen only after it happened
    figures = {
        "visitors": N_VISITORS, "observations": len(lags),
        "median_s": round(statistics.median(lags), 3),
        "p95_s": round(lags[int(0.95 * (len(lags) - 1))], 3), "max_s": round(lags[-1], 3),
        "calls_per_console": {s: len(r["calls"]) for s, r in results.items()},
    }
    print("\nconsole sees another process's check-in after:", json.dumps(figures))
