"""Restore detection: a high-water mark of handed-out sequence numbers kept OUTSIDE the database.

A database restored from last week's backup has the same epoch id as the live one had then,
but a lower sequence counter than this server already handed out. ``serve`` compares the two
at start and rotates the epoch, so every site resets its cursor and re-pushes its state and
nothing written after the backup is lost. The same backup restored a second time carries an
epoch this server has already left behind: the file keeps every epoch it retired, so that
restore (and any later one of any older backup) is detected too. The file holds epoch ids
and a number, no content. It can under-estimate with several workers (last writer wins),
which only delays detection; an admin who restores by hand should still run ``sync-server
new-epoch`` (the runbook says so), and sites check on their own before they push.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

MAX_RETIRED = 10_000
"""Retired epochs kept (33 bytes each): a restore a day for 27 years."""


class HighWater:
    """The per-database high-water file in the state directory."""

    def __init__(self, state_dir: str, database_url: str) -> None:
        digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
        self.path = Path(state_dir) / f"highwater-{digest}.json"
        self._last = -1
        self._epoch: str | None = None

    def read(self) -> dict[str, object] | None:
        """The recorded ``{"epoch", "seq"}``, or None if absent or unreadable."""
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        ok = isinstance(data, dict) and isinstance(data.get("seq"), int)
        return data if ok else None

    def retired(self) -> list[str]:
        """Epochs this server served and left (by a detected restore or ``new-epoch``)."""
        current = self.read() or {}
        old = current.get("retired")
        return [e for e in old if isinstance(e, str)] if isinstance(old, list) else []

    def write(self, epoch: str, seq: int) -> None:
        """Atomically record the mark (temp file + rename); a replaced epoch is retired."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        current = self.read()
        retired = self.retired()
        previous = current.get("epoch") if current else None
        if isinstance(previous, str) and previous != epoch and previous not in retired:
            retired.append(previous)
        retired = [e for e in retired if e != epoch][-MAX_RETIRED:]
        tmp = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps({"epoch": epoch, "seq": seq, "retired": retired}))
        os.replace(tmp, self.path)
        self._epoch, self._last = epoch, seq

    def start(self, epoch: str, seq: int) -> None:
        """Remember the epoch this process serves; later ``note`` calls keep the mark up."""
        self._epoch = epoch
        current = self.read()
        same = current is not None and current.get("epoch") == epoch
        self._last = max(seq, int(current["seq"])) if same and current else seq
        self.write(epoch, self._last)

    def note(self, seq: int) -> None:
        """After a committed push: raise the mark if this push went beyond it."""
        if self._epoch is not None and seq > self._last:
            self.write(self._epoch, seq)

    def restored(self, epoch: str, seq: int) -> bool:
        """True if the database is behind what this server already handed out: an epoch it
        left behind (however often that backup comes back), or its current epoch at a lower
        sequence."""
        current = self.read()
        if not current:
            return False
        if epoch in self.retired():
            return True
        return current.get("epoch") == epoch and seq < int(current["seq"])
