"""`[printer]` in the configuration, and what the printing code may import."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from kiosk.config import ConfigError, PrinterSettings, parse_config
from kiosk.paths import DEFAULT_CONFIG
from tests.conftest import PYTHON


def _parse(printer: dict | None, ticket_printer: str = ""):
    data = tomllib.loads(Path(DEFAULT_CONFIG).read_text(encoding="utf-8"))
    data.pop("printer", None)
    if printer is not None:
        data["printer"] = printer
    data["visitor"]["ticket_printer"] = ticket_printer
    return parse_config(data, Path("network.toml"))


def test_no_printer_by_default() -> None:
    assert _parse(None).printer == PrinterSettings("none", "", 576)
    assert not _parse(None).printer.enabled


def test_a_site_that_named_only_a_device_file_keeps_printing_to_it() -> None:
    assert _parse(None, "/dev/usb/lp0").printer == PrinterSettings("file", "/dev/usb/lp0", 576)


def test_each_printer_kind() -> None:
    assert _parse({"type": "network", "address": "10.0.0.9"}).printer.address == "10.0.0.9"
    assert _parse({"type": "usb", "address": "04b8:0e15", "width": 384}).printer == \
        PrinterSettings("usb", "04b8:0e15", 384)
    assert _parse({"type": "serial", "address": "/dev/ttyUSB0@19200"}).printer.kind == "serial"


@pytest.mark.parametrize("printer, key, problem", [
    ({"type": "bluetooth", "address": "x"}, "printer.type", "must be one of"),
    ({"type": "network"}, "printer.address", "a network printer needs an address"),
    ({"type": "usb", "address": "/dev/usb/lp0"}, "printer.address", "is not a USB id"),
    ({"type": "file", "address": "/dev/usb/lp0", "width": 512}, "printer.width",
     "must be 576 (80 mm paper) or 384 (58 mm)"),
    ({"type": "file", "address": "/dev/usb/lp0", "colour": True}, "printer", "colour"),
])
def test_a_bad_printer_setting_names_its_key(printer, key, problem) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(printer)
    assert caught.value.key.startswith(key) and problem in str(caught.value)


def test_printing_figures_and_report_code_never_load_textual() -> None:
    """The visitor app imports the printing code lazily, and `kiosk report` and
    `kiosk print-test` start without the UI toolkit."""
    code = ("import sys, kiosk.printing.print_ticket, kiosk.printing.transport, "
            "kiosk.stats.chart_data, kiosk.stats.report, kiosk.commands.report, "
            "kiosk.commands.printing; assert 'textual' not in sys.modules, 'textual loaded'")
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
