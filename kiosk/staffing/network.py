"""Network-wide figures from the synced visits: counts only, never a name or a note.

After the nightly sync every site holds the whole network's visits, so any console can show
the network lead's figures (visits per office, interpreter demand) for recent days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Case, fn

from kiosk.store.models import Visit


@dataclass(frozen=True)
class OfficeFigures:
    """One office's visits in a period."""

    site: str
    visits: int
    with_interpreter: int


def visits_per_office(first_day: dt.date, last_day: dt.date) -> list[OfficeFigures]:
    """Visits per office between two days (inclusive), largest first."""
    interpreter = fn.SUM(Case(None, [(Visit.interpreter_language.is_null(False), 1)], 0))
    query = (Visit.select(Visit.site, fn.COUNT(Visit.id), interpreter)
             .where((Visit.day >= first_day.isoformat()) & (Visit.day <= last_day.isoformat())
                    & (Visit.erased == False))  # noqa: E712
             .group_by(Visit.site).order_by(fn.COUNT(Visit.id).desc(), Visit.site))
    return [OfficeFigures(site, count, int(extra or 0)) for site, count, extra in query.tuples()]
