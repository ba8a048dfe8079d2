"""Test visitors with canary names, written into a real store as the kiosk writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.queue.appointments import code_hash
from kiosk.store.db import Store
from kiosk.store.models import Appointment, Visit
from tests.e2e_store.canaries import leaks

CANARY = "Qeshmira"
"""A first name found nowhere else, so that any copy of it in a file is a leak."""
OTHER = "Wendelgard"
"""Another visitor, whose records no lookup for CANARY may touch."""


def visit(store: Store, day: dt.date, ticket: str, name: str | None, *,
          note: str | None = None, language: str = "ar", interpreter: str | None = None,
          appointment: str | None = None, outcome: str = "referred",
          referral: str | None = "migrado") -> str:
    """A finished visit of ``day`` with the anonymous facts the statistics count."""
    checked = int(dt.datetime.combine(day, dt.time(9, 30), dt.UTC).timestamp() * 1000)
    with store.writing() as w:
        return w.put(Visit, None, {
            "site": store.site, "location": store.location, "day": day.isoformat(),
            "prefix": ticket[0], "seq": int(ticket[2:]), "ticket": ticket, "status": "finished",
            "language": language, "interpreter_language": interpreter, "first_name": name,
            "note": note, "concerns": ["wohnen", "post"], "checked_in_at": checked,
            "called_at": checked + 25 * 60_000, "finished_at": checked + 50 * 60_000,
            "outcome": outcome, "referral": referral, "appointment": appointment}).id


def appointment(store: Store, starts: dt.datetime, name: str, code: str, *,
                phone: str = "0176 5550123") -> str:
    with store.writing() as w:
        return w.put(Appointment, None, {
            "site": store.site, "location": store.location,
            "starts_at": int(starts.timestamp() * 1000), "language": "fa", "name": name,
            "phone": phone, "code_hash": code_hash(code), "concerns": ["aufenthalt"]}).id


def store_files(path: Path) -> dict[str, bytes]:
    """The bytes of the store and of its -wal and -shm files, where present."""
    out = {}
    for suffix in ("", "-wal", "-shm"):
        f = Path(f"{path}{suffix}")
        if f.exists():
            out[f.name] = f.read_bytes()
    return out


def leaked(path: Path, name: str) -> dict[str, list[str]]:
    """Which files of the store at ``path`` hold ``name`` in which form (empty: none)."""
    found = {fname: leaks(data, name) for fname, data in store_files(path).items()}
    return {fname: kinds for fname, kinds in found.items() if kinds}
