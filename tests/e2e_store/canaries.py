"""Search bytes for a name in the forms a leak takes: UTF-8, UTF-16 and base64."""

from __future__ import annotations

import base64


def leaked_forms(name: str) -> list[bytes]:
    """Byte strings that appear in any file holding ``name`` as text, UTF-16 or base64.

    For base64 the name can start at any of three byte offsets; for each, the encoding of the
    name's whole 3-byte groups (which does not depend on its neighbours) is searched.
    """
    raw = name.encode("utf-8")
    forms = [raw, name.encode("utf-16-le"), name.encode("utf-16-be")]
    for skip in range(3):  # the name's bytes from the first that starts a base64 group
        whole_groups = (len(raw) - skip) // 3 * 3
        forms.append(base64.b64encode(raw[skip:skip + whole_groups]))
    return forms


def leaks(data: bytes, name: str) -> list[str]:
    """Which forms of ``name`` occur in ``data`` (empty: none)."""
    kinds = ["utf-8", "utf-16-le", "utf-16-be", "base64+0", "base64+1", "base64+2"]
    return [kind for kind, form in zip(kinds, leaked_forms(name), strict=True) if form in data]
