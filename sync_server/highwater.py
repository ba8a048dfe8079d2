"""Restore detection: a high-water mark of handed-out sequence numbers kept OUTSIDE the database.

A database restored from last week's backup has the same epoch id as the live one had then,
but a lower sequence counter than this server already handed out. ``serve`` compares the two
at start and rotates the epoch, so every site resets its cursor and re-pushes its state and
nothing written after the backup is lost. The file holds two numbers and no content. It can
under-estimate with several workers (last writer wins), which only delays detection; an admin
who restores by hand should still run ``sync-server new-epoch`` (the runbook says so).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path


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

    def write(self, epoch: str, seq: int) -> None:
        """Atomically record the mark (temp file + rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps({"epoch": epoch, "seq": seq}))
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
        """True if the database is behind what this server already handed out."""
        current = self.read()
        return bool(current and current.get("epoch") == epoch and seq < int(current["seq"]))
