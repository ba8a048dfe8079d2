"""The processes of one office for the multi-process test: visitor check-ins, staff consoles
running the console's own call path, and the real board app headless.

Usage (each writes a JSON result to OUT):
    python -m tests.e2e_office.office_procs checkin DB OUT N DONE_FILE
    python -m tests.e2e_office.office_procs console DB OUT STAFF_ID DONE_FILE
    python -m tests.e2e_office.office_procs board DB OUT STOP_FILE
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from pathlib import Path

from kiosk.context import open_context
from kiosk.staffing.console import Console, Staffing
from kiosk.staffing.watch import POLL_SECONDS, ChangeWatcher

#: How long a console keeps a visitor "called" before finishing (the board must see it).
HOLD_SECONDS = 0.4
LANGUAGES = ["de", "ar", "fa", "en", "fr", "ar", "fa", "ti"]
CONCERNS = ["post", "jobcenter", "wohnen", "familie", "aufenthalt"]


def checkin(db: str, out: str, n: int, done_file: str) -> None:
    ctx = open_context(None, db)
    rng = random.Random(7)
    rows = []
    for _ in range(n):
        t = ctx.queue.check_in([rng.choice(CONCERNS)], rng.choice(LANGUAGES),
                               first_name=rng.choice([None, "Zerbinetta"]))
        rows.append({"ticket": t.ticket, "id": t.visit_id, "at": time.time()})
        time.sleep(rng.uniform(0.005, 0.05))
    Path(out).write_text(json.dumps(rows))
    Path(done_file).write_text("done")


def console(db: str, out: str, staff_id: str, done_file: str) -> None:
    ctx = open_context(None, db)
    staffing = Staffing(ctx)
    me = Console(staffing, staffing.directory.get(staff_id))
    me.sign_on()
    watcher = ChangeWatcher(ctx.store.db)
    seen: dict[str, float] = {}
    calls: list[dict] = []
    current = None
    called_at = 0.0
    reloads = 0
    while True:
        if watcher.changed():  # exactly what the console's watch worker does
            snap = me.snapshot()
            reloads += 1
            now = time.time()
            for row in snap.waiting:
                seen.setdefault(row.visit.ticket, now)
        if current is not None and time.monotonic() - called_at >= HOLD_SECONDS:
            me.start(current.id)
            me.finish(current.id, "resolved")
            current = None
        if current is None:
            current = me.call_next()
            if current is not None:
                called_at = time.monotonic()
                calls.append({"ticket": current.ticket, "id": current.id})
            elif Path(done_file).exists() and not ctx.queue.waiting():
                break
        time.sleep(POLL_SECONDS)
    me.sign_off()
    Path(out).write_text(json.dumps({"seen": seen, "calls": calls, "reloads": reloads}))


def board(db: str, out: str, stop_file: str) -> None:
    from kiosk.ui.board.app import make_board_app

    ctx = open_context(None, db)
    shown: set[tuple[str, int]] = set()
    app = make_board_app(ctx, poll_seconds=0.1,
                         on_show=lambda lines: shown.update((x.ticket, x.called_at)
                                                            for x in lines))

    def stop_when_asked() -> None:
        while not Path(stop_file).exists():
            time.sleep(0.2)
        app.call_from_thread(app.exit)

    threading.Thread(target=stop_when_asked, daemon=True).start()
    app.run(headless=True)
    Path(out).write_text(json.dumps({"shown": sorted(shown), "bells": app.bells}))


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "checkin":
        checkin(args[0], args[1], int(args[2]), args[3])
    elif mode == "console":
        console(*args)
    elif mode == "board":
        board(*args)
    else:
        raise SystemExit(f"unknown mode {mode}")
