"""Console refresh at scale: 200 waiting, 100,000 visits in history.

Measures (not a test):
1. the time from a check-in committed by another process to the real staff console app
   showing it (goal < 1 s), next to the floor: one `Console.snapshot()` read;
2. the CPU an idle, signed-in console uses (goal < 2 % of one core).

Run: .venv/bin/python bench/bench_console_refresh.py [--db existing.db] [--samples 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.context import open_context
from kiosk.staffing.console import Console, Staffing
from kiosk.ui.staff.app import make_staff_app

KIOSK = str(Path(sys.executable).with_name("kiosk"))
CHECKER = """
import json, sys, time
from kiosk.context import open_context
ctx = open_context(None, sys.argv[1])
for line in sys.stdin:
    t = ctx.queue.check_in(["post"], "fa", enforce_hours=False)
    print(json.dumps({"ticket": t.ticket, "at": time.time()}), flush=True)
"""


def prepare(db: Path) -> None:
    subprocess.run([KIOSK, "--db", str(db), "init", "--site", "EVSC", "--location", "EVSC-EV"],
                   check=True, stdout=subprocess.DEVNULL)
    print("seeding 100,000 past visits and 200 waiting (about a minute) …", flush=True)
    subprocess.run([KIOSK, "--db", str(db), "seed", "--visits", "100000", "--waiting", "200"],
                   check=True, stdout=subprocess.DEVNULL)


async def measure(db: Path, samples: int, idle_seconds: float) -> dict:
    ctx = open_context(None, db)
    staffing = Staffing(ctx)
    if not staffing.directory.list():
        staffing.directory.add("Bench", ["de", "fa"], "1234", desk="1")
    profile = staffing.directory.list()[0]
    floor = []
    for _ in range(5):
        t0 = time.perf_counter()
        snap = Console(staffing, profile).snapshot()
        floor.append(time.perf_counter() - t0)
    waiting = len(snap.waiting)
    ctx.store.close()

    app = make_staff_app(ctx)
    checker = subprocess.Popen([sys.executable, "-c", CHECKER, str(db)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    lags = []
    async with app.run_test(size=(150, 40)) as pilot:
        app.session = Console(staffing, profile)
        app.on_sign_in_screen_signed_in(type("E", (), {"profile": profile})())
        while not (app.screen.id == "queue-screen" and app.screen.loads):
            await pilot.pause(0.05)
        for _ in range(samples):
            await pilot.pause(0.7)
            checker.stdin.write("go\n")
            checker.stdin.flush()
            row = json.loads(await asyncio.to_thread(checker.stdout.readline))
            while not any(r.visit.ticket == row["ticket"] for r in app.screen.snapshot.waiting):
                await pilot.pause(0.01)
            lags.append(time.time() - row["at"])
        await pilot.pause(2.0)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await pilot.pause(idle_seconds)
        cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    checker.stdin.close()
    checker.wait()
    ctx.close()
    lags.sort()
    return {
        "waiting": waiting, "history": 100_000,
        "refresh_median_s": round(statistics.median(lags), 3),
        "refresh_max_s": round(lags[-1], 3),
        "floor_snapshot_read_s": round(statistics.median(floor), 3),
        "ratio_median_to_floor": round(statistics.median(lags) / statistics.median(floor), 1),
        "idle_cpu_percent_of_core": round(100 * cpu, 2),
        "goals": "refresh < 1 s, idle CPU < 2 %",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing seeded store (else one is made)")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--idle", type=float, default=20.0, help="idle seconds for CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "bench.db"
        if not args.db:
            prepare(db)
        print(json.dumps(asyncio.run(measure(db, args.samples, args.idle)), indent=1))


if __name__ == "__main__":
    main()
