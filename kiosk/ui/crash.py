"""One way for every kiosk app to fail: a calm full-screen message, a journal line without
data, and a non-zero exit so that the service manager starts the app again.

Textual's default on an unhandled error prints a Rich traceback *with local variables* — on
the visitor terminal that is the visitor's first name, in front of the next person. Every
app mixes in `CalmCrash`, which takes over `App._handle_exception` (the one method Textual
calls for errors in handlers, workers, timers and compose), so that:

- the screen shows only `crash_lines()` (the visitor's language on the terminal, German on
  the console and board), in a mode of its own that no stale handler can pop;
- timers and workers stop, app actions are refused, and worker threads get no more screen
  updates (`call_from_thread` raises `AppCrashed`);
- one line goes to the journal (`kiosk.faults.report`: types, SQLite/errno names and
  frames, never a value or message), through `logging` at once and on standard error once
  the terminal is released (`_print_error_renderables`, which never prints a traceback);
- the app exits with `kiosk.commands.common.exit_code_for(error)` (4 for a store or disk
  fault), after `CRASH_EXIT_SECONDS` or, where that is None, on any key.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from kiosk.commands.common import exit_code_for
from kiosk.faults import report
from kiosk.i18n import messages as M

log = logging.getLogger("kiosk.crash")
#: The local syslog socket, which journald reads: on the kiosk display the app's standard
#: error is the terminal emulator's, so the journal line goes here too.
SYSLOG_SOCKET_ENV = "KIOSK_SYSLOG_SOCKET"


def _journal() -> None:
    """Send ``kiosk.crash`` to the system log's socket (once per socket)."""
    from logging.handlers import SysLogHandler

    address = os.environ.get(SYSLOG_SOCKET_ENV, "/dev/log")
    if not os.path.exists(address) or any(
            isinstance(h, SysLogHandler) and h.address == address for h in log.handlers):
        return
    try:
        handler = SysLogHandler(address=address)
    except OSError:  # no syslog daemon listening: standard error still gets the line
        return
    handler.setFormatter(logging.Formatter("kiosk: %(message)s"))
    log.addHandler(handler)

#: The mode the crash screen lives in: a stack of its own, apart from every other screen.
CRASH_MODE = "crash"
#: Environment variable that shortens or lengthens how long the message stands (seconds).
SECONDS_ENV = "KIOSK_CRASH_SECONDS"


class AppCrashed(RuntimeError):
    """Raised in a worker thread that still wants the screen after the app has failed."""


@dataclass(frozen=True)
class Crash:
    """What the app knows about its failure: the exit code and the journal line."""

    code: int
    line: str


class CrashScreen(Screen[None], inherit_bindings=False):
    """The calm message, full screen; with `exit_on_key` any key ends the app."""

    CSS_PATH = "crash.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, lines: Sequence[str], hint: str, exit_on_key: bool) -> None:
        super().__init__(id="crash")
        self.lines = list(lines)
        self.hint = hint
        self.exit_on_key = exit_on_key

    def compose(self) -> ComposeResult:
        with Vertical(id="crash-box"):
            for line in self.lines:  # Text, not markup: nothing in a line is interpreted
                yield Static(Text(line), classes="crash-line")
            if self.hint:
                yield Static(Text(self.hint), id="crash-hint")

    def on_mount(self) -> None:
        shown = getattr(self.app, "_crash_screen_shown", None)
        if callable(shown):
            shown()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        if self.exit_on_key:
            self.app.exit()


class CalmCrash:
    """Mix into a Textual `App` (before `App`) to fail calmly; see the module docstring.

    Subclasses set `CRASH_PROGRAM` (the journal's name for it), `CRASH_EXIT_SECONDS` (None:
    wait for a key) and may override `crash_lines()` / `crash_hint()`.
    """

    CRASH_PROGRAM: ClassVar[str] = "kiosk"
    CRASH_EXIT_SECONDS: ClassVar[float | None] = 15.0

    _crash: Crash | None = None
    _crash_visible: bool = False

    @property
    def crash(self) -> Crash | None:
        """The failure, once there was one (tests and the command read its code)."""
        return self._crash

    # --- what the screen says ------------------------------------------------------------
    def crash_lines(self, width: int) -> list[str]:
        """The lines of the message, ready for the terminal; German by default."""
        return calm_lines(["de"], width)

    def crash_hint(self) -> str:
        """A smaller line under the message (the console says how to leave)."""
        return ""

    # --- Textual's hooks ------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Every unhandled error of the app arrives here (handlers, workers, timers)."""
        if self._crash is not None:
            self._after_crash(error)
            return
        crash = Crash(exit_code_for(error), report(error, self.CRASH_PROGRAM))
        self._crash = crash
        self._return_code = crash.code
        _journal()
        log.error("%s", crash.line)
        self._quiet_down()
        seconds = crash_seconds(self.CRASH_EXIT_SECONDS)
        if seconds is not None:
            self.set_timer(seconds, self._leave, name="crash-exit")
        try:
            self._show_crash_screen()
        except Exception:  # the message itself failed: leave at once
            self._leave()

    async def _dispatch_message(self, message: Any) -> None:
        """Keep the app's own message loop alive after an error in one of its handlers.

        Textual ends the loop of the pump whose handler raised; for the app itself that
        would end the app before the calm screen could be shown.
        """
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:  # handed to the one handler
            self._handle_exception(error)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """After a failure no binding of the app acts (not even quit: the exit is ours)."""
        if self._crash is not None:
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def call_from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Refuse worker threads' screen updates after a failure (they stop with the app)."""
        if self._crash is not None:
            raise AppCrashed("the app has failed; no more screen updates")
        return super().call_from_thread(callback, *args, **kwargs)  # type: ignore[misc]

    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None:
        """Exit; after a failure always with the failure's code and no message."""
        if self._crash is not None:
            return_code, message = self._crash.code, None
        super().exit(result, return_code, message)  # type: ignore[misc]

    def _print_error_renderables(self) -> None:
        """At exit, once the terminal is released: the journal line, never a traceback."""
        if self._crash is None:
            super()._print_error_renderables()  # type: ignore[misc]
            return
        self._exit_renderables.clear()
        stream = sys.__stderr__
        if stream is not None:
            print(self._crash.line, file=stream, flush=True)

    # --- the failure ----------------------------------------------------------------------
    def _quiet_down(self) -> None:
        """Stop every timer and worker, so nothing of the old screens acts again."""
        for node in [self, *list(getattr(self, "_registry", ()))]:
            for timer in list(getattr(node, "_timers", ())):
                timer.stop()
        self.workers.cancel_all()

    def _show_crash_screen(self) -> None:
        width = max(20, self.size.width - 8)
        try:
            lines = self.crash_lines(width)
        except Exception:  # the app's own wording failed: say it in German
            lines = calm_lines(["de"], width)
        screen = CrashScreen(lines, self.crash_hint(), self.CRASH_EXIT_SECONDS is None)
        self.add_mode(CRASH_MODE, lambda: screen)
        self.switch_mode(CRASH_MODE)

    def _crash_screen_shown(self) -> None:
        self._crash_visible = True

    def _after_crash(self, error: Exception) -> None:
        """A further error: nothing to add while the message stands; else leave now."""
        inner = getattr(error, "error", error)
        if isinstance(inner, AppCrashed):
            return
        log.error("%s", report(error, f"{self.CRASH_PROGRAM} (after the first error)"))
        if not self._crash_visible:
            self._leave()

    def _leave(self) -> None:
        self.exit()


def crash_seconds(default: float | None) -> float | None:
    """How long the message stands: `KIOSK_CRASH_SECONDS` (0.5–3600) if set, else `default`.

    An app that waits for a key (`default` None) keeps waiting. The service manager restarts
    the app when it exits, so this is the pause between a failure and the next attempt.
    """
    text = os.environ.get(SECONDS_ENV, "")
    if default is None or not text:
        return default
    try:
        value = float(text)
    except ValueError:
        return default
    return value if 0.5 <= value <= 3600 else default


def calm_lines(languages: Sequence[str], width: int, bidi: str = "app",
               native_digits: bool = False) -> list[str]:
    """"This terminal is not working right now…" in each of `languages`, ready for display.

    Arabic and Persian are wrapped in logical order first, then shaped and reordered per
    line (in "app" bidi mode), like every visitor text.
    """
    from kiosk.ui.visitor.wording import Wording

    lines: list[str] = []
    for lang in dict.fromkeys(languages):
        wording = Wording(lang, bidi, native_digits)  # type: ignore[arg-type]
        lines += wording.lines(wording(M.TERMINAL_NOT_WORKING), width)
    return lines
