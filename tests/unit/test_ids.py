"""Office codes and writer ids: one pattern (wire/ids.py) that the configuration, the store's
clocks and the wire header all check with, so a code one accepts the others accept too."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.clock.hlc import ClockError, Timestamp
from kiosk.config import ConfigError, load_config
from kiosk.paths import DEFAULT_CONFIG
from wire.errors import InvalidFieldError
from wire.ids import OFFICE_RE, SITE_RE, check_site, office_code, office_of, writer_id

SHIPPED = DEFAULT_CONFIG.read_text(encoding="utf-8")

WRITERS = ["EVSC-3F2A", "EVSC", "BRAP-1", "A1-X", "LONGOFFICENAME16-ABCDEF12"]
NOT_WRITERS = ["evsc-3f2a", "E", "EVSC-", "EVSC-123456789", "1EVSC", "EVSC_1", "EVSC-3F-2A"]


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_id_the_wire_accepts_is_a_clock_tie_breaker(writer: str) -> None:
    assert check_site(writer) == writer
    assert Timestamp.parse(str(Timestamp(1, 2, writer))).site == writer


@pytest.mark.parametrize("text", NOT_WRITERS)
def test_what_the_wire_refuses_the_clock_refuses(text: str) -> None:
    assert not SITE_RE.fullmatch(text)
    with pytest.raises(InvalidFieldError):
        check_site(text)
    with pytest.raises(ClockError):
        Timestamp.parse(f"0000000000001.00001.{text}")


def test_codes_are_case_insensitive_as_typed_and_an_office_is_a_writers_prefix() -> None:
    assert office_code(" evsc ") == "EVSC" and writer_id("evsc-3f2a") == "EVSC-3F2A"
    assert office_of(writer_id("Evsc-3f2a")) == "EVSC"
    with pytest.raises(InvalidFieldError):
        office_code("EVSC-1")  # a location or a machine, not an office
    assert OFFICE_RE.fullmatch("EVSC") and not OFFICE_RE.fullmatch("EVSC-1")


def test_the_configuration_refuses_an_office_code_the_wire_would_refuse(tmp_path: Path) -> None:
    assert '\ncode = "EVSC"' in SHIPPED
    broken = tmp_path / "network.toml"
    broken.write_text(SHIPPED.replace('\ncode = "EVSC"', '\ncode = "EVSC-1"', 1),
                      encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(broken)
    assert "code" in str(refused.value)
