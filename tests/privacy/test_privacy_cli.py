"""`kiosk privacy …` as an admin or a data-protection officer runs it: real subprocesses,
real store files, exit codes, and nothing written when the input is bad."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.store.db import init_store, open_store
from tests.conftest import KIOSK
from tests.privacy.people import CANARY, OTHER, appointment, leaked, visit

TZ = ZoneInfo("Europe/Berlin")


def kiosk(env: dict, db: Path, *args: str, stdin: str | None = None
          ) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, "--db", str(db), "privacy", *args], capture_output=True,
                          text=True, env=env, timeout=120, input=stdin)


def fingerprint(db: Path) -> str:
    """The bytes of the store and its WAL: unchanged means nothing was written."""
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        f = Path(f"{db}{suffix}")
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, dict]:
    """A store with CANARY's visit past retention, a recent visit and appointment of
    CANARY, and OTHER's visit; the WAL checkpointed, as a running office leaves it."""
    db = tmp_path / "office.db"
    store = init_store(db, "EVSC", "EVSC-EV")
    today = dt.datetime.now(TZ).date()
    ids = {
        "old": visit(store, today - dt.timedelta(days=200), "A-001", CANARY, note="alt"),
        "recent": visit(store, today - dt.timedelta(days=1), "A-004", CANARY),
        "other": visit(store, today - dt.timedelta(days=1), "A-005", OTHER),
        "appt": appointment(store, dt.datetime.combine(today, dt.time(8), TZ), CANARY,
                            "KXM-447"),
        "day": (today - dt.timedelta(days=1)).isoformat(),
    }
    store.scrub_wal()
    store.close()
    return db, ids


def test_help_names_every_action(cli_env, office):
    db, _ = office
    for action in ("redact", "export", "erase", "report"):
        done = kiosk(cli_env, db, action, "--help")
        assert done.returncode == 0 and "usage: kiosk privacy" in done.stdout


def test_report_then_redact_twice(cli_env, office):
    db, _ids = office
    report = json.loads(kiosk(cli_env, db, "report", "--json").stdout)
    due = "older than 90 days (due)"
    assert report["counts"]["visit first names"][due] == 1
    assert report["counts"]["visit first names"]["0-7 days"] == 2
    assert report["due_now"] == 2 and report["next_daily_run"].endswith("03:40+01:00")
    text = kiosk(cli_env, db, "report").stdout
    assert "Due for redaction now: 2" in text and CANARY not in text

    first = kiosk(cli_env, db, "redact", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["visits"] == 1
    after = fingerprint(db)
    second = kiosk(cli_env, db, "redact")
    assert second.returncode == 0 and "redacted: 0 visits, 0 appointments" in second.stdout
    assert fingerprint(db) == after
    assert json.loads(kiosk(cli_env, db, "report", "--json").stdout)["due_now"] == 0


def test_export_by_ticket_writes_both_languages_and_json(cli_env, office, tmp_path):
    db, ids = office
    out = tmp_path / "auskunft"
    done = kiosk(cli_env, db, "export", "--ticket", "a-004", "--day", ids["day"], "--out",
                 str(out))
    assert done.returncode == 0, done.stderr
    assert CANARY not in done.stdout
    files = sorted(out.iterdir())
    endings = sorted(f.name.split(".", 1)[1] for f in files)
    assert endings == ["ar.txt", "de.txt", "json"]
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    doc = json.loads(next(f for f in files if f.suffix == ".json").read_text())
    assert [r["id"] for r in doc["records"]] == [ids["recent"]]


def test_erase_asks_first_and_then_leaves_no_name(cli_env, office):
    db, ids = office
    refused = kiosk(cli_env, db, "erase", "--code", "KXM-447", "--reason", "request")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = kiosk(cli_env, db, "erase", "--name", CANARY, "--reason", "consent_withdrawn",
                 "--yes")
    assert done.returncode == 0, done.stderr
    assert "erased 2 visit(s) and 1 appointment(s)" in done.stdout  # one past retention
    assert leaked(db, CANARY) == {}
    assert leaked(db, OTHER) != {}
    store = open_store(db)
    try:
        actions = [(a, d) for a, d in store.db.execute_sql(
            "SELECT action, detail FROM audit_entry WHERE action LIKE 'privacy.%'")]
    finally:
        store.close()
    assert len([a for a, _ in actions if a == "privacy.erase"]) == 3
    assert all("reason=consent_withdrawn" in d for a, d in actions if a == "privacy.erase")
    again = kiosk(cli_env, db, "erase", "--ticket", "A-004", "--day", ids["day"], "--reason",
                  "request", "--yes")
    assert again.returncode == 5 and "already erased" in again.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["export", "--ticket", "A-099", "--day", "{day}", "--out", "{out}"], "no visit with ticket"),
    (["export", "--ticket", "A-004", "--day", "2999-01-01", "--out", "{out}"], "in the future"),
    (["export", "--code", "AAA-333", "--out", "{out}"], "no appointment with this code"),
    (["export", "--name", CANARY, "--language", "xx", "--out", "{out}"], "invalid language"),
    (["export", "--name", CANARY, "--ticket", "A-004", "--out", "{out}"], "exactly one"),
    (["erase", "--name", CANARY, "--reason", "because", "--yes"], "reason must be one of"),
    (["erase", "--name", "Niemand", "--reason", "request", "--yes"], "no record with this name"),
    (["erase", "--ticket", "A-004", "--day", "{day}", "--location", "LUED-1", "--reason",
      "request", "--yes"], "of office LUED"),
])
def test_bad_input_is_refused_with_exit_5_and_nothing_written(cli_env, office, tmp_path,
                                                              args, message):
    db, ids = office
    out = tmp_path / "out"
    args = [a.format(day=ids["day"], out=out) for a in args]
    before = fingerprint(db)
    done = kiosk(cli_env, db, *args)
    assert done.returncode == 5, (done.stdout, done.stderr)
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert CANARY not in done.stderr
    assert fingerprint(db) == before
    assert not out.exists()


def _at_a_terminal(env: dict, db: Path, answer: str, *args: str) -> subprocess.CompletedProcess:
    """The command on a real pseudo-terminal (util-linux `script`), answering the prompt."""
    command = " ".join([KIOSK, "--db", str(db), "privacy", *args])
    return subprocess.run(["script", "-q", "-e", "-c", command, "/dev/null"],
                          input=answer + "\n", capture_output=True, text=True, env=env,
                          timeout=120)


def test_at_a_terminal_the_erasure_names_what_goes_and_waits_for_yes(cli_env, office):
    db, ids = office
    before = fingerprint(db)
    refused = _at_a_terminal(cli_env, db, "no", "erase", "--ticket", "A-004", "--day",
                             ids["day"], "--reason", "request")
    assert refused.returncode == 1, refused.stdout
    assert f"Besuch A-004 vom {ids['day']}" in refused.stdout
    assert "nothing erased" in refused.stdout and fingerprint(db) == before
    done = _at_a_terminal(cli_env, db, "yes", "erase", "--ticket", "A-004", "--day",
                          ids["day"], "--reason", "request")
    assert done.returncode == 0 and "erased 1 visit(s)" in done.stdout, done.stdout


def test_copies_beside_the_store_are_reported_and_removed_after_a_week(cli_env, office):
    import os
    import time

    db, _ids = office
    copies = db.parent / "auskunft"
    copies.mkdir()
    old = copies / "lokal-willkommen-auskunft-20261101-090000-abcd.de.txt"
    new = copies / "lokal-willkommen-auskunft-20261129-090000-abcd.de.txt"
    unrelated = copies / "notizen.txt"
    for path in (old, new, unrelated):
        path.write_text("x")
    eight_days_ago = time.time() - 8 * 86_400
    os.utime(old, (eight_days_ago, eight_days_ago))
    os.utime(unrelated, (eight_days_ago, eight_days_ago))
    counts = json.loads(kiosk(cli_env, db, "report", "--json").stdout)["counts"]
    files = counts["copies of visitors' data (files)"]
    assert files["0-7 days"] == 1 and files["older than 90 days (due)"] == 1
    done = kiosk(cli_env, db, "redact", "--json")
    assert json.loads(done.stdout)["copies_removed"] == 1
    assert not old.exists() and new.exists() and unrelated.exists()
