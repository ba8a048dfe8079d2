"""A separate process working on a shared store; prints one line per acknowledged action.

Usage: python worker.py DB checkin N  |  python worker.py DB callnext STAFF [GO_FILE]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import open_store


def main() -> None:
    db, job = sys.argv[1], sys.argv[2]
    ctx = make_context(load_config(DEFAULT_CONFIG), open_store(db))
    print("ready", flush=True)
    if job == "checkin":
        for i in range(int(sys.argv[3])):
            ticket = ctx.queue.check_in([], ["de", "ar", "fa"][i % 3], enforce_hours=False)
            print(ticket.ticket, flush=True)
    elif job == "callnext":
        staff = sys.argv[3]
        go = Path(sys.argv[4]) if len(sys.argv) > 4 else None
        while go is not None and not go.exists():  # start together with the other console
            time.sleep(0.005)
        while (visit := ctx.queue.call_next(staff, staff, ["de"])) is not None:
            print(visit.id, flush=True)
            # A console does something between two calls; without any pause, SQLite's
            # busy handler lets one process re-take the lock until the queue is empty.
            time.sleep(0.003)
    ctx.close()


if __name__ == "__main__":
    main()
