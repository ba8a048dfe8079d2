"""Every message in the catalogs is shown somewhere, and every message shown is in every catalog.

A msgid that no code uses costs translators work and hides a missing feature (a privacy note
or "are you still there?" nobody ever sees); one that the code uses but a catalog lacks shows
English to a visitor who cannot read it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.i18n import messages as M
from kiosk.i18n.catalogs import TEMPLATE_PATH, read_catalog
from kiosk.i18n.concerns import DEFAULT_CONCERNS
from kiosk.i18n.languages import UI_LANGUAGE_CODES
from kiosk.i18n.translator import po_path
from kiosk.paths import DEFAULT_CONFIG

KIOSK = Path(M.__file__).resolve().parents[1]


def _message_constants() -> dict[str, object]:
    """Name -> msgid of every message constant in `kiosk.i18n.messages`."""
    return {name: value for name, value in vars(M).items()
            if name.isupper() and isinstance(value, str | M.Plural)
            and name != "CONCERN_CONTEXT"}


def _names_used_in(source: Path) -> set[str]:
    """Message constants a module reads: `M.X`, `messages.X`, or imported by name."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    used: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in {"M", "messages"}):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "kiosk.i18n.messages":
            used.update(alias.name for alias in node.names)
    return used


def _used_constants() -> set[str]:
    used: set[str] = set()
    for path in KIOSK.rglob("*.py"):
        if path.name != "messages.py":
            used |= _names_used_in(path)
    return used


def _msgid(value: object) -> str | tuple[str, str]:
    return tuple(value) if isinstance(value, M.Plural) else value  # type: ignore[return-value]


def test_every_message_constant_is_used_by_the_code() -> None:
    unused = sorted(set(_message_constants()) - _used_constants())
    assert not unused, f"messages no screen shows (show them or remove them): {unused}"


def test_every_msgid_in_the_template_is_a_used_message_or_a_configured_concern() -> None:
    used = _used_constants()
    constants = _message_constants()
    shown = {_msgid(constants[name]) for name in used if name in constants}
    configured = {c.id for c in load_config(DEFAULT_CONFIG).concerns}
    labels = {c.label_msgid.message for c in DEFAULT_CONCERNS if c.id in configured}
    stray = []
    for message in read_catalog(TEMPLATE_PATH):
        if not message.id:
            continue
        if message.context == M.CONCERN_CONTEXT:
            if message.id not in labels:
                stray.append(("concern", message.id))
        elif message.id not in shown:
            stray.append(message.id)
    assert not stray, f"msgids no code shows: {stray}"


@pytest.mark.parametrize("lang", UI_LANGUAGE_CODES)
def test_every_message_the_code_shows_is_translated_in_each_catalog(lang: str) -> None:
    catalog = read_catalog(po_path(lang), locale=lang)
    constants = _message_constants()
    missing = []
    for name in sorted(_used_constants() & set(constants)):
        message = catalog.get(_msgid(constants[name]))
        forms = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not all(f.strip() for f in forms):
            missing.append(name)
    assert not missing, f"{lang} lacks: {missing}"
