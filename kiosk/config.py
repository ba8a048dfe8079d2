"""The network and site configuration: a frozen, typed object built once at the edge.

The TOML file describes the whole network (offices, locations, concerns, referrals, queue and
visitor settings). Every command and screen receives a `NetworkConfig`; nothing reads the file
again. Errors name the file, the key and what is wrong, because an admin edits this by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import EXIT_CONFIG, KioskError
from wire.ids import OFFICE_RE, SITE_RE, OfficeCode

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class ConfigError(KioskError):
    """A configuration file that cannot be used; the message names file and key."""

    code = "config"
    exit_code = EXIT_CONFIG

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: {key}: {problem}")

    def describe(self) -> str:
        return f"configuration error: {self}"


@dataclass(frozen=True)
class Location:
    """A place where an office holds consulting hours (an office can have several)."""

    code: str
    name: str
    address: str
    office: str
    #: weekday ("mon"…) → list of (start, end) times; empty means "hours unknown".
    hours: dict[str, tuple[tuple[dt.time, dt.time], ...]] = field(default_factory=dict)
    todo: tuple[str, ...] = ()

    def is_open(self, when: dt.datetime) -> bool:
        """Whether `when` (local time) falls in consulting hours; unknown hours count as open."""
        if not self.hours:
            return True
        spans = self.hours.get(WEEKDAYS[when.weekday()], ())
        return any(start <= when.time() < end for start, end in spans)

    def next_opening(self, when: dt.datetime) -> dt.datetime | None:
        """The next start of consulting hours after `when`, or None if hours are unknown."""
        if not self.hours:
            return None
        for days in range(8):
            day = when.date() + dt.timedelta(days=days)
            for start, _end in sorted(self.hours.get(WEEKDAYS[day.weekday()], ())):
                candidate = dt.datetime.combine(day, start, tzinfo=when.tzinfo)
                if candidate > when:
                    return candidate
        return None


@dataclass(frozen=True)
class SpeechSettings:
    """What the visitor terminal and the board say aloud (README "Speech").

    Network-wide in `[speech]`; an office overrides any key in its `speech` table.
    """

    #: "off", "tile" (a speaker tile turns reading aloud on for the visit; the ticket is
    #: read out anyway) or "auto" (every screen is read out once a language is chosen).
    read_aloud: str = "tile"
    #: Board announcements of a call: "off", "gong", "de" or "de+visitor".
    announce: str = "de+visitor"
    #: Loudness of everything played, in percent.
    volume: int = 80
    #: Local times with no sound at all, e.g. ((20:00, 07:00),); may run past midnight.
    quiet_hours: tuple[tuple[dt.time, dt.time], ...] = ()
    #: The player command; the WAV file is appended ("aplay -q" plays on the default device).
    player: tuple[str, ...] = ("aplay", "-q")
    #: Folder of recorded prompts (<lang>/<prompt id>.wav); empty: synthetic voice only.
    recordings: str = ""


READ_ALOUD_MODES = ("off", "tile", "auto")
ANNOUNCE_MODES = ("off", "gong", "de", "de+visitor")


@dataclass(frozen=True)
class Office:
    """One of the network's seven offices (fixed), run by the city and a partner."""

    code: OfficeCode
    name: str
    districts: tuple[str, ...]
    partner: str
    languages: tuple[str, ...]
    desks: tuple[str, ...]
    locations: tuple[Location, ...]
    todo: tuple[str, ...] = ()
    speech: SpeechSettings = field(default_factory=SpeechSettings)


@dataclass(frozen=True)
class Concern:
    """A concern category (Anliegen) a visitor can pick at the terminal.

    ``keyword`` is resolved where the file is read: the configured German word(s), or for a
    default concern that gives none the default's German keyword
    (``kiosk.i18n.concerns``), so every reader uses the one value.
    """

    id: str
    symbol: str
    keyword: str
    label: str
    labels: dict[str, str] = field(default_factory=dict)
    private: bool = False


@dataclass(frozen=True)
class Referral:
    """A specialist service (Fachstelle) a visit can be referred to."""

    id: str
    name: str


@dataclass(frozen=True)
class QueueSettings:
    """How the queue calls people; see README "Call-next policy"."""

    max_calls: int = 3
    fairness_minutes: int = 30
    walk_in_prefix: str = "A"
    appointment_prefix: str = "T"
    priorities: dict[str, int] = field(
        default_factory=lambda: {"urgent": 1, "normal": 2, "follow_up": 3}
    )
    appointment_due_minutes: int = 10


@dataclass(frozen=True)
class VisitorSettings:
    """Settings of the visitor terminal."""

    idle_timeout_seconds: int = 60
    allow_checkin_outside_hours: bool = False
    bidi: str = "app"
    native_digits: bool = False
    ticket_printer: str = ""


PRINTER_KINDS = ("none", "usb", "network", "serial", "file")
PRINTER_WIDTHS = (384, 576)


@dataclass(frozen=True)
class PrinterSettings:
    """The office machine's ticket printer (`[printer]`); tickets print as raster images.

    Attributes:
        kind: "none", "usb", "network", "serial" or "file" (a device file such as
            /dev/usb/lp0, or a spool file).
        address: usb "VENDOR:PRODUCT" in hex (04b8:0e15); network "HOST[:PORT]" (9100);
            serial "DEVICE[@BAUD]" (/dev/ttyUSB0@19200); file a path.
        width: printable dots per line: 576 for 80 mm paper, 384 for 58 mm.
    """

    kind: str = "none"
    address: str = ""
    width: int = 576

    @property
    def enabled(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class StaffSettings:
    """Settings of the staff consoles."""

    #: A command the office machine runs when a console sends an emergency call (e.g. one
    #: that texts the office phone), given office, desk and time — never personal data.
    alarm_hook: str = ""


@dataclass(frozen=True)
class NetworkConfig:
    """The whole network as one immutable value."""

    path: str
    id: str
    name: str
    sync_server: str
    retention_days: int
    timezone: str
    ui_languages: tuple[str, ...]
    interpreter_languages: tuple[str, ...]
    offices: tuple[Office, ...]
    concerns: tuple[Concern, ...]
    referrals: tuple[Referral, ...]
    queue: QueueSettings
    visitor: VisitorSettings
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    mass_erasure_threshold: int = 50
    """``[sync]``: erasures of young records by one machine in one day beyond this are held
    for an admin at every receiving site (``kiosk erasures``)."""
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    audit_retention_days: int = 730
    """Days after which audit entries lose who and which record (kept longer than visit
    data: a data-protection officer must be able to check what staff did with it)."""
    staff: StaffSettings = field(default_factory=StaffSettings)

    def office(self, code: str) -> Office:
        """The office with this code, typed in any case; KeyError names the known codes."""
        for office in self.offices:
            if office.code == code.upper():
                return office
        known = ", ".join(o.code for o in self.offices)
        raise KeyError(f"unknown office {code!r} (known: {known})")

    def location(self, code: str) -> Location:
        """The location with this code (typed in any case), in any office."""
        for office in self.offices:
            for loc in office.locations:
                if loc.code == code.upper():
                    return loc
        known = ", ".join(loc.code for o in self.offices for loc in o.locations)
        raise KeyError(f"unknown location {code!r} (known: {known})")

    def concern(self, concern_id: str) -> Concern:
        """The concern with this id."""
        for concern in self.concerns:
            if concern.id == concern_id:
                return concern
        known = ", ".join(c.id for c in self.concerns)
        raise KeyError(f"unknown concern {concern_id!r} (known: {known})")


class _Reader:
    """Typed access to one TOML table that reports errors by their dotted key."""

    def __init__(self, path: Path, data: dict[str, Any], prefix: str) -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.key(name), problem)

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if name not in self.data:
            if default is ...:
                raise self.fail(name, "is missing")
            return default
        value = self.data[name]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            kinds = (kind,) if isinstance(kind, type) else kind
            names = " or ".join(k.__name__ for k in kinds)
            raise self.fail(name, f"must be {names}, not {type(value).__name__} {value!r}")
        return value

    def text(self, name: str, default: Any = ..., pattern: re.Pattern[str] | None = None) -> str:
        value = self.get(name, str, default)
        if pattern is not None and not pattern.match(value):
            raise self.fail(name, f"{value!r} does not match {pattern.pattern}")
        return value

    def number(self, name: str, default: Any = ..., low: int = 0, high: int = 10**9) -> int:
        value = self.get(name, int, default)
        if not low <= value <= high:
            raise self.fail(name, f"{value} is outside {low}..{high}")
        return value

    def strings(self, name: str, default: Any = ..., pattern: re.Pattern[str] | None = None
                ) -> tuple[str, ...]:
        values = self.get(name, list, default)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail(f"{name}[{i}]", f"must be a string, not {value!r}")
            if pattern is not None and not pattern.match(value):
                raise self.fail(f"{name}[{i}]", f"{value!r} does not match {pattern.pattern}")
        return tuple(values)

    def table(self, name: str) -> _Reader:
        return _Reader(self.path, self.get(name, dict, {}), self.key(name))

    def tables(self, name: str) -> list[_Reader]:
        items = self.get(name, list, [])
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise ConfigError(self.path, f"{self.key(name)}[{i}]", "must be a table")
            out.append(_Reader(self.path, item, f"{self.key(name)}[{i}]"))
        return out

    def unknown(self, allowed: set[str]) -> None:
        """Reject keys we do not know: a typo must not be silently ignored."""
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _hours(reader: _Reader) -> dict[str, tuple[tuple[dt.time, dt.time], ...]]:
    hours: dict[str, tuple[tuple[dt.time, dt.time], ...]] = {}
    table = reader.table("hours")
    table.unknown(set(WEEKDAYS))
    for day in table.data:
        spans = []
        for i, span in enumerate(table.strings(day)):
            match = _SPAN.match(span)
            if not match:
                raise table.fail(f"{day}[{i}]", f"{span!r} is not a time span like 09:00-12:00")
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            start, end = dt.time(h1, m1), dt.time(h2, m2)
            if end <= start:
                raise table.fail(f"{day}[{i}]", f"{span!r} ends before it starts")
            spans.append((start, end))
        hours[day] = tuple(spans)
    return hours


def _quiet_hours(reader: _Reader, name: str, default: Any
                 ) -> tuple[tuple[dt.time, dt.time], ...]:
    spans = []
    for i, span in enumerate(reader.strings(name, default)):
        match = _SPAN.match(span)
        if not match:
            raise reader.fail(f"{name}[{i}]", f"{span!r} is not a time span like 20:00-07:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if (h1, m1) == (h2, m2):
            raise reader.fail(f"{name}[{i}]", f"{span!r} is empty")
        spans.append((dt.time(h1, m1), dt.time(h2, m2)))
    return tuple(spans)


def _speech(reader: _Reader, base: SpeechSettings) -> SpeechSettings:
    """Speech settings from one table, keys not given taken from `base`."""
    reader.unknown({"read_aloud", "announce", "volume", "quiet_hours", "player", "recordings"})
    read_aloud = reader.text("read_aloud", base.read_aloud)
    if read_aloud not in READ_ALOUD_MODES:
        raise reader.fail("read_aloud", f"{read_aloud!r} must be one of "
                                        f"{', '.join(READ_ALOUD_MODES)}")
    announce = reader.text("announce", base.announce)
    if announce not in ANNOUNCE_MODES:
        raise reader.fail("announce", f"{announce!r} must be one of {', '.join(ANNOUNCE_MODES)}")
    player = reader.strings("player", base.player)
    if not player or not player[0].strip():
        raise reader.fail("player", "needs at least the player program, e.g. [\"aplay\", \"-q\"]")
    quiet = base.quiet_hours
    if "quiet_hours" in reader.data:
        quiet = _quiet_hours(reader, "quiet_hours", ())
    return SpeechSettings(
        read_aloud=read_aloud, announce=announce,
        volume=reader.number("volume", base.volume, low=0, high=100),
        quiet_hours=quiet, player=tuple(player),
        recordings=reader.text("recordings", base.recordings),
    )


def _office(reader: _Reader, speech: SpeechSettings | None = None) -> Office:
    reader.unknown({"code", "name", "districts", "partner", "languages", "desks", "todo",
                    "locations", "speech"})
    code = reader.text("code", pattern=OFFICE_RE)
    locations = []
    for loc in reader.tables("locations"):
        loc.unknown({"code", "name", "address", "hours", "todo"})
        locations.append(Location(
            code=loc.text("code", pattern=SITE_RE), name=loc.text("name"),
            address=loc.text("address", ""), office=code, hours=_hours(loc),
            todo=loc.strings("todo", ()),
        ))
    if not locations:
        raise reader.fail("locations", "an office needs at least one location")
    return Office(
        code=code, name=reader.text("name"), districts=reader.strings("districts", ()),
        partner=reader.text("partner", ""), languages=reader.strings("languages", _LANG),
        desks=reader.strings("desks", ("1",)), locations=tuple(locations),
        todo=reader.strings("todo", ()),
        speech=_speech(reader.table("speech"), speech or SpeechSettings()),
    )


def _default_keyword(concern_id: str) -> str:
    """The default concern's German keyword, "" for a concern of the network's own.

    Imported only when a concern gives no keyword of its own: the visitor terminal starts
    without the concern catalogue (the shipped file names every keyword).
    """
    from kiosk.i18n.concerns import concern as default_concern

    try:
        return default_concern(concern_id).keyword_de
    except KeyError:
        return ""


def parse_config(data: dict[str, Any], path: Path) -> NetworkConfig:
    """Build and validate a `NetworkConfig` from parsed TOML."""
    root = _Reader(path, data, "")
    root.unknown({"network", "queue", "visitor", "offices", "concerns", "referrals",
                  "printer", "sync", "speech", "staff"})
    speech = _speech(root.table("speech"), SpeechSettings())
    net = root.table("network")
    net.unknown({"id", "name", "sync_server", "retention_days", "timezone", "ui_languages",
                 "interpreter_languages", "audit_retention_days"})
    queue = root.table("queue")
    queue.unknown({"max_calls", "fairness_minutes", "walk_in_prefix", "appointment_prefix",
                   "priorities", "appointment_due_minutes"})
    sync = root.table("sync")
    sync.unknown({"mass_erasure_threshold"})
    visitor = root.table("visitor")
    visitor.unknown({"idle_timeout_seconds", "allow_checkin_outside_hours", "bidi",
                     "native_digits", "ticket_printer"})
    staff = root.table("staff")
    staff.unknown({"alarm_hook"})
    bidi = visitor.text("bidi", "app")
    if bidi not in ("app", "terminal"):
        raise visitor.fail("bidi", f"{bidi!r} must be \"app\" or \"terminal\"")
    priorities = queue.get("priorities", dict, {"urgent": 1, "normal": 2, "follow_up": 3})
    prio_reader = queue.table("priorities")
    for name in prio_reader.data:
        prio_reader.number(name, low=1, high=9)
    if "normal" not in priorities:
        raise queue.fail("priorities", "needs a 'normal' level")

    offices = tuple(_office(o, speech) for o in root.tables("offices"))
    if not offices:
        raise root.fail("offices", "at least one office is needed")
    seen: set[str] = set()
    for i, office in enumerate(offices):
        for code in (office.code, *(loc.code for loc in office.locations)):
            if code in seen:
                raise ConfigError(path, f"offices[{i}]", f"code {code!r} is used twice")
            seen.add(code)

    concerns = []
    for c in root.tables("concerns"):
        c.unknown({"id", "symbol", "keyword", "label", "labels", "private"})
        labels = c.table("labels")
        concerns.append(Concern(
            id=c.text("id", pattern=_ID), symbol=c.text("symbol", "•"),
            keyword=c.text("keyword", "") or _default_keyword(c.text("id", pattern=_ID)),
            label=c.text("label"),
            labels={k: labels.text(k) for k in labels.data}, private=c.get("private", bool, False),
        ))
    if len({c.id for c in concerns}) != len(concerns):
        raise root.fail("concerns", "concern ids must be unique")

    referrals = []
    for r in root.tables("referrals"):
        r.unknown({"id", "name"})
        referrals.append(Referral(id=r.text("id", pattern=_ID), name=r.text("name")))

    retention_days = net.number("retention_days", 90, low=1, high=3650)
    audit_retention_days = net.number("audit_retention_days", max(730, retention_days),
                                      low=1, high=3650)
    if audit_retention_days < retention_days:
        raise net.fail("audit_retention_days", f"{audit_retention_days} is shorter than "
                       f"retention_days ({retention_days}): the audit must outlive the data")
    return NetworkConfig(
        path=str(path),
        id=net.text("id", pattern=re.compile(r"^[a-z0-9][a-z0-9-]{2,62}$")),
        name=net.text("name"), sync_server=net.text("sync_server", ""),
        retention_days=retention_days, audit_retention_days=audit_retention_days,
        timezone=net.text("timezone", "Europe/Berlin"),
        ui_languages=net.strings("ui_languages", ("de", "en"), _LANG),
        interpreter_languages=net.strings("interpreter_languages", (), _LANG),
        offices=offices, concerns=tuple(concerns), referrals=tuple(referrals),
        mass_erasure_threshold=sync.number("mass_erasure_threshold", 50, low=1,
                                           high=1_000_000),
        queue=QueueSettings(
            max_calls=queue.number("max_calls", 3, low=1, high=20),
            fairness_minutes=queue.number("fairness_minutes", 30, low=1, high=24 * 60),
            walk_in_prefix=queue.text("walk_in_prefix", "A", re.compile(r"^[A-Z]$")),
            appointment_prefix=queue.text("appointment_prefix", "T", re.compile(r"^[A-Z]$")),
            priorities=dict(priorities),
            appointment_due_minutes=queue.number("appointment_due_minutes", 10, high=240),
        ),
        visitor=VisitorSettings(
            idle_timeout_seconds=visitor.number("idle_timeout_seconds", 60, low=5, high=3600),
            allow_checkin_outside_hours=visitor.get("allow_checkin_outside_hours", bool, False),
            bidi=bidi, native_digits=visitor.get("native_digits", bool, False),
            ticket_printer=visitor.text("ticket_printer", ""),
        ),
        printer=_printer(root.table("printer"), visitor.text("ticket_printer", "")),
        speech=speech,
        staff=StaffSettings(alarm_hook=staff.text("alarm_hook", "")),
    )


def _printer(table: _Reader, legacy_device: str) -> PrinterSettings:
    """`[printer]`; a site that only names `visitor.ticket_printer` (a device file) keeps it."""
    table.unknown({"type", "address", "width"})
    default_kind = "file" if legacy_device else "none"
    kind = table.text("type", default_kind)
    if kind not in PRINTER_KINDS:
        raise table.fail("type", f"{kind!r} must be one of {', '.join(PRINTER_KINDS)}")
    address = table.text("address", legacy_device)
    if kind != "none" and not address:
        raise table.fail("address", f"a {kind} printer needs an address")
    if kind == "usb" and not re.match(r"^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$", address):
        raise table.fail("address", f"{address!r} is not a USB id like 04b8:0e15")
    width = table.number("width", 576, low=1, high=4096)
    if width not in PRINTER_WIDTHS:
        raise table.fail("width", f"{width} must be 576 (80 mm paper) or 384 (58 mm)")
    return PrinterSettings(kind, address, width)


def load_config(path: Path | str) -> NetworkConfig:
    """Read and validate the TOML file at `path`.

    Raises:
        ConfigError: naming the file and the key, for a missing file, bad TOML or bad values.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, "(file)", "does not exist") from None
    except OSError as exc:
        raise ConfigError(path, "(file)", f"cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, "(file)", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "(syntax)", str(exc)) from None
    return parse_config(data, path)
