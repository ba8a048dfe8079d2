"""Identifiers of the wire format: network ids, office codes, writer ids, scopes.

One pattern for each, checked the same way on both sides of the wire (the kiosk's config and
store validate with these too). Depends on nothing but the standard library.
"""

from __future__ import annotations

import re
from typing import Any

from wire.fields import check_str

NET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""Network id: lowercase, no dots (it is embedded in the dotted root-public line)."""

SITE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,15}(-[A-Z0-9]{1,8})?$")
"""Site (office or terminal) code such as ``EVSC`` or ``EVSC-2``: ASCII, stable, short."""

OFFICE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
"""Office code such as ``EVSC``: the part of a writer id before its ``-``."""

NETWORK_SCOPE = "network"
"""The scope every office needs (mediator register, anonymous statistics). Every other scope
is an office code: that office's visitors' records, held by its machines alone."""


def check_net(value: Any) -> str:
    """A network id (see NET_RE)."""
    return check_str(value, "net", NET_RE)


def check_site(value: Any, field: str = "site") -> str:
    """A site code (see SITE_RE)."""
    return check_str(value, field, SITE_RE)


def check_office(value: Any, field: str = "office") -> str:
    """An office code (see OFFICE_RE)."""
    return check_str(value, field, OFFICE_RE)


def check_scope(value: Any) -> str:
    """A scope: ``network`` or an office code."""
    if value == NETWORK_SCOPE:
        return value
    return check_str(value, "scope", OFFICE_RE)


def office_of(writer: str) -> str:
    """The office a writer id belongs to (``EVSC-3F2A`` → ``EVSC``)."""
    return writer.split("-", 1)[0]
