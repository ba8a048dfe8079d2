"""How a record's per-field clocks are kept in one text column: grouped by clock.

A record's 30 fields share two or three clocks (check-in, call, finish). Stored as
``{"field": "clock", ...}`` every clock was written once per field, about 1.6 KB per visit,
and a site holding a million synced visits kept 4 GB of mostly repeated clocks (twice: the
row's ``clocks`` and the sync bookkeeping's ``synced``). Grouped, ``{"clock": ["field",
...], ...}`` is about 500 bytes. Code sees the same ``field -> clock`` dict either way.

Text written in the earlier per-field shape is still read (values are strings there, lists
here); it is rewritten in the grouped shape the next time the row is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from peewee import TextField


def pack(clocks: Mapping[str, str]) -> str:
    """``field -> clock`` as compact, canonical text grouped by clock (fields sorted)."""
    grouped: dict[str, list[str]] = {}
    for name, clock in clocks.items():
        grouped.setdefault(clock, []).append(name)
    return pack_groups(grouped)


def pack_groups(grouped: Mapping[str, list[str]]) -> str:
    """``clock -> [fields]`` as :func:`pack` writes it (for callers that have the groups)."""
    return orjson.dumps({clock: sorted(names) for clock, names in grouped.items()},
                        option=orjson.OPT_SORT_KEYS).decode()


def unpack(text: str) -> dict[str, str]:
    """Inverse of :func:`pack`; also reads the earlier ``{"field": "clock"}`` text."""
    out: dict[str, str] = {}
    for key, value in orjson.loads(text).items():
        if type(value) is str:
            out[key] = value
        else:
            for name in value:
                out[name] = key
    return out


class ClocksField(TextField):
    """A ``field -> clock`` dict stored with :func:`pack`."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else pack(value)

    def python_value(self, value: str | None) -> dict[str, str] | None:
        return None if value is None else unpack(value)
