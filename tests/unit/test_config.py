"""The network configuration: the shipped network, and errors that name file and key."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.paths import DEFAULT_CONFIG
from tests.conftest import BERLIN

SHIPPED = DEFAULT_CONFIG.read_text(encoding="utf-8")


def test_shipped_config_has_the_seven_offices_and_fifteen_concerns(config):
    assert [o.code for o in config.offices] == [
        "BRAP", "MEHU", "HOHO", "EVSC", "LUED", "INWO", "INNO"]
    assert len(config.concerns) == 15
    assert config.concerns[-1].id == "sonstiges" and config.concerns[-1].private
    assert [loc.code for loc in config.office("EVSC").locations] == ["EVSC-EV", "EVSC-LA"]
    assert config.office("EVSC").languages == ("de", "ar", "fa", "en", "fr")
    assert config.location("MEHU-1").hours["mon"] == ((dt.time(9), dt.time(12)),)


def test_hours_and_next_opening(config):
    loc = config.location("MEHU-1")
    monday_8 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN)
    assert not loc.is_open(monday_8)
    assert loc.is_open(monday_8.replace(hour=9))
    assert loc.next_opening(monday_8) == monday_8.replace(hour=9)
    friday_13 = dt.datetime(2026, 11, 27, 13, 0, tzinfo=BERLIN)
    assert loc.next_opening(friday_13) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)
    assert config.location("EVSC-EV").is_open(monday_8)  # unknown hours count as open
    assert config.location("EVSC-EV").next_opening(monday_8) is None


@pytest.mark.parametrize(("old", "new", "key"), [
    ("max_calls = 3", "max_calls = \"three\"", "queue.max_calls"),
    ("idle_timeout_seconds = 60", "idle_timeout_seconds = 60\nidel = 3", "visitor.idel"),
    ('bidi = "app"', 'bidi = "sideways"', "visitor.bidi"),
    ('code = "MEHU-1"', 'code = "mehu 1"', "offices[1].locations[0].code"),
    ('mon = ["09:00-12:00"], tue', 'mon = ["9-12"], tue', "offices[1].locations[0].hours.mon[0]"),
    ('code = "HOHO"', 'code = "MEHU"', "offices[2]"),
    ("retention_days = 90", "retention_days = -1", "network.retention_days"),
    ('alarm_hook = ""', 'alarm_hook = ""\nalarm_hok = "x"', "staff.alarm_hok"),
    ('alarm_hook = ""', "alarm_hook = 3", "staff.alarm_hook"),
])
def test_a_bad_value_names_file_and_key(tmp_path, old, new, key):
    assert old in SHIPPED
    path = tmp_path / "network.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.key == key
    assert str(path) in str(info.value)


def test_missing_file_and_bad_syntax(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[network\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert info.value.key == "(syntax)"


def test_a_concern_without_keyword_takes_the_defaults_german_keyword(tmp_path):
    """The keyword is resolved once, where the file is read: a default concern that names
    none shows the default's German word, a concern of the network's own shows none."""
    assert 'keyword = "Brief, Formular"\n' in SHIPPED
    text = SHIPPED.replace('keyword = "Brief, Formular"\n', "", 1) + (
        '[[concerns]]\nid = "fahrrad"\nlabel = "Fahrradwerkstatt"\n')
    path = tmp_path / "network.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert config.concern("post").keyword == "Briefe · Formulare"
    assert config.concern("fahrrad").keyword == ""
    assert config.concern("jobcenter").keyword == "Jobcenter, Bürgergeld, Sozialamt"
