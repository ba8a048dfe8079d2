"""What personal data the store holds, by kind and age, and when the next redaction runs:
what a data-protection officer asks for in an audit. Counts only, never a value."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import NetworkConfig
from kiosk.privacy.export import KEEP_DAYS, copies, default_dir
from kiosk.privacy.personal import PERSONAL_FIELDS
from kiosk.store.db import Store
from kiosk.store.models import Appointment, AuditEntry, Visit

DAILY_AT = dt.time(3, 40)
"""When the daily redaction timer fires (deploy/systemd/kiosk-privacy-redact.timer says the
same; a test compares them): at night, when no office is open."""

KINDS = ("visit first names", "visit notes", "appointment names", "appointment phone numbers",
         "appointment codes (hashed)", "values kept from concurrent edits",
         "audit entries naming staff or records", "copies of visitors' data (files)")


def buckets(retention_days: int) -> tuple[str, ...]:
    """Age classes: the last week, the last month, the rest of retention, past retention."""
    return ("0-7 days", "8-30 days", f"31-{retention_days} days",
            f"older than {retention_days} days (due)")


@dataclass(frozen=True)
class PrivacyReport:
    """Counts per kind and age class, and the redaction schedule."""

    office: str
    retention_days: int
    audit_retention_days: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    due_now: int = 0
    next_daily_run: str = ""
    at_start: str = "every start of the visitor terminal, staff console and board"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as text for a person."""
        names = buckets(self.retention_days)
        width = max(len(k) for k in KINDS)
        out = [f"Personal data held at office {self.office} (retention {self.retention_days} "
               f"days; audit {self.audit_retention_days} days)", "",
               f"{'':{width}}  " + "  ".join(f"{n:>12}" for n in ("0-7 d", "8-30 d",
                                                                  f"31-{self.retention_days} d",
                                                                  "due"))]
        for kind in KINDS:
            row = self.counts.get(kind, {})
            out.append(f"{kind:{width}}  " + "  ".join(f"{row.get(n, 0):>12}" for n in names))
        out += ["", f"Due for redaction now: {self.due_now}",
                f"Next daily redaction: {self.next_daily_run} (systemd timer "
                "kiosk-privacy-redact.timer)", f"Also at {self.at_start}."]
        return out


def next_daily_run(now: dt.datetime) -> dt.datetime:
    """The next time the daily timer fires after ``now`` (local time of ``now``)."""
    run = now.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return run if run > now else run + dt.timedelta(days=1)


def _age_class(age_days: int, retention_days: int, limit: int | None = None) -> int:
    limit = retention_days if limit is None else limit
    if age_days > limit:
        return 3
    if age_days <= 7:
        return 0
    return 1 if age_days <= 30 else 2


def build_report(store: Store, config: NetworkConfig, now: dt.datetime) -> PrivacyReport:
    """Count what the store holds now: this office's records, values that lost a concurrent
    edit (kept for review), audit entries, and copies written beside the store (due after
    a week, not after the retention)."""
    tz = ZoneInfo(config.timezone)
    now = now.astimezone(tz)
    today = now.date()
    names = buckets(config.retention_days)
    counts = {kind: dict.fromkeys(names, 0) for kind in KINDS}
    due = 0

    def add(kind: str, age: int, limit: int | None = None) -> None:
        nonlocal due
        cls = _age_class(age, config.retention_days, limit)
        counts[kind][names[cls]] += 1
        if cls == 3:
            due += 1

    for day, first, note in (Visit.select(Visit.day, Visit.first_name, Visit.note)
                             .where((Visit.site == store.site)
                                    & (Visit.first_name.is_null(False) | Visit.note.is_null(False)))
                             .tuples()):
        age = (today - dt.date.fromisoformat(day)).days
        if first is not None:
            add("visit first names", age)
        if note is not None:
            add("visit notes", age)
    for starts, name, phone, code in (
            Appointment.select(Appointment.starts_at, Appointment.name, Appointment.phone,
                               Appointment.code_hash)
            .where(Appointment.site == store.site).tuples()):
        age = (today - dt.datetime.fromtimestamp(starts / 1000, tz).date()).days
        for kind, value in (("appointment names", name), ("appointment phone numbers", phone),
                            ("appointment codes (hashed)", code)):
            if value:
                add(kind, max(age, 0))
    for (at,) in (AuditEntry.select(AuditEntry.at)
                  .where(AuditEntry.staff.is_null(False) | AuditEntry.record.is_null(False))
                  .tuples()):
        age = (today - dt.datetime.fromtimestamp(at / 1000, tz).date()).days
        add("audit entries naming staff or records", age, config.audit_retention_days)
    personal = [n for fields in PERSONAL_FIELDS.values() for n in fields]
    for (at,) in store.db.execute_sql(
            f"SELECT at FROM sync_conflict WHERE field IN ({', '.join('?' * len(personal))})",
            personal):
        age = (today - dt.datetime.fromtimestamp(at, tz).date()).days
        add("values kept from concurrent edits", max(age, 0))
    for path in copies(default_dir(store)):
        age = (today - dt.datetime.fromtimestamp(path.stat().st_mtime, tz).date()).days
        add("copies of visitors' data (files)", max(age, 0), KEEP_DAYS)
    return PrivacyReport(store.site, config.retention_days, config.audit_retention_days,
                         counts, due, next_daily_run(now).isoformat(timespec="minutes"))
