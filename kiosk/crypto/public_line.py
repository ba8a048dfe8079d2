"""The line a machine hands the admin for enrolment: its public keys and its writer id.

`kiosk keys public` prints ``lwsite1.<sign>.<kex>.<WRITER>``: the keys as the wire protocol
parses them (``lwsite1.<sign>.<kex>``) with the machine's writer id appended, so that the admin
can enrol it by office code and the line alone, and a line carried to the wrong command
line is caught. The older three-part line is still accepted together with the writer id.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import EXIT_INVALID, KioskError

PREFIX = "lwsite1"


class PublicLineError(KioskError):
    """The public-key line is malformed or does not belong to the machine or office named."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True)
class PublicLine:
    """A parsed line: the protocol's key line and the writer id it names (None: old form)."""

    keys: str
    writer: str | None


def format_public_line(key_line: str, writer: str) -> str:
    """The line `kiosk keys public` prints: the key line with the writer id appended."""
    return f"{key_line}.{writer}"


def parse_public_line(text: str) -> PublicLine:
    """Split a line of either form; the keys themselves are checked by the protocol later."""
    parts = text.strip().split(".")
    if parts[0] != PREFIX or len(parts) not in (3, 4) or not all(parts):
        raise PublicLineError("a public-key line looks like lwsite1.<sign>.<kex>.<WRITER> "
                              "(printed by `kiosk keys public`)", "bad_public_line")
    writer = parts[3].upper() if len(parts) == 4 else None
    return PublicLine(".".join(parts[:3]), writer)


def enrolment_target(code: str, line: str) -> tuple[str, str]:
    """The writer id to certify and the key line, from what the admin typed.

    Args:
        code: the machine's writer id (``EVSC-3F2A``) or its office code (``EVSC``), any case.
        line: what `kiosk keys public` printed at the machine (either form).

    Returns:
        (writer id, key line ``lwsite1.<sign>.<kex>``).

    Raises:
        PublicLineError: naming what does not match, so that the admin fetches the right line.
    """
    code = code.strip().upper()
    parsed = parse_public_line(line)
    if "-" in code:
        if parsed.writer is not None and parsed.writer != code:
            raise PublicLineError(
                f"the public-key line is machine {parsed.writer}'s, not {code}'s: take the "
                "code and the line from the same `kiosk keys public`", "public_line_mismatch")
        return code, parsed.keys
    if parsed.writer is None:
        raise PublicLineError(
            f"this public-key line does not name its machine (an older `kiosk keys public`): "
            f"give the machine's writer id ({code}-…, printed beside the line) instead of the "
            "office code", "public_line_without_writer")
    office = parsed.writer.split("-", 1)[0]
    if office != code:
        raise PublicLineError(
            f"the public-key line is machine {parsed.writer}'s, of office {office}, not of "
            f"office {code}", "public_line_mismatch")
    return parsed.writer, parsed.keys
