"""Identifiers of the wire format: network ids, office codes, writer ids, scopes.

One pattern for each, checked the same way on both sides of the wire (the kiosk's config and
store validate with these too). Depends on nothing but the standard library.
"""

from __future__ import annotations

import re
from typing import Any, NewType

from wire.fields import check_str

NET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""Network id: lowercase, no dots (it is embedded in the dotted root-public line)."""

OfficeCode = NewType("OfficeCode", str)
"""An office (``EVSC``): a scope of records, the prefix of its machines' writer ids."""

WriterId = NewType("WriterId", str)
"""One machine of an office (``EVSC-3F2A``): signs what it writes, breaks clock ties."""

_OFFICE = r"[A-Z][A-Z0-9]{1,15}"
"""The one pattern of an office code; every other code pattern is built from it."""

OFFICE_RE = re.compile(rf"^{_OFFICE}$")
"""Office code such as ``EVSC``: the part of a writer id before its ``-``."""

SITE_PATTERN = rf"{_OFFICE}(?:-[A-Z0-9]{{1,8}})?"
"""A writer id's pattern unanchored, for formats that embed one (the clock's text form)."""

SITE_RE = re.compile(rf"^{SITE_PATTERN}$")
"""Writer id (``EVSC-3F2A``) or a bare office code: ASCII, stable, short. An office's
location codes (``EVSC-1``) have the same shape."""

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


def office_of(writer: str) -> OfficeCode:
    """The office a writer id belongs to (``EVSC-3F2A`` → ``EVSC``)."""
    return OfficeCode(writer.split("-", 1)[0])


def office_code(text: str, field: str = "office") -> OfficeCode:
    """An office code as a person types it (any case, spaces around), checked."""
    return OfficeCode(check_office(text.strip().upper() if isinstance(text, str) else text,
                                   field))


def writer_id(text: str, field: str = "writer") -> WriterId:
    """A writer id as a person types it (any case, spaces around), checked."""
    return WriterId(check_site(text.strip().upper() if isinstance(text, str) else text, field))
