"""The `[speech]` settings: network defaults, an office's overrides, clear errors."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from kiosk.config import ConfigError, SpeechSettings, parse_config
from kiosk.paths import DEFAULT_CONFIG


def _config(speech: dict | None = None, office_speech: dict | None = None):
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    if speech is not None:
        data["speech"] = speech
    if office_speech is not None:
        data["offices"][0]["speech"] = office_speech
    return parse_config(data, Path("network.toml"))


def test_shipped_defaults() -> None:
    config = _config()
    assert config.speech == SpeechSettings(read_aloud="tile", announce="de+visitor", volume=80)
    assert all(office.speech == config.speech for office in config.offices)


def test_an_office_overrides_single_keys() -> None:
    config = _config({"announce": "de", "volume": 60},
                     {"announce": "gong", "quiet_hours": ["20:00-07:00"]})
    first, second = config.offices[0].speech, config.offices[1].speech
    assert (first.announce, first.volume) == ("gong", 60)
    assert first.quiet_hours == ((dt.time(20, 0), dt.time(7, 0)),)
    assert (second.announce, second.quiet_hours) == ("de", ())


@pytest.mark.parametrize(("speech", "key"), [
    ({"announce": "loud"}, "speech.announce"),
    ({"read_aloud": "always"}, "speech.read_aloud"),
    ({"volume": 120}, "speech.volume"),
    ({"quiet_hours": ["20-07"]}, "speech.quiet_hours[0]"),
    ({"player": []}, "speech.player"),
    ({"voice": "de"}, "speech.voice"),
])
def test_bad_values_name_the_key(speech: dict, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        _config(speech)
    assert err.value.key == key


def test_a_bad_office_value_names_the_office_key() -> None:
    with pytest.raises(ConfigError) as err:
        _config(None, {"announce": "shout"})
    assert err.value.key == "offices[0].speech.announce"
