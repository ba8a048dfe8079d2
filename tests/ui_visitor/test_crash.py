"""The visitor terminal on a store that fails: the calm message in the visitor's language,
no traceback and no name anywhere, a journal line, exit code 4 — in Pilot and as a real
process in a terminal (tmux)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.i18n import messages as M
from kiosk.i18n.translator import translator
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from kiosk.ui.crash import CrashScreen
from kiosk.ui.visitor.app import make_visitor_app
from tests.conftest import KIOSK
from tests.real_faults import CANARY, delete_store, fill, read_only, tiny_tmpfs
from tests.ui_visitor.helpers import SIZE, tap, type_into, walk_to_name

EXIT_STORE = 4


def calm(lang: str) -> str:
    return translator(lang).gettext(M.TERMINAL_NOT_WORKING)


def screen_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static"))


async def fail_a_check_in(ctx, monkeypatch, capfd, lang: str, counsel: str, fault) -> object:
    """Walk to the name, let `fault()` break the store, finish; return the app after exit."""
    monkeypatch.setenv("KIOSK_CRASH_SECONDS", "1")
    app = make_visitor_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_name(pilot, lang, ["wohnen"], counsel)
        await type_into(pilot, CANARY)
        with fault():
            await tap(pilot, "#continue")
            for _ in range(300):
                if isinstance(app.screen, CrashScreen):
                    break
                await pilot.pause(0.05)
            assert isinstance(app.screen, CrashScreen), "no calm message"
            text = screen_text(app)
            svg = app.export_screenshot()
            for _ in range(400):  # it leaves by itself, so that the service restarts it
                if not app.is_running:
                    break
                await pilot.pause(0.05)
            assert not app.is_running, "the terminal did not exit after its message"
    out, err = capfd.readouterr()
    journal = out + err
    assert "Traceback" not in journal + text and CANARY not in journal + text + svg
    assert "kiosk visitor stopped:" in journal
    app.shown_text = text
    app.journal = journal
    return app


async def test_read_only_store_shows_the_calm_message_in_arabic(ctx, monkeypatch, capfd):
    app = await fail_a_check_in(ctx, monkeypatch, capfd, "ar", "ar",
                                lambda: read_only(ctx.store.path))
    assert app.return_code == EXIT_STORE
    assert "SQLITE_READONLY" in app.journal
    # Arabic is shaped for display: compare the letters, not the presentation forms
    from kiosk.i18n.bidi import display

    assert display(calm("ar"), "app", "rtl") in app.shown_text
    assert calm("de") in app.shown_text  # and in German, for the desk


async def test_full_disk_shows_the_calm_message(config, clock, tmp_path, monkeypatch, capfd):
    from kiosk.context import make_context

    with tiny_tmpfs(tmp_path / "small", "2m") as disk:
        ctx = make_context(config, init_store(disk / "site.db", "EVSC", "EVSC-EV"), now=clock)
        try:
            app = await fail_a_check_in(ctx, monkeypatch, capfd, "en", "de",
                                        lambda: _filled(disk))
        finally:
            ctx.close()
    assert app.return_code == EXIT_STORE
    assert "SQLITE_FULL" in app.journal
    assert calm("en") in app.shown_text


async def test_store_deleted_under_the_terminal(ctx, monkeypatch, capfd):
    app = await fail_a_check_in(ctx, monkeypatch, capfd, "de", "de",
                                lambda: _deleted(ctx.store.path))
    assert app.return_code == EXIT_STORE
    assert "store_missing" in app.journal
    assert calm("de") in app.shown_text
    assert not ctx.store.path.exists()  # nothing was written into a file nobody will read


async def run_into_a_bug(ctx, monkeypatch):
    """A visitor app whose concern step raises an error carrying the canary, driven until it
    has shown its message and exited."""
    monkeypatch.setenv("KIOSK_CRASH_SECONDS", "1")
    app = make_visitor_app(ctx)

    def broken(*args, **kwargs):
        raise KeyError(CANARY)  # a message that carries data must never be printed

    monkeypatch.setattr(app.flow, "set_concerns", broken)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-fr")
        await tap(pilot, "#concern-wohnen")
        await tap(pilot, "#continue")
        for _ in range(400):
            if not app.is_running:
                break
            await pilot.pause(0.05)
    return app


async def test_a_bug_anywhere_is_calm_too_and_exits_1(ctx, monkeypatch, capfd):
    """Not only the store: any error in a handler shows the message, never the locals."""
    app = await run_into_a_bug(ctx, monkeypatch)
    out, err = capfd.readouterr()
    assert app.return_code == 1
    assert "KeyError" in err and CANARY not in out + err and "Traceback" not in out + err


async def test_the_journal_line_also_reaches_the_system_log(ctx, monkeypatch, tmp_path):
    """On the kiosk display standard error is the terminal emulator's: the line goes to the
    local syslog socket (journald's) as well. Here a real datagram socket stands in for it."""
    import logging
    import socket

    from kiosk.ui import crash

    address = tmp_path / "log.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(address))
    listener.settimeout(30)
    monkeypatch.setenv(crash.SYSLOG_SOCKET_ENV, str(address))
    try:
        await run_into_a_bug(ctx, monkeypatch)
        line = listener.recv(65536).decode()
    finally:
        listener.close()
        for handler in list(crash.log.handlers):
            if getattr(handler, "address", None) == str(address):
                crash.log.removeHandler(handler)
                handler.close()
    assert "kiosk: kiosk visitor stopped:" in line and "KeyError" in line
    assert CANARY not in line and "Traceback" not in line
    assert all(getattr(h, "address", None) != str(address)
               for h in logging.getLogger("kiosk.crash").handlers)


class _filled:
    def __init__(self, disk: Path) -> None:
        self.disk = disk

    def __enter__(self) -> None:
        fill(self.disk)

    def __exit__(self, *exc: object) -> None:
        (self.disk / "filler").unlink(missing_ok=True)


class _deleted:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        delete_store(self.path)

    def __exit__(self, *exc: object) -> None:
        pass


# --- the real program in a real terminal ----------------------------------------------------
def _pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", session], capture_output=True,
                          text=True, check=False).stdout


def _wait_pane(session: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pane = _pane(session)
        if text in pane:
            return pane
        time.sleep(0.1)
    raise AssertionError(f"never on screen: {text!r}\n{_pane(session)}")


@pytest.fixture
def tmux_session(tmp_path):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed to run the terminal in a real pty")
    name = f"kiosk-crash-{tmp_path.name}"[:60]
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)


def test_real_terminal_on_a_read_only_store(tmp_path, cli_env, tmux_session):
    config = tmp_path / "network.toml"  # check-in allowed whenever the test runs
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        "allow_checkin_outside_hours = false", "allow_checkin_outside_hours = true"),
        encoding="utf-8")
    db = tmp_path / "site.db"
    init_store(db, "EVSC", "EVSC-EV").close()
    rc = tmp_path / "rc"
    env = " ".join(f"{k}={v}" for k, v in (("XDG_DATA_HOME", cli_env["XDG_DATA_HOME"]),
                                           ("XDG_CONFIG_HOME", cli_env["XDG_CONFIG_HOME"]),
                                           ("KIOSK_CRASH_SECONDS", "3")))
    command = (f"env {env} {KIOSK} --config {config} --db {db} visitor; "
               f"echo $? > {rc}; sleep 600")
    subprocess.run(["tmux", "new-session", "-d", "-s", tmux_session, "-x", "100", "-y", "32",
                    command], check=True)
    keys = lambda *k: subprocess.run(["tmux", "send-keys", "-t", tmux_session, *k],  # noqa: E731
                                     check=True)
    _wait_pane(tmux_session, "Deutsch")
    keys("Enter")  # German is focused first
    _wait_pane(tmux_session, "Weiter")
    keys("BTab", "Enter")  # from the first tile back to "continue"
    _wait_pane(tmux_session, "In welcher Sprache")
    keys("Enter")  # counselling in German
    _wait_pane(tmux_session, "Vorname")
    keys(CANARY)
    _wait_pane(tmux_session, CANARY)
    with read_only(db):
        keys("Enter")
        shown = _wait_pane(tmux_session, calm("de"))
        deadline = time.monotonic() + 60
        while not rc.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert rc.read_text().strip() == str(EXIT_STORE)
    after = _pane(tmux_session)  # the terminal once the app has left: the journal line
    assert CANARY not in shown and "Traceback" not in shown
    assert "kiosk visitor stopped:" in after and "SQLITE_READONLY" in after
    assert CANARY not in after and "Traceback" not in after and "locals" not in after
