"""`audit_retention_days`: its default, and a value shorter than the data's is refused."""

from __future__ import annotations

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.paths import DEFAULT_CONFIG


def _with(tmp_path, old: str, new: str):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "network.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_shipped_network_keeps_the_audit_two_years(config):
    assert (config.retention_days, config.audit_retention_days) == (90, 730)


def test_an_audit_retention_shorter_than_the_data_is_refused(tmp_path):
    path = _with(tmp_path, "audit_retention_days = 730", "audit_retention_days = 30")
    with pytest.raises(ConfigError, match=r"network\.audit_retention_days.*shorter than"):
        load_config(path)


def test_without_the_key_the_audit_outlives_a_long_retention(tmp_path):
    path = _with(tmp_path, "audit_retention_days = 730\n", "")
    path.write_text(path.read_text().replace("retention_days = 90", "retention_days = 1000"))
    assert load_config(path).audit_retention_days == 1000
