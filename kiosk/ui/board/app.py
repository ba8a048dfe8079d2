"""The waiting-room board: the newest call large and highlighted, earlier calls below, a bell,
and each new call announced aloud (gong, German, the visitor's language; `kiosk.speech`).

No input at all: the app declares no bindings (not even quit), so nobody in the waiting
room can close it; it is stopped by its service manager. It reads only
`QueueService.recent_calls()` (numbers and desks) through `BoardFeed`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from kiosk.context import KioskContext
from kiosk.privacy.redaction import redact_at_start
from kiosk.speech.announce import Announcer
from kiosk.staffing.board import BoardFeed, BoardLine
from kiosk.staffing.watch import POLL_SECONDS, ChangeWatcher
from kiosk.terminal_text import printable
from kiosk.ui.board.bigtext import BigText
from kiosk.ui.crash import CalmCrash, calm_lines
from kiosk.ui.inert import CELL_LIMIT, inert
from kiosk.ui.theme import use_terminal_palette
from kiosk.ui.thread_store import thread_store

#: Seconds the newest call stays highlighted after it appears.
FRESH_SECONDS = 15.0
#: Re-read at least this often (the day changes, calls finish).
REFRESH_SECONDS = 20.0


class BoardScreen(Screen[None], inherit_bindings=False):
    """The board's only screen; it declares no bindings (not even Tab or copy)."""

    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Label("Aufruf · Call", id="caption")
            yield Label("", id="clock")
        with Horizontal(id="newest"):
            with Vertical(id="newest-number-box"):
                yield Label("Nummer · Number", classes="box-caption")
                yield BigText("", id="newest-number")
            with Vertical(id="newest-desk-box"):
                yield Label("Schalter · Desk", classes="box-caption")
                yield BigText("", id="newest-desk")
        yield Static("", id="history")
        yield Label("Bitte achten Sie auf Ihre Nummer · Please watch for your number",
                    id="hint")


class BoardApp(CalmCrash, App[None], inherit_bindings=False):
    """Shows called numbers and their desks; rings the terminal bell on each new call."""

    CSS_PATH = "board.tcss"
    TITLE = "lokal willkommen"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = []
    CRASH_PROGRAM = "kiosk board"

    def __init__(self, ctx: KioskContext, *, poll_seconds: float = POLL_SECONDS,
                 on_show: Callable[[Sequence[BoardLine]], None] | None = None,
                 announcer: Announcer | None = None) -> None:
        super().__init__()
        use_terminal_palette(self)
        self.ctx = ctx
        self.announcer = announcer
        """Says each new call aloud (None: the office has announcements off)."""
        self.feed = BoardFeed(ctx)
        self.poll_seconds = poll_seconds
        self.on_show = on_show
        self.lines: list[BoardLine] = []
        self.bells = 0

    def crash_lines(self, width: int) -> list[str]:
        """The waiting room reads German and English, as on the board's captions."""
        return calm_lines(["de", "en"], width)

    def on_mount(self) -> None:
        self.push_screen(BoardScreen(id="board"))
        self.watch_store()

    def on_unmount(self) -> None:
        if self.announcer is not None:
            self.announcer.close()  # no player process outlives the board

    @work(thread=True, exclusive=True, group="board-watch")
    def watch_store(self) -> None:
        worker = get_current_worker()
        watcher = ChangeWatcher(self.ctx.store.db)
        last = -math.inf  # monotonic() counts from boot: a fresh machine must load at once
        with thread_store(self.ctx.store):
            while not worker.is_cancelled:
                now = time.monotonic()
                if watcher.changed() or now - last > REFRESH_SECONDS:
                    lines, new = self.feed.read()
                    last = now
                    self.call_from_thread(self.show, lines, new)
                time.sleep(self.poll_seconds)

    def show(self, lines: list[BoardLine], new: list[BoardLine]) -> None:
        """Display the calls (newest first) and ring once if any is new."""
        self.lines = lines
        tz = self.ctx.queue.tz
        self.screen.query_one("#clock", Label).update(self.ctx.queue.now().astimezone(tz)
                                               .strftime("%H:%M"))
        newest = self.screen.query_one("#newest")
        if lines:
            self.screen.query_one("#newest-number", BigText).text = lines[0].ticket
            self.screen.query_one("#newest-desk", BigText).text = lines[0].desk
        else:
            self.screen.query_one("#newest-number", BigText).text = ""
            self.screen.query_one("#newest-desk", BigText).text = ""
        history = "\n".join(f"{printable(line.ticket, limit=12):>8}   →   "
                            f"{printable(line.desk, limit=CELL_LIMIT)}" for line in lines[1:])
        self.screen.query_one("#history", Static).update(inert(history, limit=None,
                                                                multiline=True))
        if new:
            self.bells += 1
            self.bell()
            if self.announcer is not None:
                now = self.ctx.queue.now().astimezone(tz)
                for line in reversed(new):  # oldest first: the order they were called in
                    self.announcer.announce(line.ticket, line.desk, line.language or None, now)
            newest.add_class("fresh")
            self.set_timer(FRESH_SECONDS, lambda: newest.remove_class("fresh"))
        if self.on_show is not None:
            self.on_show(lines)


def make_board_app(ctx: KioskContext, *, poll_seconds: float = POLL_SECONDS,
                   on_show: Callable[[Sequence[BoardLine]], None] | None = None,
                   announcer: Announcer | None = None) -> BoardApp:
    """The board over an open context (the CLI, the tests and the office test use this).

    Without `announcer`, calls are announced as the office's `[speech]` settings say.
    """
    redact_at_start(ctx)
    settings = ctx.config.office(ctx.store.site).speech
    if announcer is None and settings.announce != "off":
        from kiosk.speech.setup import make_speaker, speech_cache_dir

        speaker = make_speaker(settings, speech_cache_dir(ctx.store.path))
        announcer = Announcer(speaker, settings.announce, settings.quiet_hours)
    return BoardApp(ctx, poll_seconds=poll_seconds, on_show=on_show, announcer=announcer)
