"""What the visitor terminal loads and checks outside its screens: lean start-up imports,
and the staff PIN that leaves visitor mode (checked by the staffing directory, not the UI)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.staffing.errors import LockedOut, WrongPin
from kiosk.staffing.profiles import MAX_FAILED_PINS, StaffDirectory
from kiosk.store.models import AuditEntry

REPO_ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            cwd=REPO_ROOT, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_visitor_start_up_leaves_key_sync_and_formatting_modules_unloaded() -> None:
    """`kiosk visitor` builds only its own parser and its first screen needs no Babel."""
    _run("""
        import sys
        import kiosk.cli
        kiosk.cli.build_parser(kiosk.cli.command_named(["--db", "x.db", "visitor"]))
        import kiosk.ui.visitor.app
        loaded = {"requests", "cryptography", "babel", "kiosk.sync.client",
                  "kiosk.crypto.site_keys", "kiosk.i18n.formatting", "kiosk.i18n.concerns",
                  "kiosk.staffing.console"} & set(sys.modules)
        assert not loaded, loaded
    """)


def test_lazy_i18n_package_still_offers_every_public_name() -> None:
    _run("""
        import sys
        import kiosk.i18n as i18n
        assert not {"babel", "bidi", "arabic_reshaper"} & set(sys.modules)
        for name in i18n.__all__:
            getattr(i18n, name)
        assert callable(i18n.translator) and i18n.bidi.display is i18n.display
        from kiosk.i18n import concern_label, formatting, translator
        assert callable(translator) and formatting.format_number is i18n.format_number
    """)


def test_command_named_skips_global_option_values() -> None:
    from kiosk.cli import command_named

    assert command_named(["--db", "visitor", "staff"]) == "staff"
    assert command_named(["--config=x.toml", "visitor", "--bidi", "app"]) == "visitor"
    assert command_named(["-h", "visitor"]) is None
    assert command_named(["--conf", "x.toml", "visitor"]) is None  # abbreviation: full parser
    assert command_named([]) is None


def test_unlock_any_accepts_only_an_active_unlocked_profiles_pin(ctx) -> None:
    staff = StaffDirectory(ctx.store, ctx.config, ctx.queue.now_ms)
    leyla = staff.add("Leyla Demir", ["de", "tr"], "482915")
    jonas = staff.add("Jonas Weber", ["de"], "771204")
    assert staff.unlock_any("482915").id == leyla.id
    for garbage in ("", "12ab", "٤٨٢٩١٥", "0" * 500):
        assert staff.unlock_any(garbage) is None
    staff.set_active(jonas.id, False)
    assert staff.unlock_any("771204") is None
    for _ in range(MAX_FAILED_PINS - 1):
        with pytest.raises(WrongPin):
            staff.authenticate(leyla.id, "000000")
    with pytest.raises(LockedOut):
        staff.authenticate(leyla.id, "000000")
    assert staff.unlock_any("482915") is None
    actions = [a.action for a in AuditEntry.select().order_by(AuditEntry.id)
               if a.action.startswith("visitor_exit")]
    assert actions == ["visitor_exit"] + ["visitor_exit_failed"] * 6
