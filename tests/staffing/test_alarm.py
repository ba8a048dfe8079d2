"""The emergency call's rules without a screen: recorded, acknowledged once, shown for a
while, pruned; the hook gets office, desk and time only; the banner shows names literally."""

from __future__ import annotations

import sys

from kiosk.staffing import alarm
from kiosk.staffing.audit import recent
from kiosk.store.models import Setting
from kiosk.ui.staff.alarm_banner import alarm_lines
from tests.conftest import BERLIN


def test_raise_acknowledge_and_show_for_a_while(ctx, clock):
    now = ctx.queue.now_ms()
    sent = alarm.raise_alarm(ctx.store, desk="2", staff="reza", origin="c1", now_ms=now)
    assert [a.id for a in alarm.current(now)] == [sent.id]
    clock.advance(minutes=1)
    done = alarm.acknowledge(ctx.store, sent.id, staff="amira", now_ms=ctx.queue.now_ms())
    assert done.ack_staff == "amira" and done.acknowledged
    # the first acknowledgement stands: a second colleague does not overwrite it
    again = alarm.acknowledge(ctx.store, sent.id, staff="lea", now_ms=ctx.queue.now_ms())
    assert again.ack_staff == "amira"
    assert alarm.current(ctx.queue.now_ms())[0].ack_staff == "amira"
    clock.advance(minutes=alarm.ACK_SHOWN_MINUTES + 1)
    assert alarm.current(ctx.queue.now_ms()) == []
    assert [(e.action, e.staff, e.record) for e in recent(5)] == [
        ("alarm_ack", "amira", sent.id), ("alarm", "reza", sent.id)]
    assert recent(5)[1].detail == "desk=2"


def test_an_open_alarm_stays_until_acknowledged_but_not_into_the_next_day(ctx, clock):
    sent = alarm.raise_alarm(ctx.store, desk=None, staff=None, origin="c1",
                             now_ms=ctx.queue.now_ms())
    clock.advance(hours=alarm.MAX_AGE_HOURS - 1)
    assert [a.id for a in alarm.current(ctx.queue.now_ms())] == [sent.id]
    clock.advance(hours=2)
    assert alarm.current(ctx.queue.now_ms()) == []
    alarm.raise_alarm(ctx.store, desk="1", staff=None, origin="c2", now_ms=ctx.queue.now_ms())
    keys = [r.key for r in Setting.select().where(Setting.key.startswith(alarm.PREFIX))]
    assert len(keys) == 1 and sent.id not in keys[0]  # the stale one was pruned


def test_a_row_this_version_cannot_read_is_ignored(ctx):
    Setting.create(key=alarm.PREFIX + "broken", value="{not json")
    assert alarm.current(ctx.queue.now_ms()) == []


def test_hook_gets_office_desk_and_time_only(tmp_path):
    out = tmp_path / "out.txt"
    script = tmp_path / "hook.py"
    script.write_text("import os, sys\nfrom pathlib import Path\n"
                      "Path(sys.argv[1]).write_text(repr((sys.argv[2:], "
                      "os.environ['KIOSK_ALARM_DESK'])))\n")
    a = alarm.Alarm(id="x", desk="2", staff="reza-ahmadi", origin="c1",
                    at_ms=1_795_000_000_000)
    thread = alarm.run_hook(f"{sys.executable} {script} {out}", a, "EVSC", BERLIN)
    thread.join(timeout=60)
    argv, desk = eval(out.read_text())  # written by the script above
    assert argv[:2] == ["EVSC", "2"] and argv[2].startswith("2026-") and desk == "2"
    assert "reza" not in out.read_text()
    assert alarm.run_hook("  ", a, "EVSC", BERLIN) is None


def test_a_broken_hook_is_logged_without_details(caplog):
    a = alarm.Alarm(id="x", desk="2", staff="s", origin="c1", at_ms=0)
    alarm.run_hook("/nonexistent/notify-phone", a, "EVSC", BERLIN).join(timeout=60)
    alarm.run_hook(f"{sys.executable} -c 'raise SystemExit(3)'", a, "EVSC", BERLIN
                   ).join(timeout=60)
    assert "FileNotFoundError" in caplog.text and "status 3" in caplog.text


def test_banner_words_and_hostile_names():
    hostile = "[b]Mallory[/b]\x1b[31m\u202eRTL"
    alarms = [alarm.Alarm(id="a", desk="1", staff="m", origin="other", at_ms=1_795_000_000_000),
              alarm.Alarm(id="b", desk="2", staff="r", origin="me", at_ms=1_795_000_060_000,
                          ack_staff="m", ack_at_ms=1_795_000_090_000)]
    lines = [line.plain for line in alarm_lines(alarms, "me", {"m": hostile}, BERLIN)]
    assert lines[0].startswith("‼ NOTRUF Schalter 1 · ") and "Taste F8" in lines[0]
    assert "[b]Mallory[/b]" in lines[0] and "\x1b" not in lines[0] and "\u202e" not in lines[0]
    assert lines[1].startswith("‼ Ihr Notruf (") and "[b]Mallory[/b]" in lines[1]
    assert "kommt (bestätigt" in lines[1]
