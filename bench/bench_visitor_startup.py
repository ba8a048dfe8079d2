"""Cold start of the visitor terminal to its first interactive screen, vs a bare Textual app.

Both are started the same way in the same run: a fresh Python process that builds the app,
runs it headless and reports when the first screen is up and idle (then exits). The kiosk
side goes through `kiosk.cli.main(["--db", DB, "visitor"])`, as `kiosk visitor` does, so
what the command line imports counts too.

Installed programs run from compiled bytecode (pip writes `.pyc` files at install time), but
a checkout run with PYTHONDONTWRITEBYTECODE=1 recompiles every kiosk module at every start,
while Textual's come precompiled from site-packages. So by default both children get a
private bytecode cache (PYTHONPYCACHEPREFIX in the temporary directory, filled by the
warm-up run); `--no-bytecode-cache` measures the checkout as it runs here instead (kiosk
compiled at every start, Textual from its installed `.pyc` files). The figure is
the ratio of medians; goal ≤ 1.5×.

    .venv/bin/python bench/bench_visitor_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
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
        print(f"READY {time.time():.6f} {time.process_time():.6f}", flush=True)
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

def once(kind: str, db: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds from spawning the process to its first idle screen, and the CPU
    seconds the process had used by then (less sensitive to other load on the machine)."""
    start = time.time()
    out = subprocess.run([sys.executable, __file__, CHILD, kind, db], capture_output=True,
                         text=True, check=True, env=env).stdout
    line = next(x for x in out.splitlines() if x.startswith("READY "))
    _, ready, cpu = line.split()
    return float(ready) - start, float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile every module from source at every start (as with "
                             "PYTHONDONTWRITEBYTECODE=1 in a checkout)")
    args = parser.parse_args()
    from kiosk.store.db import init_store

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        init_store(db, "EVSC", "EVSC-EV").close()
        env = dict(os.environ)
        if args.no_bytecode_cache:  # site-packages keep their .pyc files, the checkout has none
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        once("bare", db, env), once("visitor", db, env)  # warm file and bytecode caches
        bare, visitor = [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            bare.append(once("bare", db, env))
            visitor.append(once("visitor", db, env))
    b, v = (statistics.median(t for t, _ in bare), statistics.median(t for t, _ in visitor))
    bc, vc = (statistics.median(c for _, c in bare), statistics.median(c for _, c in visitor))
    print(f"bare Textual app   median {b * 1000:7.1f} ms wall  {bc * 1000:7.1f} ms CPU  "
          f"(runs: {args.runs})")
    print(f"kiosk visitor      median {v * 1000:7.1f} ms wall  {vc * 1000:7.1f} ms CPU")
    print(f"ratio visitor/bare {v / b:7.2f}x wall    {vc / bc:5.2f}x CPU   (goal <= 1.5x)  "
          f"[{'no ' if args.no_bytecode_cache else ''}bytecode cache]")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == CHILD:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
