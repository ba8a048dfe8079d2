"""Network-wide figures from the offices' published daily figures: counts only.

No office holds another office's visits; each publishes anonymous daily figures into the
network scope (:mod:`kiosk.stats.publish`), and the network lead's figures (visits per office,
interpreter demand) add those up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.stats.publish import totals_per_office


@dataclass(frozen=True)
class OfficeFigures:
    """One office's visits in a period."""

    site: str
    visits: int
    with_interpreter: int


def visits_per_office(first_day: dt.date, last_day: dt.date, own_office: str | None = None
                      ) -> list[OfficeFigures]:
    """Visits per office between two days (inclusive), largest first.

    ``own_office``'s figures are counted from its own visits as they are now (its published
    ones are as of its last sync); every other office's come from what it published.
    """
    totals = totals_per_office(first_day, last_day, live=own_office)
    rows = [OfficeFigures(office, t.visits, t.interpreter) for office, t in totals.items()
            if t.visits]
    return sorted(rows, key=lambda f: (-f.visits, f.site))
