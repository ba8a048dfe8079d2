"""An erasure that arrives by sync leaves no trace of the erased name in the reader's WAL, even
while another process (a visitor terminal) keeps that store open."""

from __future__ import annotations

import subprocess
import sys

from kiosk.store.models import Visit
from tests.store.test_store_files import HOLDER, files, forms

CANARY = "Kanarienvogel-Oleksandra"


def test_pulled_erasure_scrubs_the_wal(make_site) -> None:
    a, b = make_site("EVSC"), make_site("EVSC")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(b.path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        visit = a.put(Visit, None, {
            "site": "EVSC", "location": "EVSC-EV", "day": "2026-11-24", "prefix": "A",
            "seq": 1, "ticket": "A-001", "language": "ar", "checked_in_at": 1,
            "first_name": CANARY})
        a.sync()
        b.sync()
        assert any(f in p.read_bytes() for p in files(b.path) for f in forms(CANARY))
        a.erase(Visit, visit)
        a.sync()
        report = b.sync()
        assert report.merged == 1
        leftovers = [(p.name, f) for p in files(b.path) for f in forms(CANARY)
                     if f in p.read_bytes()]
        assert leftovers == []
    finally:
        holder.communicate("done\n", timeout=30)
