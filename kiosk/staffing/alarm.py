"""The silent emergency call: one console raises it, every other console of the office sees it.

Staff in counselling offices meet people in crisis; a colleague at another desk must be able
to ask for help without saying a word in front of the visitor. An alarm is one row in the
office machine's own store (`alarm:<id>` in the settings table, like the duty heartbeats), so
it works with no network at all: every console on that machine — at its desk or over SSH —
sees it within one store poll (`kiosk.staffing.watch.POLL_SECONDS`). It holds a desk, a
time and staff ids only, never anything about a visitor; the board never reads it.

A configured hook (a command, e.g. one that texts the office phone) is run by the console
that raised the alarm, with the desk and time as arguments and environment, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import shlex
import subprocess
import threading
from dataclasses import dataclass

from kiosk.staffing.audit import record_action
from kiosk.store.db import Store
from kiosk.store.models import Setting

PREFIX = "alarm:"
#: An acknowledged alarm stays on the banners this long, so the sender sees who is coming.
ACK_SHOWN_MINUTES = 10
#: An alarm nobody acknowledged is shown until acknowledged, but not past this age (a
#: forgotten alarm from yesterday must not greet the morning shift).
MAX_AGE_HOURS = 12
#: A hook that hangs is left after this long (it runs in the background, never in the way).
HOOK_TIMEOUT_SECONDS = 30

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alarm:
    """One emergency call as the consoles show it."""

    id: str
    #: The desk it came from (None: a console nobody had signed in at).
    desk: str | None
    #: The staff id of the sender (None: not signed in).
    staff: str | None
    #: Which console process raised it, so that exactly that console shows "your call".
    origin: str
    at_ms: int
    ack_staff: str | None = None
    ack_at_ms: int | None = None

    @property
    def acknowledged(self) -> bool:
        return self.ack_at_ms is not None

    def to_json(self) -> str:
        return json.dumps({"desk": self.desk, "staff": self.staff, "origin": self.origin,
                           "at": self.at_ms, "ack_staff": self.ack_staff,
                           "ack_at": self.ack_at_ms}, sort_keys=True)

    @classmethod
    def from_row(cls, key: str, value: str) -> Alarm | None:
        """The alarm of a settings row, None if the row is not one this version reads."""
        try:
            data = json.loads(value)
            return cls(id=key[len(PREFIX):], desk=data.get("desk"), staff=data.get("staff"),
                       origin=str(data.get("origin", "")), at_ms=int(data["at"]),
                       ack_staff=data.get("ack_staff"),
                       ack_at_ms=None if data.get("ack_at") is None else int(data["ack_at"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def new_origin() -> str:
    """An id for one console process (random, so two consoles of one profile differ)."""
    return secrets.token_hex(6)


def raise_alarm(store: Store, *, desk: str | None, staff: str | None, origin: str,
                now_ms: int) -> Alarm:
    """Record an emergency call from this console and audit it; old alarms are pruned."""
    alarm = Alarm(id=secrets.token_hex(8), desk=desk, staff=staff, origin=origin, at_ms=now_ms)
    with store.db.atomic("IMMEDIATE"):
        for row in list(Setting.select().where(Setting.key.startswith(PREFIX))):
            old = Alarm.from_row(row.key, row.value)
            if old is None or now_ms - old.at_ms > MAX_AGE_HOURS * 3600_000:
                row.delete_instance()
        store.set_setting(PREFIX + alarm.id, alarm.to_json())
        record_action(now_ms, staff, "alarm", record=alarm.id,
                      detail=f"desk={desk}" if desk else None)
    return alarm


def acknowledge(store: Store, alarm_id: str, *, staff: str | None, now_ms: int) -> Alarm | None:
    """A colleague confirms they are coming; the first acknowledgement stands.

    Returns the alarm as stored afterwards, None if it no longer exists.
    """
    with store.db.atomic("IMMEDIATE"):
        row = Setting.get_or_none(Setting.key == PREFIX + alarm_id)
        alarm = Alarm.from_row(row.key, row.value) if row else None
        if alarm is None or alarm.acknowledged:
            return alarm
        done = Alarm(alarm.id, alarm.desk, alarm.staff, alarm.origin, alarm.at_ms,
                     ack_staff=staff, ack_at_ms=now_ms)
        store.set_setting(PREFIX + alarm_id, done.to_json())
        record_action(now_ms, staff, "alarm_ack", record=alarm_id)
    return done


def current(now_ms: int) -> list[Alarm]:
    """The alarms a console shows now: open ones, and acknowledged ones for a while; oldest
    first."""
    out = []
    for row in Setting.select().where(Setting.key.startswith(PREFIX)):
        alarm = Alarm.from_row(row.key, row.value)
        if alarm is None or now_ms - alarm.at_ms > MAX_AGE_HOURS * 3600_000:
            continue
        if alarm.ack_at_ms is not None and now_ms - alarm.ack_at_ms > ACK_SHOWN_MINUTES * 60_000:
            continue
        out.append(alarm)
    return sorted(out, key=lambda a: (a.at_ms, a.id))


def hook_command(hook: str, alarm: Alarm, office: str, tz: dt.tzinfo) -> tuple[list[str],
                                                                              dict[str, str]]:
    """The hook's argv and extra environment: office, desk and time, nothing personal."""
    at = dt.datetime.fromtimestamp(alarm.at_ms / 1000, tz).isoformat(timespec="seconds")
    desk = alarm.desk or ""
    return ([*shlex.split(hook), office, desk, at],
            {"KIOSK_ALARM_OFFICE": office, "KIOSK_ALARM_DESK": desk, "KIOSK_ALARM_AT": at})


def run_hook(hook: str, alarm: Alarm, office: str, tz: dt.tzinfo) -> threading.Thread | None:
    """Start the configured hook in the background (None when no hook is configured).

    A missing or failing hook is logged by its exit status only; the alarm itself already
    reached every console through the store, so a broken phone gateway never hides it.
    """
    if not hook.strip():
        return None
    argv, extra = hook_command(hook, alarm, office, tz)

    def run() -> None:
        try:
            done = subprocess.run(argv, env={**os.environ, **extra}, timeout=HOOK_TIMEOUT_SECONDS,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("alarm hook did not run: %s", type(exc).__name__)
            return
        if done.returncode != 0:
            log.warning("alarm hook exited with status %s", done.returncode)

    thread = threading.Thread(target=run, name="alarm-hook", daemon=True)
    thread.start()
    return thread
