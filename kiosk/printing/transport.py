"""Sending a rendered ticket to the office's printer with python-escpos.

The image goes out as one ``GS v 0`` raster block (every ESC/POS printer since the TM-T88II
knows it), followed by a partial cut. Every way a printer can fail — unplugged, switched off,
a refused connection, a missing device file — becomes one :class:`PrinterError` whose message
names the printer, never the ticket.
"""

from __future__ import annotations

import copy
import logging
import threading

from escpos import printer as escpos_printer
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from PIL import Image

from kiosk.config import PrinterSettings
from kiosk.printing.errors import PrinterError

NETWORK_PORT = 9100
"""The raw printing port ("JetDirect") network receipt printers listen on."""
TIMEOUT_SECONDS = 5.0
"""A network printer that answers slower than this is treated as unreachable: the visitor
already has the ticket on screen and the terminal must not hang on a printer."""


_ONE_AT_A_TIME = threading.Lock()
"""Two visitors a second apart start two print workers; a receipt printer takes one job at
a time (a device file would interleave them), so the second waits for the first."""


def describe(settings: PrinterSettings) -> str:
    """The printer as a person would name it in a message ("network printer 10.0.0.9:9100")."""
    return f"{settings.kind} printer {settings.address}"


def open_printer(settings: PrinterSettings) -> Escpos:
    """A python-escpos printer for ``settings`` (nothing is opened yet).

    Raises:
        PrinterError: code "config" for "none" or an address that cannot be used.
    """
    kind, address = settings.kind, settings.address
    if kind == "network":
        host, _, port = address.rpartition(":") if ":" in address else (address, "", "")
        if port and not port.isdigit():
            raise PrinterError("config", f"{describe(settings)}: {port!r} is not a port")
        made: Escpos = escpos_printer.Network(host or address, int(port or NETWORK_PORT),
                                              timeout=TIMEOUT_SECONDS)
    elif kind == "file":
        made = escpos_printer.File(address)
    elif kind == "serial":
        device, _, baud = address.partition("@")
        if baud and not baud.isdigit():
            raise PrinterError("config", f"{describe(settings)}: {baud!r} is not a baud rate")
        made = escpos_printer.Serial(device, int(baud or 19200), timeout=TIMEOUT_SECONDS)
    elif kind == "usb":
        vendor, product = (int(part, 16) for part in address.split(":"))
        made = escpos_printer.Usb(vendor, product)
    else:
        raise PrinterError("config", "no ticket printer is configured ([printer] type)")
    # python-escpos checks the image against the profile's paper width and prints a warning
    # to stdout when the generic profile does not know it; the configured width is the truth.
    made.profile.profile_data = copy.deepcopy(made.profile.profile_data)
    made.profile.profile_data.setdefault("media", {})["width"] = {"pixels": settings.width}
    return made


def send_image(image: Image.Image, settings: PrinterSettings) -> None:
    """Print ``image`` and cut.

    Raises:
        PrinterError: "unreachable" when the printer cannot be reached, "device" when it
            breaks off; the message names the printer and the fault, one line.
    """
    if image.width > settings.width:
        raise PrinterError("config", f"the ticket is {image.width} dots wide, the printer "
                                     f"prints {settings.width}")
    with _ONE_AT_A_TIME:
        _send(image, settings)


def _send(image: Image.Image, settings: PrinterSettings) -> None:
    device = open_printer(settings)
    try:
        device.open()
    except (EscposError, OSError, ValueError) as exc:  # pyusb without libusb: ValueError
        raise PrinterError("unreachable", f"{describe(settings)} cannot be reached: "
                                          f"{_reason(exc)}") from None
    try:
        device.hw("INIT")
        device.image(image, impl="bitImageRaster")
        device.cut(mode="PART")
    except (EscposError, OSError) as exc:
        raise PrinterError("device", f"{describe(settings)} stopped printing: "
                                     f"{_reason(exc)}") from None
    finally:
        try:
            device.close()
        except (EscposError, OSError) as exc:  # closing a broken device is not news
            logging.getLogger(__name__).debug("closing the printer: %s", type(exc).__name__)


def _reason(exc: BaseException) -> str:
    """The fault in one line (python-escpos puts the OS error on a second line)."""
    text = " ".join(str(exc).split())
    if type(exc).__name__ == "NoBackendError":
        return "no USB library (Debian: libusb-1.0-0)"
    cause = exc.__context__
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return text or type(exc).__name__
