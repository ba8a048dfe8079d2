"""The daily redaction the report announces is the one the shipped timer runs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kiosk.privacy.report import DAILY_AT, next_daily_run
from tests.conftest import BERLIN

SYSTEMD = Path(__file__).parents[2] / "deploy" / "systemd"


def test_the_timer_fires_when_the_report_says():
    timer = (SYSTEMD / "kiosk-privacy-redact.timer").read_text()
    (hh, mm), = re.findall(r"^OnCalendar=\*-\*-\* (\d\d):(\d\d):00$", timer, re.M)
    assert dt.time(int(hh), int(mm)) == DAILY_AT
    assert "Persistent=true" in timer  # a machine off at that time redacts when it boots
    service = (SYSTEMD / "kiosk-privacy-redact.service").read_text()
    assert "kiosk --db @DATA@/kiosk.db privacy redact" in service and "User=kiosk" in service


def test_next_run_is_today_before_the_time_and_tomorrow_after_it():
    before = dt.datetime(2026, 11, 30, 3, 0, tzinfo=BERLIN)
    after = dt.datetime(2026, 11, 30, 3, 40, tzinfo=BERLIN)
    assert next_daily_run(before) == dt.datetime(2026, 11, 30, 3, 40, tzinfo=BERLIN)
    assert next_daily_run(after) == dt.datetime(2026, 12, 1, 3, 40, tzinfo=BERLIN)
