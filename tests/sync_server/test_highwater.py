"""The restore detector's file alone: which databases it takes for a restored backup."""

from __future__ import annotations

from pathlib import Path

from sync_server.highwater import HighWater


def test_every_backup_of_an_epoch_left_behind_counts_as_restored(tmp_path: Path) -> None:
    mark = HighWater(str(tmp_path), "sqlite:///srv.sqlite3")
    mark.start("e1", 10)
    mark.note(20)
    assert mark.restored("e1", 10)  # last night's copy: behind what was handed out
    mark.start("e2", 10)  # serve rotated the epoch and goes on from the copy's sequence
    mark.note(30)
    assert mark.restored("e1", 10)  # the same copy again: its epoch was left behind
    assert mark.restored("e1", 99)  # even one that looks ahead: it is another lifetime
    assert mark.restored("e2", 29)
    assert not mark.restored("e2", 30)
    mark.write("e3", 30)  # `sync-server new-epoch` retires the current one as well
    assert mark.restored("e2", 30) and mark.restored("e1", 10)
    assert not mark.restored("e3", 30)
    assert not mark.restored("fresh", 0)  # a database this server never served


def test_a_mark_from_an_older_release_or_an_unreadable_file_is_not_a_restore(
        tmp_path: Path) -> None:
    mark = HighWater(str(tmp_path), "sqlite:///srv.sqlite3")
    mark.path.write_text('{"epoch": "e1", "seq": 5}')  # written before epochs were retired
    assert not mark.restored("e1", 5) and mark.restored("e1", 4)
    mark.start("e2", 5)
    assert mark.restored("e1", 5)
    mark.path.write_text("not json")
    assert not mark.restored("e1", 5)
