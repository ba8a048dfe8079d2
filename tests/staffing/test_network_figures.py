"""Network-wide figures from synced visits: counts per office, no personal data."""

from __future__ import annotations

import datetime as dt

from kiosk.staffing.network import visits_per_office
from kiosk.store.models import Visit


def synced_visit(ctx, site: str, day: str, seq: int, interpreter: str | None = None) -> None:
    """A visit as it arrives from another office by sync."""
    with ctx.store.writing() as w:
        w.put(Visit, None, dict(site=site, location=f"{site}-1", day=day, prefix="A", seq=seq,
                                ticket=f"A-{seq:03d}", language="de",
                                interpreter_language=interpreter, first_name="Secret",
                                checked_in_at=1))


def test_counts_per_office_in_the_period_largest_first(ctx, clock):
    today = clock.value.date()
    ctx.queue.check_in([], "fa", first_name="Leyla")
    for i in range(3):
        synced_visit(ctx, "LUED", today.isoformat(), i + 1, "ti" if i == 0 else None)
    synced_visit(ctx, "INNO", (today - dt.timedelta(days=10)).isoformat(), 1)
    figures = visits_per_office(today - dt.timedelta(days=6), today)
    assert [(f.site, f.visits, f.with_interpreter) for f in figures] == [
        ("LUED", 3, 1), ("EVSC", 1, 0)]
    assert "Secret" not in repr(figures) and "Leyla" not in repr(figures)
