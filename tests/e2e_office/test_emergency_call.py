"""The emergency call between real processes: two `kiosk staff` consoles and `kiosk board` on
one office store, each in its own terminal (tmux), typed at as staff would.

Console 1 presses F12: console 2 shows the banner with desk and time and rings the terminal
bell, the configured hook runs with office, desk and time only, the board shows nothing of it;
console 2 acknowledges with F8 and console 1 sees who is coming. Both are in the audit log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.context import open_context
from kiosk.paths import DEFAULT_CONFIG
from kiosk.staffing.audit import recent
from kiosk.staffing.console import Staffing
from tests.conftest import KIOSK

HOOK = """\
import os, sys
from pathlib import Path
env = {k: v for k, v in os.environ.items() if k.startswith("KIOSK_ALARM_")}
Path(sys.argv[1]).write_text(repr((sys.argv[2:], sorted(env.items()))))
"""


class Terminal:
    """One program in its own tmux session of a fixed size."""

    def __init__(self, name: str, command: str, env: dict[str, str], size=(120, 30)) -> None:
        self.name = name
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y",
                        str(size[1]), f"env {exports} {command}; sleep 600"], check=True)
        subprocess.run(["tmux", "resize-window", "-t", name, "-x", str(size[0]), "-y",
                        str(size[1])], check=True)
        # tmux records a bell in a window flag; the alert is what the person at the desk hears
        subprocess.run(["tmux", "set-option", "-t", name, "-w", "monitor-bell", "on"],
                       check=True)

    def pane(self) -> str:
        """The screen's words, each run of blanks and line ends as one space (a banner may
        wrap at a narrow terminal)."""
        return " ".join(subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", self.name],
                                       capture_output=True, text=True, check=False
                                       ).stdout.split())

    def bell_flag(self) -> bool:
        out = subprocess.run(["tmux", "display-message", "-p", "-t", self.name,
                              "#{window_bell_flag}"], capture_output=True, text=True,
                             check=False).stdout
        return out.strip() == "1"

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait(self, condition, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        raise AssertionError(f"never happened in {self.name}: {what}\n{self.pane()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True,
                       check=False)


def type_pin(term: Terminal, pin: str) -> None:
    """Type the PIN one digit at a time, each once its field shows the one before: a digit
    that reached the profile list before the focus moved to the PIN field is typed again."""
    for typed, digit in enumerate(pin, start=1):
        for _ in range(20):
            if term.pane().count("•") >= typed:
                break
            term.keys(digit)
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline and term.pane().count("•") < typed:
                time.sleep(0.05)
        assert term.pane().count("•") == typed, term.pane()


@pytest.mark.slow
def test_emergency_call_between_two_consoles_and_not_on_the_board(tmp_path, store_path,
                                                                   cli_env):
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed to run the consoles in real terminals")
    hook_out = tmp_path / "hook.txt"
    (tmp_path / "hook.py").write_text(HOOK)
    config = tmp_path / "network.toml"
    config.write_text(Path(DEFAULT_CONFIG).read_text(encoding="utf-8").replace(
        'alarm_hook = ""', f'alarm_hook = "{sys.executable} {tmp_path / "hook.py"} '
                           f'{hook_out}"'), encoding="utf-8")
    setup = open_context(str(config), store_path)
    staffing = Staffing(setup)
    staffing.directory.add("Amira Haddad", ["de", "ar"], "1111", desk="1")
    staffing.directory.add("Reza Ahmadi", ["de", "fa"], "2222", desk="2")
    setup.close()

    env = {k: cli_env[k] for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    env["PATH"] = os.environ["PATH"]
    base = f"{KIOSK} --config {config} --db {store_path}"
    tag = tmp_path.name[-20:]
    terminals: list[Terminal] = []
    try:
        amira = Terminal(f"alarm-amira-{tag}", f"{base} staff", env)
        terminals.append(amira)
        reza = Terminal(f"alarm-reza-{tag}", f"{base} staff", env)
        terminals.append(reza)
        board = Terminal(f"alarm-board-{tag}", f"{base} board", env, size=(100, 30))
        terminals.append(board)
        for term, down, pin in ((amira, 0, "1111"), (reza, 1, "2222")):
            term.wait(lambda t=term: "Reza Ahmadi" in t.pane(), "profiles listed")
            term.keys(*["Down"] * down, "Enter")
            type_pin(term, pin)
            term.keys("Enter")
            term.wait(lambda t=term: "Warteschlange" in t.pane(), "signed in")
        board.wait(lambda: "Nummer" in board.pane(), "board shown")
        assert not reza.bell_flag()

        pressed = time.monotonic()
        amira.keys("F12")
        reza.wait(lambda: "NOTRUF Schalter 1" in reza.pane(), "colleague sees the banner")
        seen = time.monotonic() - pressed
        amira.wait(lambda: "Ihr Notruf" in amira.pane(), "sender sees the call went out")
        reza.wait(reza.bell_flag, "colleague's terminal rang")
        assert "Amira Haddad" in reza.pane() and "Ich komme" in reza.pane()
        assert "noch keine Bestätigung" in amira.pane()

        pressed = time.monotonic()
        reza.keys("F8")
        amira.wait(lambda: "Reza Ahmadi kommt" in amira.pane(), "sender sees who comes")
        acked = time.monotonic() - pressed
        reza.wait(lambda: "Reza Ahmadi kommt" in reza.pane(), "banner shows the ack")
        amira.wait(hook_out.exists, "hook ran")
        # a moment for the board's own poll (0.3 s) to have seen both changes
        time.sleep(1.0)
        board_text = board.pane()
    finally:
        for term in terminals:
            term.close()

    assert "Nummer" in board_text
    for word in ("NOTRUF", "Notruf", "Schalter 1 ·", "Amira", "Reza"):
        assert word not in board_text
    argv, hook_env = eval(hook_out.read_text())  # our own hook's repr, written above
    office, desk, at = argv
    assert (office, desk) == ("EVSC", "1") and at[:4].isdigit() and "T" in at
    assert dict(hook_env) == {"KIOSK_ALARM_OFFICE": "EVSC", "KIOSK_ALARM_DESK": "1",
                              "KIOSK_ALARM_AT": at}
    ctx = open_context(str(config), store_path)
    try:
        actions = [(e.action, e.staff) for e in recent(20) if e.action.startswith("alarm")]
    finally:
        ctx.close()
    assert ("alarm", "amira-haddad") in actions and ("alarm_ack", "reza-ahmadi") in actions
    # a figure, not a threshold: key press to the other terminal's screen, polled every 0.1 s
    print(f"\nemergency call: banner on the colleague's terminal after {seen:.2f} s, "
          f"acknowledgement on the sender's after {acked:.2f} s")
