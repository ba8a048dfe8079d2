"""Console and board on a store that fails: the calm German message, no traceback and no
name, a journal line, exit code 4 (the console on a key, the board by itself; the board
also as a real process in a terminal)."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from kiosk.i18n import messages as M
from kiosk.i18n.translator import translator
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store
from kiosk.ui.board.app import make_board_app
from kiosk.ui.crash import CrashScreen
from kiosk.ui.staff.app import make_staff_app
from tests.conftest import KIOSK
from tests.real_faults import CANARY, delete_store, read_only
from tests.ui_staff.conftest import sign_in, wait_for

EXIT_STORE = 4
CALM_DE = translator("de").gettext(M.TERMINAL_NOT_WORKING)
SIZE = (150, 42)


def screen_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static"))


async def _console_fails(ctx, staffing, capfd, fault, key: str | None) -> tuple[object, str]:
    ctx.queue.check_in(["post"], "fa", first_name=CANARY)
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: app.screen.id == "queue-screen"
                       and app.screen.loads > 0, "queue shown")
        with fault():
            if key:
                await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, CrashScreen), "calm message")
            text = screen_text(app)
            await pilot.pause(0.3)
            assert app.is_running  # the console waits for someone at the desk
            await pilot.press("x")
            await wait_for(pilot, lambda: not app.is_running, "console closed on a key")
    out, err = capfd.readouterr()
    journal = out + err
    assert CALM_DE in text and "Taste" in text
    assert app.return_code == EXIT_STORE
    assert "kiosk staff stopped:" in journal
    assert CANARY not in journal + text and "Traceback" not in journal + text
    return app, journal


async def test_console_on_a_read_only_store(ctx, staffing, capfd):
    _, journal = await _console_fails(ctx, staffing, capfd,
                                      lambda: read_only(ctx.store.path), "n")
    assert "SQLITE_READONLY" in journal


async def test_console_store_deleted_under_it(ctx, staffing, capfd):
    class Deleted:
        def __enter__(self):
            delete_store(ctx.store.path)

        def __exit__(self, *exc):
            return None

    _, journal = await _console_fails(ctx, staffing, capfd, Deleted, None)
    assert "store_missing" in journal


async def test_board_store_deleted_under_it(ctx, monkeypatch, capfd):
    monkeypatch.setenv("KIOSK_CRASH_SECONDS", "1")
    app = make_board_app(ctx, poll_seconds=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.screen.id == "board", "board shown")
        delete_store(ctx.store.path)
        await wait_for(pilot, lambda: isinstance(app.screen, CrashScreen), "calm message")
        text = screen_text(app)
        await wait_for(pilot, lambda: not app.is_running, "board left by itself")
    out, err = capfd.readouterr()
    assert CALM_DE in text and translator("en").gettext(M.TERMINAL_NOT_WORKING) in text
    assert app.return_code == EXIT_STORE
    assert "kiosk board stopped:" in out + err and "Traceback" not in out + err


def test_real_board_process_store_deleted(tmp_path, cli_env):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed to run the board in a real pty")
    db = tmp_path / "site.db"
    init_store(db, "EVSC", "EVSC-EV").close()
    rc = tmp_path / "rc"
    session = f"kiosk-board-{tmp_path.name}"[:60]
    command = (f"env KIOSK_CRASH_SECONDS=3 XDG_DATA_HOME={cli_env['XDG_DATA_HOME']} "
               f"XDG_CONFIG_HOME={cli_env['XDG_CONFIG_HOME']} {KIOSK} --config "
               f"{DEFAULT_CONFIG} --db {db} board; echo $? > {rc}; sleep 600")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                    command], check=True)

    def pane() -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", session],
                              capture_output=True, text=True, check=False).stdout

    def wait(condition, what: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        raise AssertionError(f"never happened: {what}\n{pane()}")

    try:
        wait(lambda: "Nummer" in pane(), "board shown")
        delete_store(db)
        wait(lambda: CALM_DE in pane(), "calm message on the terminal")
        wait(rc.exists, "board exited")
        after = pane()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True,
                       check=False)
    assert rc.read_text().strip() == str(EXIT_STORE)
    assert "kiosk board stopped:" in after and "store_missing" in after
    assert "Traceback" not in after
