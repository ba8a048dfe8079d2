"""The city's report and the figures screen's data: five years of a network in one store.

Run: .venv/bin/python bench/bench_report.py [--own-visits 30000] [--years 5]
One office's store holds its own visits and six other offices' published daily figures
(the network scope). Timed: `collect` (what the figures screen loads) and the report's rows
as CSV and as xlsx, for the last year and for all years. The floor is the least any report
must do in the same run: a raw sqlite3 SELECT of the same daily figures with their JSON
columns decoded, and of the own visits' fact columns.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import median_ms, scratch_dir, timed
from kiosk.config import load_config
from kiosk.context import make_context
from kiosk.demo.seed import demo_visits, insert_visits
from kiosk.paths import DEFAULT_CONFIG
from kiosk.stats.aggregates import VisitFacts, day_figures
from kiosk.stats.figures import collect
from kiosk.stats.publish import stats_id
from kiosk.stats.report import csv_bytes, report_rows, xlsx_bytes
from kiosk.store.db import init_store
from kiosk.store.models import DailyStats

OTHERS = ("BRAP", "MEHU", "HOHO", "LUED", "INWO", "INNO")
LANGS = ("ar", "fa", "de", "uk", "tr", "ru", "en", "fr", "ti", "ku")


def build(path: Path, own_visits: int, years: int, end: dt.date) -> None:
    config = load_config(DEFAULT_CONFIG)
    store = init_store(path, "EVSC", "EVSC-EV")
    ctx = make_context(config, store)
    rng = random.Random(7)
    insert_visits(store, demo_visits(config, store, own_visits, end=end, rng=rng))
    concerns = [c.id for c in config.concerns]
    referrals = [r.id for r in config.referrals]
    with store.writing() as w:
        for office in OTHERS:
            for i in range(365 * years):
                day = (end - dt.timedelta(days=i)).isoformat()
                facts = [VisitFacts(f"{office}-1", rng.choice(LANGS),
                                    rng.choice((None, None, "ti", "uk")),
                                    (rng.choice(concerns),), "resolved",
                                    rng.choice((None, *referrals)), rng.randrange(100))
                         for _ in range(rng.randrange(20, 100))]
                w.put_new(DailyStats, stats_id(office, day),
                          day_figures(office, day, facts).fields())
    ctx.close()


def floor(path: Path, first: dt.date, last: dt.date) -> None:
    con = sqlite3.connect(path)
    for row in con.execute(
            "SELECT office, day, visits, interpreter, locations, languages, "
            "interpreter_languages, concerns, outcomes, referrals, waits FROM daily_stats "
            "WHERE day BETWEEN ? AND ? AND erased = 0", (first.isoformat(), last.isoformat())):
        for text in row[4:]:
            json.loads(text)
    for _row in con.execute(
            "SELECT day, location, language, interpreter_language, concerns, outcome, "
            "referral, checked_in_at, called_at FROM visit WHERE site = 'EVSC' AND day "
            "BETWEEN ? AND ? AND erased = 0", (first.isoformat(), last.isoformat())):
        pass
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--own-visits", type=int, default=30_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    end = dt.date.today()
    path = scratch_dir() / "office.db"
    build(path, args.own_visits, args.years, end)
    config = load_config(DEFAULT_CONFIG)
    from kiosk.store.db import open_store

    store = open_store(path)
    make_context(config, store)
    print(f"store: {args.own_visits} own visits, {len(OTHERS)} offices x {args.years} years "
          f"of published days ({len(OTHERS) * 365 * args.years} records)")
    for label, first in (("last year", end - dt.timedelta(days=364)),
                         (f"{args.years} years", end - dt.timedelta(days=365 * args.years))):
        raw = median_ms(timed(lambda f=first: floor(path, f, end), args.repeat))
        figures = collect(first, end, own_office="EVSC")
        ours = median_ms(timed(lambda f=first: collect(f, end, own_office="EVSC"), args.repeat))
        rows = report_rows(figures)
        as_csv = median_ms(timed(lambda g=figures: csv_bytes(report_rows(g)), args.repeat))
        as_xlsx = median_ms(timed(lambda g=figures: xlsx_bytes(report_rows(g), g),
                                  args.repeat))
        print(f"{label:10}: floor (raw SELECT + json) {raw:7.1f} ms | collect {ours:7.1f} ms "
              f"= {ours / raw:4.1f}x | + csv {as_csv:6.1f} ms | + xlsx {as_xlsx:7.1f} ms "
              f"({len(rows)} rows)")


if __name__ == "__main__":
    main()
