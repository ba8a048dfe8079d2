"""The app units come back after every failure: the apps exit non-zero on a fault, systemd
restarts them, and no start limit ever gives up on a store that stays unusable for a while."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

UNITS = Path(__file__).parents[2] / "deploy" / "systemd"


@pytest.mark.parametrize("name", ["kiosk-visitor.service", "kiosk-board.service"])
def test_app_unit_restarts_after_a_non_zero_exit_without_a_start_limit(name):
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read(UNITS / name)
    assert unit["Service"]["Restart"] in {"always", "on-failure"}
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
