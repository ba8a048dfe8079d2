"""The city's report: figures over a range of days as rows for a spreadsheet (CSV or xlsx).

Counts only, from :mod:`kiosk.stats.figures` (so the same small-cell rule as the published
aggregates holds); no name, no note, no visit id can reach a row because none is read.
One long table — office, range, dimension, category, count — because that is what a
spreadsheet's pivot table and the city's statistics office take in without reshaping.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kiosk.stats.figures import DIMENSIONS, FigureSet, ordered

ALL_OFFICES = "ALLE"
"""The office column of the network-wide rows."""
HEADER = ("office", "first_day", "last_day", "dimension", "category", "count")


def report_rows(figures: FigureSet, network_total: bool = True) -> list[tuple[object, ...]]:
    """The report's rows (without the header): per office, then the network total.

    Dimensions: ``visits`` and ``interpreter`` (category ``total``), ``visits_per_day``
    (category the date), then every published dimension (category the value, ``other``
    for merged small cells).
    """
    first, last = figures.first.isoformat(), figures.last.isoformat()
    rows: list[tuple[object, ...]] = []
    offices = sorted(figures.totals)
    blocks = [(office, figures.totals[office], figures.daily.get(office, {}))
              for office in offices]
    if network_total and len(offices) > 1:
        daily: dict[str, int] = {}
        for per_day in figures.daily.values():
            for day, count in per_day.items():
                daily[day] = daily.get(day, 0) + count
        blocks.append((ALL_OFFICES, figures.network(), daily))
    for office, totals, per_day in blocks:
        if not totals.visits:
            continue
        rows.append((office, first, last, "visits", "total", totals.visits))
        rows.append((office, first, last, "interpreter", "total", totals.interpreter))
        rows += [(office, first, last, "visits_per_day", day, per_day[day])
                 for day in sorted(per_day)]
        for name in DIMENSIONS:
            rows += [(office, first, last, name, category, count)
                     for category, count in ordered(name, totals.dims.get(name, {}))]
    return rows


def csv_bytes(rows: Iterable[tuple[object, ...]]) -> bytes:
    """The rows as UTF-8 CSV with a header (a byte-order mark, so spreadsheet programs on
    the city's desktops read umlauts right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[tuple[object, ...]], figures: FigureSet) -> bytes:
    """The rows as an xlsx workbook: sheet ``figures`` (the long table) and sheet
    ``visits_per_day`` (a day per row, an office per column) for a quick chart."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "figures"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (10, 12, 12, 22, 24, 8), strict=True):
        sheet.column_dimensions[column].width = width

    days_sheet = book.create_sheet("visits_per_day")
    offices = sorted(o for o, t in figures.totals.items() if t.visits)
    days_sheet.append(["day", *offices])
    for day in figures.days():
        days_sheet.append([day, *(figures.daily.get(o, {}).get(day, 0) for o in offices)])
    for cell in days_sheet[1]:
        cell.font = Font(bold=True)
    days_sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` and rename: a failed write leaves no half file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
