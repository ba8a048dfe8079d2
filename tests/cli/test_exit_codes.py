"""One table of exit codes: README, `kiosk --help` and every named error agree with it, and
one error exits with one code whichever command meets it."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
from pathlib import Path

import kiosk
from kiosk.commands.common import describe_error
from kiosk.crypto.files import KeyFileError
from kiosk.errors import EXIT_CODES, KioskError, epilog, readme_line
from tests.conftest import KIOSK

ROOT = Path(__file__).resolve().parents[2]


def _words(text: str) -> str:
    return " ".join(text.split())


def test_readme_exit_code_line_is_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = re.search(r"^Exit codes: .*?(?:\n\n)", readme, re.M | re.S).group(0)
    assert _words(paragraph) == readme_line()


def test_help_epilog_is_the_table(cli_env) -> None:
    shown = subprocess.run([KIOSK, "--help"], capture_output=True, text=True, env=cli_env,
                           timeout=60, check=True).stdout
    assert epilog() in _words(shown)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_named_error_exits_with_a_documented_code() -> None:
    skip = ("kiosk.ui", "kiosk.__main__")  # apps; they report through kiosk.ui.crash
    for module in pkgutil.walk_packages(kiosk.__path__, "kiosk."):
        if not module.name.startswith(skip):
            importlib.import_module(module.name)
    documented = {e.number for e in EXIT_CODES}
    errors = _subclasses(KioskError)
    assert len(errors) >= 15  # config, store, queue, keys, sync, … all derive from it
    for error in errors:
        assert error.exit_code in documented, error


def test_a_key_file_error_has_one_exit_code_whatever_the_command() -> None:
    assert describe_error(KeyFileError("wrong passphrase", "bad_passphrase"))[1] == 7
    assert describe_error(KeyFileError("no site keys", "missing"))[1] == 3


def _kiosk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK, *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_wrong_passphrase_exits_7_in_every_command(cli_env, tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text("the right passphrase\n")
    bad.write_text("a wrong passphrase\n")
    admin = str(tmp_path / "admin.key")
    assert _kiosk(cli_env, "keys", "init-network", "--out", admin, "--passphrase-file",
                  str(good)).returncode == 0
    for args in (["keys", "root-public"],
                 ["keys", "enroll-site", "EVSC-1A2B", "--out", str(tmp_path / "b"),
                  "--public-key", "lwsite1.x.y"]):
        done = _kiosk(cli_env, *args, "--admin-key", admin, "--passphrase-file", str(bad))
        assert done.returncode == 7 and "passphrase" in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_missing_site_keys_exit_3_in_every_command(cli_env, tmp_path: Path) -> None:
    db = str(tmp_path / "site.db")
    assert _kiosk(cli_env, "--db", db, "init", "--site", "EVSC").returncode == 0
    for path in (tmp_path / "site-keys").iterdir():
        path.unlink()
    for args in (["keys", "public"], ["sync", "--server", "http://127.0.0.1:9"],
                 ["backup", str(tmp_path / "copy.age")]):
        done = _kiosk(cli_env, "--db", db, *args)
        assert done.returncode == 3 and done.stderr.startswith("kiosk: "), (args, done.stderr)
        assert done.stderr.count("\n") == 1


def test_the_sync_pages_name_only_codes_of_the_table() -> None:
    """`kiosk sync --help` and the runbook explain sync's codes in their own words; the
    numbers they name must be the table's."""
    from kiosk.commands.sync import EPILOG

    runbook = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    paragraph = re.search(r"^Exit codes of `kiosk sync`.*?\n\n", runbook, re.M | re.S).group(0)
    documented = {e.number for e in EXIT_CODES}
    for text in (EPILOG.split("\n\n")[0], paragraph):
        named = {int(n) for n in re.findall(r"(?:^|[;:,(]\s*|codes: )(\d+) ", text, re.M)}
        assert len(named) >= 4 and named <= documented, (named, text)
