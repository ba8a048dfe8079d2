"""`kiosk print-test`: print a sample ticket on this machine's printer (or to a PNG file)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

from kiosk.commands.common import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INVALID,
    fail,
    handles_errors,
)

SAMPLE_NUMBER = "A-000"
"""The sample ticket's code: it cannot be mistaken for a real one (numbers start at 1)."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print-test", help="print a sample ticket on the configured printer",
                       description="Print a sample ticket (A-000, in the given language) on "
                                   "the printer named in [printer] of the configuration, to "
                                   "check paper width, fonts and connection when installing "
                                   "an office machine. With --png the ticket is only drawn "
                                   "into a PNG file. Exits 1 when the printer cannot be "
                                   "reached, 3 when none is configured.")
    p.add_argument("--language", default="de", metavar="LANG",
                   help="the visitor's language of the sample (de, ar, fa, en, fr, uk, tr, "
                        "ru; default de)")
    p.add_argument("--png", metavar="FILE", help="draw the ticket into FILE instead")
    p.set_defaults(func=cmd_print_test)


@handles_errors
def cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.i18n.languages import UnknownLanguageError
    from kiosk.paths import resolve_config
    from kiosk.printing.errors import PrinterError
    from kiosk.printing.render import render_ticket
    from kiosk.printing.ticket import ticket_content
    from kiosk.printing.transport import send_image

    config = load_config(resolve_config(args.config))
    settings = config.printer
    try:
        content = ticket_content(SAMPLE_NUMBER, 2, 15, args.language, "lokal willkommen",
                                 dt.datetime.now(), config.visitor.native_digits)
    except UnknownLanguageError as exc:
        return fail(f"invalid --language: {exc}", EXIT_INVALID)
    try:
        image = render_ticket(content, settings.width)
        if args.png:
            _write_png(image, Path(args.png))
            print(f"sample ticket drawn into {args.png} ({image.width}×{image.height} dots)")
            return 0
        send_image(image, settings)
    except PrinterError as exc:
        return fail(f"printer error: {exc}", EXIT_CONFIG if exc.code == "config"
                    else EXIT_FAILED)
    print(f"sample ticket sent to the {settings.kind} printer {settings.address}")
    return 0


def _write_png(image: object, path: Path) -> None:
    """Write beside the target and rename, so a failed write leaves no half file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            image.save(handle, format="PNG")  # type: ignore[attr-defined]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
