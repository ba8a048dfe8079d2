"""Check-in commit: our whole check-in path vs a raw sqlite3 insert+commit, same pragmas.

Run: .venv/bin/python bench/bench_checkin.py [--n 300]
Both write to the same disk in the same run, so the ratio is what matters: the floor is
one fsync'd single-row commit in WAL with synchronous=FULL.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import median_ms, scratch_dir, timed
from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store


def raw_floor(path: Path, n: int) -> list[float]:
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=FULL", "foreign_keys=1",
                   "busy_timeout=15000"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("CREATE TABLE visit (id TEXT PRIMARY KEY, ticket TEXT, language TEXT,"
                " concerns TEXT, checked_in_at INTEGER)")
    counter = iter(range(10**9))

    def one() -> None:
        i = next(counter)
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO visit VALUES (?, ?, ?, ?, ?)",
                    (f"{i:032x}", f"A-{i:03d}", "fa", '["post"]', i))
        con.execute("COMMIT")

    return timed(one, n)


def ours(path: Path, n: int) -> tuple[list[float], list[float]]:
    """(commit only, commit + the ticket screen's place and estimate)."""
    store = init_store(path, "EVSC", "EVSC-EV")
    ctx = make_context(load_config(DEFAULT_CONFIG), store)
    commit = timed(lambda: ctx.queue.commit_check_in(["post"], "fa", enforce_hours=False), n)
    full = timed(lambda: ctx.queue.check_in(["post"], "fa", enforce_hours=False), n)
    return commit, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    work = scratch_dir()
    raw = raw_floor(work / "raw.db", args.n)
    commit, full = ours(work / "kiosk.db", args.n)
    raw_ms, commit_ms, full_ms = median_ms(raw), median_ms(commit), median_ms(full)
    print(f"raw sqlite3 insert+commit        : median {raw_ms:7.3f} ms  (n={args.n})")
    print(f"kiosk check-in commit            : median {commit_ms:7.3f} ms  "
          f"ratio {commit_ms / raw_ms:5.2f}x  (goal <= 2x)")
    print(f"check-in + place + wait estimate : median {full_ms:7.3f} ms  "
          f"ratio {full_ms / raw_ms:5.2f}x")


if __name__ == "__main__":
    main()
