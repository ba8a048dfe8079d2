"""Text typed by one person never acts in another person's console: markup, escapes, overrides.

Every line of `HOSTILE` goes into every free-text field of the console and the admin screen
(typed, or pasted where a keyboard cannot type it), and arrives as a record synced from
another office; the rendered screen must show it literally, clicking on it must do nothing,
no control character may reach the terminal, and the app must keep running.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from kiosk.i18n.bidi import display
from kiosk.store.models import Appointment, Mediator, Staff, Visit
from kiosk.sync import records
from kiosk.sync.apply import apply_page
from kiosk.sync.pipeline import Opened
from kiosk.text_rules import JOINERS
from kiosk.ui.board.app import make_board_app
from kiosk.ui.staff.app import make_staff_app
from kiosk.ui.staff.dialogs import FormDialog, NoticeDialog
from kiosk.ui.staff.widgets import cell_width
from tests.ui_staff.conftest import CTRL_S, ENTER, ESCAPE, sign_in, type_text, wait_for

SIZE = (200, 50)
OTHER = "MEHU-0001"  # the writer id of a machine at another office

#: (id, what a person types, what the screen must show). The expected forms are written out
#: here, not computed by the code under test.
HOSTILE: list[tuple[str, str, str]] = [
    ("bold", "[b]x[/b]", "[b]x[/b]"),
    ("click", "[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
    ("link", '[link="file:///etc/passwd"]Qz[/link]', '[link="file:///etc/passwd"]Qz[/link]'),
    ("red", "[red]", "[red]"),
    ("close", "a[/]b", "a[/]b"),
    ("sgr", "\x1b[31mrot\x1b[0m", "␛[31mrot␛[0m"),
    ("osc-title", "\x1b]0;title\x07", "␛]0;title␇"),
    ("c1-csi", "\x9b2Jweg", "\ufffd2Jweg"),
    ("rlo", "\u202eabc\u202c", "\ufffdabc\ufffd"),
    ("isolate", "\u2067abc\u2069", "\ufffdabc\ufffd"),
    ("nul", "a\x00b", "a␀b"),
    ("long", "[i]" + "x" * 4993 + "[/i]", "[i]" + "x" * 30),
    ("tigrinya", "ሰላም", "ሰላም"),
    ("sorani", "سڵاو", "سڵاو"),
    ("persian-zwnj", "علی\u200cرضا", "علی\u200cرضا"),
]
IDS = [h[0] for h in HOSTILE]
assert len(HOSTILE[IDS.index("long")][1]) == 5000

#: Characters that must never reach the terminal from a rendered screen.
FORBIDDEN = {*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0)),
             *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


# --- reading the rendered screen -------------------------------------------------------------
def _segments(app) -> Iterator[tuple[int, list[Segment]]]:
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        yield y, list(strip)


def screen_text(app) -> str:
    return "\n".join("".join(s.text for s in segs) for _, segs in _segments(app))


def find_on_screen(app, shown: str) -> tuple[int, int] | None:
    """(x, y) of the first cell of `shown` on the rendered screen (or of its right-to-left
    display form, for consoles that reorder names), None if it is not there."""
    forms = {shown, display(shown, "app")}
    for y, segs in _segments(app):
        line = "".join(s.text for s in segs)
        for form in forms:
            at = line.find(form)
            if at >= 0:
                return cell_len(line[:at]), y
    return None


def assert_terminal_safe(app) -> None:
    """No control character and nothing clickable or linked that a person typed."""
    for y, segs in _segments(app):
        for seg in segs:
            bad = FORBIDDEN & set(seg.text)
            assert not bad, f"control characters {bad!r} reach the terminal on line {y}"
            style = seg.style
            if style is not None:
                assert not style.link, f"a link on line {y}: {seg.text!r}"
                assert "@click" not in (style.meta or {}), f"a click action: {seg.text!r}"


class ActionSpy:
    """Records every action a mouse event dispatched through style metadata."""

    def __init__(self, app) -> None:
        self.fired: list[str] = []
        original = app._broker_event

        async def spy(event_name, *args, **kwargs):
            handled = await original(event_name, *args, **kwargs)
            if handled:
                self.fired.append(event_name)
            return handled

        app._broker_event = spy


async def click_does_nothing(pilot: Pilot, spy: ActionSpy, where: tuple[int, int],
                             what: str) -> None:
    screen = pilot.app.screen
    for dx in (0, 1, 2):  # the first cells: where "x" / "Qz" would sit as a link text
        await pilot.click(offset=(where[0] + dx, where[1]))
    await pilot.pause()
    assert pilot.app.is_running and pilot.app.return_code is None, f"app ended on {what!r}"
    assert pilot.app.screen is screen, f"a click on {what!r} changed the screen"
    assert spy.fired == [], f"a click on {what!r} fired {spy.fired}"


async def shown_literally(pilot: Pilot, spy: ActionSpy, shown: str) -> None:
    """Wait until `shown` is on the rendered screen, then check it is inert and survives
    clicks. Nothing here moves the mouse or the cursor: a table must show its new rows in
    full as they arrive, not after a person happens to hover over them."""
    app = pilot.app
    try:
        await wait_for(pilot, lambda: find_on_screen(app, shown) is not None)
    except AssertionError:
        raise AssertionError(f"never on screen: {shown[:40]!r}\n{screen_text(app)}") from None
    assert_terminal_safe(app)
    assert_tables_fit(app)
    await click_does_nothing(pilot, spy, find_on_screen(app, shown), shown)


def assert_tables_fit(app) -> None:
    """Every table on the screen is as wide as its cells: no name is cut off."""
    for table in app.screen.query(DataTable):
        for column in table.ordered_columns:
            width = column.get_render_width(table) - 2 * table.cell_padding
            widest = max((cell_width(c) for c in table.get_column(column.key)), default=0)
            assert width >= widest, f"{table.id}: column {column.label} cut to {width}"


# --- typing into the console's forms ---------------------------------------------------------
async def enter(pilot: Pilot, field: str, text: str) -> None:
    """Type `text` into a form field as a person would; paste what no keyboard types.

    Typing sends the key events the terminal driver makes of the characters, then waits
    until the field holds the text (``Pilot.press`` would wait for the process to look idle
    after every key, which cost a third of this file's time and proves nothing more). A
    Persian keyboard types ZWNJ, so a text with joiners is typed too.
    """
    widget = pilot.app.screen.query_one(f"#f-{field}", Input)
    widget.focus()
    await wait_for(pilot, lambda: pilot.app.focused is widget, "field focused")
    if len(text) < 40 and all(c.isprintable() or c in JOINERS for c in text):
        type_text(pilot, text)
        await wait_for(pilot, lambda: widget.value == text, "text typed into the field")
    else:
        widget.post_message(events.Paste(text))
        await wait_for(pilot, lambda: widget.value.endswith(text.splitlines()[0][-3:]),
                       "text pasted into the field")
    assert_terminal_safe(pilot.app)  # also while the form shows what was pasted


def fill(app, **values: str) -> None:
    for name, value in values.items():
        app.screen.query_one(f"#f-{name}").value = value


def status_of(app) -> str:
    """The status line of the screen on top ("" while a dialog is on top)."""
    found = app.screen.query("#status")
    return str(found.first().render()) if found else ""


async def submit_form(pilot: Pilot) -> None:
    """Submit the open form and wait for the screen's answer: its status line or a notice."""
    app = pilot.app
    type_text(pilot, CTRL_S)
    await wait_for(pilot, lambda: not isinstance(app.screen, FormDialog), "form closed")
    await wait_for(pilot, lambda: isinstance(app.screen, NoticeDialog)
                   or status_of(app).strip(), "an answer")


def clear_status(app) -> None:
    app.screen.query_one("#status").update("")


@dataclass
class TypedField:
    """One free-text field: how to reach its screen, fill it, and what it keeps."""

    name: str
    staff: tuple[str, str]
    open_screen: Callable[[Pilot], Awaitable[None]]
    submit: Callable[[Pilot, str, int], Awaitable[None]]
    stored: Callable[[str], bool]
    #: Inputs the field's own rules must accept (printable, short): shown literally after.
    must_accept: frozenset[str]
    #: Whether the accepted value is shown on this screen (a visit's note is not shown).
    displayed: bool = True


def on_top(app, screen_id: str | None = None, kind: type = object) -> bool:
    """Whether that screen is on top and mounted, its widgets composed (a screen is on the
    stack before it has any: a key or a query right after the push can find nothing)."""
    screen = app.screen
    return (isinstance(screen, kind) and screen_id in (None, screen.id)
            and screen.is_mounted)


async def _to(pilot: Pilot, key: str, screen_id: str) -> None:
    type_text(pilot, key)
    await wait_for(pilot, lambda: on_top(pilot.app, screen_id), screen_id)


async def _to_admin(pilot: Pilot) -> None:
    type_text(pilot, "x")
    await wait_for(pilot, lambda: on_top(pilot.app, kind=FormDialog), "admin PIN form")
    fill(pilot.app, pin="9999")
    type_text(pilot, CTRL_S)
    await wait_for(pilot, lambda: on_top(pilot.app, "admin-screen"), "admin screen")


async def _open_form(pilot: Pilot, key: str) -> None:
    clear_status(pilot.app)
    type_text(pilot, key)
    await wait_for(pilot, lambda: on_top(pilot.app, kind=FormDialog), "form")


async def _mediator(pilot: Pilot, text: str, i: int, *, field: str) -> None:
    await _open_form(pilot, "n")
    others = {"name": f"Selam {i}", "contact": "0171 555"}
    del others[field]
    fill(pilot.app, **others, languages="ti", weekdays="Di")
    await enter(pilot, field, text)
    await submit_form(pilot)


async def _staff(pilot: Pilot, text: str, i: int) -> None:
    await _open_form(pilot, "n")
    fill(pilot.app, languages="de", pin="1234", pin2="1234")
    await enter(pilot, "name", text)
    await submit_form(pilot)


async def _desk_label(pilot: Pilot, text: str, i: int) -> None:
    await _open_form(pilot, "l")
    fill(pilot.app, desk="1")
    await enter(pilot, "label", text)
    await submit_form(pilot)


def _slot(i: int) -> dict[str, str]:
    start = dt.datetime(2026, 11, 24, 11, 0) + dt.timedelta(minutes=5 * i)
    return dict(date=f"{start:%d.%m.%Y}", time=f"{start:%H:%M}", minutes="5", desk="2")


async def _appointment(pilot: Pilot, text: str, i: int, *, field: str) -> None:
    await _open_form(pilot, "b")
    fill(pilot.app, **_slot(i), language="de")
    await enter(pilot, field, text)
    # The booking form books on ctrl+s: the code comes in a notice (shown once), a refusal
    # stays in the open form, with the field marked and every value kept.
    form = pilot.app.screen
    type_text(pilot, CTRL_S)

    def answered() -> bool:
        screen = pilot.app.screen
        if isinstance(screen, NoticeDialog):
            return screen.is_mounted
        return screen is form and form.query_one("#form-error").display

    await wait_for(pilot, answered, "the code, or a refusal")
    pilot.app.refused_in_form = pilot.app.screen is form
    if pilot.app.screen is form:
        assert form.query_one(f"#f-{field}").has_class("invalid")
        assert form.values()[field] == text  # kept as typed
        assert_terminal_safe(pilot.app)  # the refusal shows next to the hostile text
        type_text(pilot, ESCAPE)
        await wait_for(pilot, lambda: pilot.app.screen.id == "appointments-screen", "back")
    if isinstance(pilot.app.screen, NoticeDialog):  # acknowledge the code
        type_text(pilot, ENTER)
        await wait_for(pilot, lambda: pilot.app.screen.id == "appointments-screen", "back")
        await wait_for(pilot, lambda: status_of(pilot.app).strip(), "booked")


async def _arrival_code(pilot: Pilot, text: str, i: int) -> None:
    await _open_form(pilot, "e")
    await enter(pilot, "code", text)
    await submit_form(pilot)


def _note_field(ctx) -> Callable[[Pilot, str, int], Awaitable[None]]:
    async def submit(pilot: Pilot, text: str, i: int) -> None:
        visit = ctx.queue.check_in(["post"], "fa")
        clear_status(pilot.app)
        type_text(pilot, "n")
        await wait_for(pilot, lambda: ctx.queue.get(visit.visit_id).status == "called")
        await wait_for(pilot, lambda: any(m.id == visit.visit_id
                                          for m in pilot.app.screen.snapshot.mine), "called")
        await wait_for(pilot, lambda: getattr(pilot.app.focused, "id", None) == "mine")
        await _open_form(pilot, "f")
        await enter(pilot, "note", text)
        await submit_form(pilot)
        await wait_for(pilot, lambda: ctx.queue.get(visit.visit_id).status == "finished"
                       or "error" in pilot.app.screen.query_one("#status").classes)
        if ctx.queue.get(visit.visit_id).status != "finished":  # refused: finish without it
            ctx.queue.finish(visit.visit_id, "reza-ahmadi", "resolved")

    return submit


MARKUP = frozenset({"bold", "click", "link", "red", "close"})
SCRIPTS = frozenset({"tigrinya", "sorani"})
#: Names spelt with a joiner: staff type them (`kiosk.text_rules`); a visitor's first name
#: and an appointment name follow the visitor's rule (`kiosk.queue.validation`).
JOINED = frozenset({"persian-zwnj"})


def typed_fields(ctx) -> dict[str, TypedField]:
    reza, chef = ("reza-ahmadi", "2222"), ("chef-admin", "9999")

    async def mediators(pilot):
        await _to(pilot, "m", "mediators-screen")

    async def appointments(pilot):
        await _to(pilot, "a", "appointments-screen")

    async def queue(pilot):
        pass

    def mediator_has(col):
        return lambda t: Mediator.select().where(getattr(Mediator, col) == t).exists()

    def appointment_has(col):
        return lambda t: Appointment.select().where(getattr(Appointment, col) == t).exists()

    return {f.name: f for f in [
        TypedField("mediator name", reza, mediators,
                   lambda p, t, i: _mediator(p, t, i, field="name"), mediator_has("name"),
                   MARKUP | SCRIPTS | JOINED),
        TypedField("mediator contact", reza, mediators,
                   lambda p, t, i: _mediator(p, t, i, field="contact"),
                   mediator_has("contact"), MARKUP | SCRIPTS | JOINED),
        TypedField("staff name (admin)", chef, _to_admin, _staff,
                   lambda t: Staff.select().where(Staff.display_name == t).exists(),
                   MARKUP | SCRIPTS | JOINED),
        TypedField("desk label (admin)", chef, _to_admin, _desk_label,
                   lambda t: t in desk_label_values(ctx),
                   frozenset({"bold", "red", "close"}) | SCRIPTS | JOINED),
        TypedField("appointment name", reza, appointments,
                   lambda p, t, i: _appointment(p, t, i, field="name"),
                   appointment_has("name"), SCRIPTS),
        TypedField("appointment phone", reza, appointments,
                   lambda p, t, i: _appointment(p, t, i, field="phone"),
                   appointment_has("phone"), frozenset()),
        TypedField("appointment arrival code", reza, appointments, _arrival_code,
                   lambda t: False, frozenset()),
        TypedField("visit note", reza, queue, _note_field(ctx),
                   lambda t: Visit.select().where(Visit.note == t).exists(),
                   MARKUP | SCRIPTS | {"sgr", "osc-title", "nul", "rlo"}, displayed=False),
    ]}


def desk_label_values(ctx) -> set[str]:
    from kiosk.staffing.desks import desk_labels

    return set(desk_labels(ctx.store, ctx.config).values())


TYPED_FIELDS = ["mediator name", "mediator contact", "staff name (admin)",
                "desk label (admin)", "appointment name", "appointment phone",
                "appointment arrival code", "visit note"]


@pytest.mark.parametrize("field_name", TYPED_FIELDS)
async def test_typed_text_is_shown_literally_and_never_acts(ctx, staffing, field_name):
    field = typed_fields(ctx)[field_name]
    app = make_staff_app(ctx)
    accepted = []
    async with app.run_test(size=SIZE) as pilot:
        spy = ActionSpy(app)
        await sign_in(pilot, *field.staff)
        await wait_for(pilot, lambda: app.screen.id == "queue-screen" and app.screen.loads,
                       "queue shown")
        await field.open_screen(pilot)
        for i, (hid, text, shown) in enumerate(HOSTILE):
            await field.submit(pilot, text, i)
            assert app.is_running, f"{field_name}: the app ended on {hid}"
            assert "Traceback" not in screen_text(app)
            if field.stored(text):
                accepted.append(hid)
                if field.displayed:
                    await shown_literally(pilot, spy, shown)
                else:
                    assert_terminal_safe(app)
            else:  # refused by the field's own rules: a calm message, nothing stored
                assert ("error" in app.screen.query_one("#status").classes
                        or getattr(app, "refused_in_form", False)), (field_name, hid)
                assert_terminal_safe(app)
            assert spy.fired == []
        assert app.is_running
    assert field.must_accept <= set(accepted), (field_name, accepted)


# --- records that arrive by sync from another office ----------------------------------------
class RemoteWriter:
    """Writes fields of records as another office's machine would, through the sync apply."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.seq = itertools.count(1)
        self.tick = itertools.count(1)

    def write(self, model, record_id: str, values: dict) -> None:
        clock = f"{9_000_000_000_000 + next(self.tick):013d}.00000.{OTHER}"
        seq = next(self.seq)
        opened = Opened(seq, b"x" * seq, site=OTHER, rid=records.rid_for(model.KIND, record_id),
                        gen=1, op="put", kind=model.KIND, record_id=record_id,
                        fields={k: (clock, v, "") for k, v in values.items()})
        result = apply_page(self.ctx.store, [opened], cursor=seq)
        assert result.merged == 1 and result.quarantined == 0


@dataclass
class SyncedField:
    name: str
    screen_key: str
    screen_id: str
    #: (ctx, remote) → a function that writes one hostile value into the synced record.
    setup: Callable


def _remote_mediator(field: str, needed: bool = False):
    def setup(ctx, remote: RemoteWriter):
        if needed:  # a visitor needs Tigrinya, which nobody on duty speaks: hint shown
            ctx.queue.check_in(["jobcenter"], "de", "ti")
        rec = "f" * 32
        remote.write(Mediator, rec, dict(name="Selam", languages=["ti"], contact="0171",
                                         weekdays=["tue"], active=True))
        return lambda text: remote.write(Mediator, rec, {field: text})
    return setup


def _remote_appointment(field: str):
    def setup(ctx, remote: RemoteWriter):
        when = dt.datetime(2026, 11, 24, 11, 0, tzinfo=ctx.queue.tz)
        info, _code = ctx.appointments.book(when, "fa", desk="2", name="Dariush")
        return lambda text: remote.write(Appointment, info.id, {field: text})
    return setup


def _remote_visit(field: str):
    def setup(ctx, remote: RemoteWriter):
        ticket = ctx.queue.check_in(["post"], "de", "ti")
        return lambda text: remote.write(Visit, ticket.visit_id, {field: text})
    return setup


SYNCED_FIELDS = [
    SyncedField("mediator name (register)", "m", "mediators-screen", _remote_mediator("name")),
    SyncedField("mediator contact (register)", "m", "mediators-screen",
                _remote_mediator("contact")),
    SyncedField("mediator name (queue hint)", "", "queue-screen",
                _remote_mediator("name", needed=True)),
    SyncedField("appointment name", "a", "appointments-screen", _remote_appointment("name")),
    SyncedField("appointment phone", "a", "appointments-screen",
                _remote_appointment("phone")),
    SyncedField("visitor first name", "", "queue-screen", _remote_visit("first_name")),
    SyncedField("visit ticket", "", "queue-screen", _remote_visit("ticket")),
]


@pytest.mark.parametrize("field", SYNCED_FIELDS, ids=[f.name for f in SYNCED_FIELDS])
async def test_synced_text_is_shown_literally_and_never_acts(ctx, staffing, field):
    remote = RemoteWriter(ctx)
    write = field.setup(ctx, remote)
    app = make_staff_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        spy = ActionSpy(app)
        await sign_in(pilot, "reza-ahmadi", "2222")
        await wait_for(pilot, lambda: app.screen.id == "queue-screen" and app.screen.loads,
                       "queue shown")
        if field.screen_key:
            await _to(pilot, field.screen_key, field.screen_id)
        for hid, text, shown in HOSTILE:
            write(text)
            if field.screen_id != "queue-screen":  # these screens load on entry
                type_text(pilot, ESCAPE)
                await wait_for(pilot, lambda: app.screen.id == "queue-screen", "back")
                await _to(pilot, field.screen_key, field.screen_id)
            await shown_literally(pilot, spy, shown)
            assert app.is_running, f"{field.name}: the app ended on {hid}"
        assert spy.fired == [] and app.is_running


async def test_board_shows_synced_tickets_and_desk_labels_inertly(ctx, staffing, clock):
    """The board shows numbers and desks only, but both can be typed text: a ticket arrives
    by sync, a desk label was typed by an admin (written here as an older release might have
    stored it, past today's checks)."""
    from kiosk.staffing.console import Console
    from kiosk.staffing.desks import PREFIX

    remote = RemoteWriter(ctx)
    reza = Console(staffing, staffing.directory.get("reza-ahmadi"))
    older = ctx.queue.check_in(["post"], "fa")
    newest = ctx.queue.check_in(["post"], "fa")
    reza.call(older.visit_id)
    clock.advance(minutes=1)
    reza.call(newest.visit_id)
    app = make_board_app(ctx, poll_seconds=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        spy = ActionSpy(app)
        for hid, text, shown in HOSTILE:
            remote.write(Visit, older.visit_id, {"ticket": text})
            with ctx.store.writing():
                ctx.store.set_setting(PREFIX + "2", text)
            ctx.store.close()
            await shown_literally(pilot, spy, shown[:8])  # the ticket, cut at 12 characters
            await shown_literally(pilot, spy, shown[:30])  # the desk label
            assert app.is_running, f"board ended on {hid}"

