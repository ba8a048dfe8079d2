"""Call next with 50 waiting, as history grows: median latency per history size.

Run: .venv/bin/python bench/bench_call_next.py [--sizes 10000,100000] [--rounds 5]
Floor: one indexed primary-key SELECT on the same store, in the same run.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import median_ms, scratch_dir, timed
from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.demo.seed import demo_visits, insert_visits
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from kiosk.store.models import Visit

WAITING = 50


def measure(size: int, rounds: int) -> tuple[float, float]:
    config = load_config(DEFAULT_CONFIG)
    store = init_store(scratch_dir() / "kiosk.db", "EVSC", "EVSC-EV")
    ctx = make_context(config, store)
    insert_visits(store, demo_visits(config, store, size, end=ctx.queue.now().date(),
                                     rng=random.Random(1), per_day=max(60, size // 1500)),
                  batch=5000)
    ids = [ctx.queue.check_in(["post"], ["de", "ar", "fa"][i % 3], enforce_hours=False).visit_id
           for i in range(WAITING)]
    samples: list[float] = []
    for _ in range(rounds):
        samples += timed(lambda: ctx.queue.call_next("s1", "1", ["fa", "de"]), WAITING)
        Visit.update(status="queued", call_count=0).where(Visit.id.in_(ids)).execute()
    floor = timed(lambda: Visit.get_by_id(ids[0]), 200)
    store.close()
    return median_ms(samples), median_ms(floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        call, floor = measure(size, args.rounds)
        print(f"history {size:>9,}: call_next median {call:6.2f} ms  "
              f"(pk lookup floor {floor:5.3f} ms, ratio {call / floor:5.1f}x; goal < 5 ms)")


if __name__ == "__main__":
    main()
