"""The ESC/POS stream, sent through python-escpos to a file and to a TCP printer, read back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kiosk.config import PrinterSettings
from kiosk.printing.errors import PrinterError
from kiosk.printing.render import render_ticket
from kiosk.printing.transport import send_image
from tests.conftest import KIOSK
from tests.printing.escpos_decode import printed_image
from tests.printing.loopback import LoopbackPrinter, closed_port
from tests.printing.pixels import differing_share
from tests.printing.samples import sample

CUT = b"\x1dV\x01"
"""A partial cut (python-escpos feeds the paper past the cutter first)."""


def test_a_file_printer_gets_the_ticket_image_dot_for_dot(tmp_path: Path) -> None:
    """A device file such as /dev/usb/lp0 is written like any file; here it is one."""
    image = render_ticket(sample("ar"))
    device = tmp_path / "lp0"
    send_image(image, PrinterSettings("file", str(device), 576))
    stream = device.read_bytes()
    assert stream.startswith(b"\x1b@") and stream.endswith(CUT)
    assert differing_share(printed_image(stream), image) == 0


@pytest.mark.parametrize("lang, width", [("fa", 576), ("ti", 384)])
def test_a_network_printer_gets_the_ticket_image_dot_for_dot(lang: str, width: int) -> None:
    image = render_ticket(sample(lang), width)
    with LoopbackPrinter() as printer:
        send_image(image, PrinterSettings("network", printer.address, width))
        stream = printer.wait()
    assert stream.endswith(CUT)
    printed = printed_image(stream)
    assert printed.width == width
    assert differing_share(printed, image) == 0


def test_a_switched_off_network_printer_is_a_clear_error() -> None:
    port = closed_port()
    with pytest.raises(PrinterError) as caught:
        send_image(render_ticket(sample("uk")), PrinterSettings("network", f"127.0.0.1:{port}"))
    assert caught.value.code == "unreachable"
    assert str(caught.value) == (f"network printer 127.0.0.1:{port} cannot be reached: "
                                 "Connection refused")


def test_an_unplugged_device_file_is_a_clear_error(tmp_path: Path) -> None:
    gone = tmp_path / "usb" / "lp0"
    with pytest.raises(PrinterError) as caught:
        send_image(render_ticket(sample("uk")), PrinterSettings("file", str(gone)))
    assert caught.value.code == "unreachable"
    assert "\n" not in str(caught.value) and str(gone) in str(caught.value)
    assert not gone.exists()


def _config_with_printer(tmp_path: Path, kind: str, address: str, width: int = 576) -> Path:
    from kiosk.paths import DEFAULT_CONFIG

    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8")
    old = '[printer]\ntype = "none"\naddress = ""\nwidth = 576\n'
    assert old in text
    path = tmp_path / "network.toml"
    path.write_text(text.replace(old, f'[printer]\ntype = "{kind}"\naddress = "{address}"\n'
                                      f"width = {width}\n"), encoding="utf-8")
    return path


def test_print_test_command_prints_through_the_configured_printer(tmp_path, cli_env) -> None:
    config = _config_with_printer(tmp_path, "network", "127.0.0.1:{port}")
    with LoopbackPrinter() as printer:
        config.write_text(config.read_text().replace("{port}", str(printer.port)))
        done = subprocess.run([KIOSK, "--config", str(config), "print-test", "--language",
                               "ar"], env=cli_env, capture_output=True, text=True, timeout=60)
        stream = printer.wait()
    assert done.returncode == 0, done.stderr
    assert printed_image(stream).width == 576


def test_print_test_command_says_clearly_when_the_printer_is_off(tmp_path, cli_env) -> None:
    port = closed_port()
    config = _config_with_printer(tmp_path, "network", f"127.0.0.1:{port}")
    done = subprocess.run([KIOSK, "--config", str(config), "print-test"], env=cli_env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (f"kiosk: printer error: network printer 127.0.0.1:{port} cannot "
                           "be reached: Connection refused\n")
    assert "Traceback" not in done.stdout


@pytest.mark.parametrize("setting, code, message", [
    ('type = "none"', 3, "no ticket printer is configured"),
    ('type = "laser"', 3, "'laser' must be one of none, usb, network, serial, file"),
    ('type = "usb"\naddress = "lp0"', 3, "'lp0' is not a USB id like 04b8:0e15"),
    ("width = 500", 3, "500 must be 576 (80 mm paper) or 384 (58 mm)"),
])
def test_print_test_command_names_a_bad_printer_setting(tmp_path, cli_env, setting, code,
                                                        message) -> None:
    from kiosk.paths import DEFAULT_CONFIG

    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8").replace(
        '[printer]\ntype = "none"\naddress = ""\nwidth = 576\n', f"[printer]\n{setting}\n")
    config = tmp_path / "network.toml"
    config.write_text(text, encoding="utf-8")
    done = subprocess.run([KIOSK, "--config", str(config), "print-test"], env=cli_env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == code
    assert message in done.stderr and done.stderr.count("\n") == 1


def test_print_test_png_draws_the_sample(tmp_path, cli_env) -> None:
    from PIL import Image

    out = tmp_path / "sample.png"
    done = subprocess.run([KIOSK, "print-test", "--language", "fa", "--png", str(out)],
                          env=cli_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).width == 576
    bad = subprocess.run([KIOSK, "print-test", "--language", "xx", "--png",
                          str(tmp_path / "bad.png")], env=cli_env, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 5 and "xx" in bad.stderr
    assert not (tmp_path / "bad.png").exists()


@pytest.mark.parametrize("kind, address", [
    ("serial", "/dev/ttyKIOSKNONE@19200"),  # no such serial port
    ("usb", "04b8:0e15"),  # no such USB printer here (or no libusb): either way unreachable
])
def test_a_missing_usb_or_serial_printer_is_a_clear_error(kind: str, address: str) -> None:
    with pytest.raises(PrinterError) as caught:
        send_image(render_ticket(sample("uk")), PrinterSettings(kind, address))
    assert caught.value.code == "unreachable"
    message = str(caught.value)
    assert message.startswith(f"{kind} printer {address} cannot be reached: ")
    assert "\n" not in message
