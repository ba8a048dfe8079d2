"""Cold start of the visitor terminal to its first interactive screen, vs a bare Textual app.

Both are started the same way in the same run: a fresh Python process that builds the app,
runs it headless and reports when the first screen is up and idle (then exits). The kiosk
side goes through `kiosk.cli.main(["--db", DB, "visitor"])`, as `kiosk visitor` does, so
what the command line imports counts too. The figure is
the ratio of medians; goal ≤ 1.5×.

    .venv/bin/python bench/bench_visitor_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = "--child"


def child(kind: str, db: str) -> None:
    """Run one app until its first screen is idle, then print the wall-clock time."""
    async def ready(pilot) -> None:
        await pilot.pause()
        print(f"READY {time.time():.6f}", flush=True)
        pilot.app.exit()

    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Label

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Label("hello")

        Bare().run(headless=True, size=(100, 32), auto_pilot=ready)
    else:
        # The real command line (`kiosk --db DB visitor`: argument parsing, every subcommand
        # registered, config and store opened), with only `run()` made headless.
        from textual.app import App

        import kiosk.cli

        run = App.run
        App.run = lambda self, **_: run(self, headless=True, size=(100, 32),  # type: ignore
                                        auto_pilot=ready)
        kiosk.cli.main(["--db", db, "visitor"])

def once(kind: str, db: str) -> float:
    start = time.time()
    out = subprocess.run([sys.executable, __file__, CHILD, kind, db], capture_output=True,
                         text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("READY "))
    return float(line.split()[1]) - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from kiosk.store.db import init_store

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        init_store(db, "EVSC", "EVSC-EV").close()
        once("bare", db), once("visitor", db)  # warm the OS file cache for both
        bare, visitor = [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            bare.append(once("bare", db))
            visitor.append(once("visitor", db))
    b, v = statistics.median(bare), statistics.median(visitor)
    print(f"bare Textual app   median {b * 1000:7.1f} ms  (runs: {args.runs})")
    print(f"kiosk visitor      median {v * 1000:7.1f} ms")
    print(f"ratio visitor/bare {v / b:7.2f}x   (goal <= 1.5x)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == CHILD:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
