"""The demo office `kiosk seed` and the demo network both make: past visits and visitors
waiting now, in a real store file."""

from __future__ import annotations

import random
from pathlib import Path

from kiosk.context import open_context
from kiosk.demo.office_seed import WAITING_LANGUAGES, seed_office
from kiosk.paths import DEFAULT_CONFIG
from kiosk.store.db import init_store


def seeded(path: Path, visits: int, waiting: int, seed: int) -> tuple[int, list[tuple]]:
    init_store(path, "EVSC", "EVSC-EV").close()
    heard: list[int] = []
    with open_context(DEFAULT_CONFIG, path) as ctx:
        made = seed_office(ctx, visits, waiting, random.Random(seed), progress=heard.append)
        queued = [(v.language, v.interpreter_language, tuple(v.concerns))
                  for v in ctx.queue.waiting()]
        spoken = ctx.config.office("EVSC").languages
    assert sum(heard) == made == visits
    for (counsel, interpreter, _), asked in zip(queued, WAITING_LANGUAGES, strict=False):
        assert (counsel, interpreter) == ((asked, None) if asked in spoken else ("de", asked))
    return made, queued


def test_an_office_gets_its_past_visits_and_its_waiting_visitors(tmp_path: Path) -> None:
    made, queued = seeded(tmp_path / "a.db", 60, 9, seed=7)
    assert made == 60 and len(queued) == 9
    assert {len(concerns) for _, _, concerns in queued} == {1, 2}


def test_the_same_seed_makes_the_same_office(tmp_path: Path) -> None:
    assert seeded(tmp_path / "a.db", 30, 5, seed=3)[1] == seeded(tmp_path / "b.db", 30, 5,
                                                                  seed=3)[1]
