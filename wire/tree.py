"""Merkle trees over envelopes: a writer signs one root for a batch, not each envelope.

The shape is RFC 9162's (Certificate Transparency): leaf hashes ``SHA-256(0x00 ‖ data)``,
node hashes ``SHA-256(0x01 ‖ left ‖ right)`` (the prefixes keep a leaf from passing for a
node), a tree of n leaves split at the largest power of two below n, and inclusion paths
listed from the leaf's sibling upwards. Why trees at all: see :mod:`wire.envelope`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from wire.errors import InvalidFieldError


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def path_length(index: int, count: int) -> int:
    """How many hashes the inclusion path of leaf ``index`` in a tree of ``count`` has."""
    steps = 0
    while count > 1:
        split = 1 << ((count - 1).bit_length() - 1)
        if index < split:
            count = split
        else:
            index, count = index - split, count - split
        steps += 1
    return steps


def tree(leaves: Sequence[bytes]) -> tuple[bytes, list[list[bytes]]]:
    """(root, each leaf's inclusion path, deepest sibling first) of an RFC 9162 tree."""
    if len(leaves) == 1:
        return leaves[0], [[]]
    split = 1 << ((len(leaves) - 1).bit_length() - 1)
    left, left_paths = tree(leaves[:split])
    right, right_paths = tree(leaves[split:])
    return (node_hash(left, right),
            [[*p, right] for p in left_paths] + [[*p, left] for p in right_paths])


def root_from_path(leaf: bytes, index: int, count: int, path: Sequence[bytes]) -> bytes:
    """The root that ``leaf`` at ``index`` of ``count`` and its ``path`` lead to
    (RFC 9162 §2.1.3.2); a path of the wrong length raises."""
    fn, sn, node = index, count - 1, leaf
    for sibling in path:
        if sn == 0:
            raise InvalidFieldError("inclusion path is too long")
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InvalidFieldError("inclusion path is too short")
    return node
