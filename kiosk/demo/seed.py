"""Realistic demo visits: languages, concerns and outcomes in plausible proportions.

Proportions follow shared/research/domain.md §3 (Arabic, Persian, Ukrainian, Turkish and
Russian are the largest groups) and §1 ("each person brings at least three questions").
Rows are written in bulk through the store's writer (`WriteTransaction.put_stamped`), with per-field
clocks of the day they happened and outbox rows exactly as a live check-in would leave them,
so that benchmarks and sync see the same shape as real data.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

from kiosk.clock.hlc import Timestamp
from kiosk.config import WEEKDAYS, NetworkConfig
from kiosk.queue.outcomes import OUTCOMES
from kiosk.queue.service import format_ticket
from kiosk.store.db import Store
from kiosk.store.models import Visit

LANGUAGE_WEIGHTS = {"de": 18, "ar": 24, "fa": 14, "uk": 14, "tr": 8, "ru": 6, "en": 6,
                    "fr": 3, "ku": 3, "ps": 2, "ti": 1, "ro": 1}
FIRST_NAMES = ["Amina", "Omid", "Olena", "Yusuf", "Fatemeh", "Mehmet", "Ahmad", "Daria",
               "Samira", "Ali", "Irina", "Ayşe", "Hassan", "Nour", "Zahra", "Mariam",
               "Bogdan", "Leyla", "Karim", "Sofia"]
OUTCOME_WEIGHTS = dict(zip(OUTCOMES, (60, 25, 10, 5), strict=True))
"""How often each outcome is drawn, in the order of ``kiosk.queue.outcomes.OUTCOMES``."""
_FIELDS = Visit.SYNCED_FIELDS


def _open_spans(config: NetworkConfig, location: str, day: dt.date
                ) -> list[tuple[dt.time, dt.time]]:
    loc = config.location(location)
    if not loc.hours:
        return [] if day.weekday() >= 5 else [(dt.time(9), dt.time(16))]
    return list(loc.hours.get(WEEKDAYS[day.weekday()], ()))


def demo_visits(config: NetworkConfig, store: Store, count: int, *, end: dt.date,
                rng: random.Random, per_day: int = 60) -> Iterator[dict]:
    """Yield `count` finished (or missed) visits as row dicts, on open days before `end`."""
    tz = ZoneInfo(config.timezone)
    office = config.office(store.site)
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    concerns = [c.id for c in config.concerns]
    referrals = [r.id for r in config.referrals] or [None]
    outcome_names = list(OUTCOME_WEIGHTS)
    outcome_weights = list(OUTCOME_WEIGHTS.values())
    day = end
    made = 0
    while made < count:
        day -= dt.timedelta(days=1)
        spans = _open_spans(config, store.location, day)
        if not spans:
            continue
        todays = min(count - made, max(1, int(rng.gauss(per_day, per_day / 5))))
        seq = {"A": 0, "T": 0}
        start_ms = []
        for _ in range(todays):
            s, e = rng.choice(spans)
            base = dt.datetime.combine(day, s, tzinfo=tz)
            span_s = (dt.datetime.combine(day, e) - dt.datetime.combine(day, s)).seconds
            start_ms.append(int(base.timestamp() * 1000) + rng.randrange(span_s) * 1000)
        for checked_in in sorted(start_ms):
            prefix = "T" if rng.random() < 0.15 else "A"
            seq[prefix] += 1
            language = rng.choices(languages, weights)[0]
            counsel = language if language in office.languages else rng.choice(
                [lang for lang in office.languages if lang in ("de", "en", "ar")] or ["de"])
            called = checked_in + rng.randrange(2, 60) * 60_000
            missed = rng.random() < 0.04
            outcome = rng.choices(outcome_names, outcome_weights)[0]
            closed = called + (6 if missed else rng.randrange(5, 45)) * 60_000
            stamp = str(Timestamp(closed, 0, store.writer))
            row = dict(
                id=secrets.token_hex(16), erased=False, site=store.site,
                location=store.location, day=day.isoformat(), prefix=prefix, seq=seq[prefix],
                ticket=format_ticket(prefix, seq[prefix]),
                kind="appointment" if prefix == "T" else "walk_in",
                status="missed" if missed else "finished", priority=2, priority_reason=None,
                concerns=rng.sample(concerns, k=rng.choice([0, 1, 1, 2, 2, 3])),
                language=counsel,
                interpreter_language=None if counsel == language else language,
                first_name=rng.choice(FIRST_NAMES) if rng.random() < 0.4 else None,
                call_count=3 if missed else 1, desk=rng.choice(office.desks),
                staff=None, target_desk=None, target_staff=None, appointment=None,
                checked_in_at=checked_in, called_at=called,
                service_started_at=None if missed else called + 60_000,
                finished_at=None if missed else closed,
                missed_at=closed if missed else None, parked_at=None,
                outcome=None if missed else outcome,
                referral=rng.choice(referrals) if outcome == "referred" and not missed else None,
                note=None,
            )
            row["clocks"] = dict.fromkeys(_FIELDS, stamp)
            made += 1
            yield row


def insert_visits(store: Store, rows: Iterator[dict], *, batch: int = 2000,
                  progress: Callable[[int], None] | None = None) -> int:
    """Write rows through the store's writer in transactions of `batch` rows; the count."""
    total = 0
    chunk: list[dict] = []

    def flush() -> None:
        nonlocal total
        with store.writing() as writer:
            writer.put_stamped(Visit, chunk)
        total += len(chunk)
        if progress:
            progress(len(chunk))
        chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return total
