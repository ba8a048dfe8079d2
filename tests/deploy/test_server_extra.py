"""The server installs alone: `pip install '.[server]'`, as the container file runs it, brings
no office UI library, `sync-server` works, the server's modules import nothing of the kiosk,
and the `kiosk` command of such an installation says what to install instead of a traceback.

A real virtual environment and a real pip (the package index, or pip's cache, must be
reachable); the sources copied are exactly what the container file copies.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.test_container import ROOT, instructions

#: Distributions only an office machine needs (pyproject.toml's `office` extra and theirs).
OFFICE_ONLY = {"textual", "rich", "babel", "python-bidi", "arabic-reshaper", "requests",
               "orjson"}

SERVER_MODULES = ("sync_server", "sync_server.app", "sync_server.cli", "sync_server.routes",
                  "sync_server.protocol", "sync_server.sealed_backup", "sync_server.store")


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)


@pytest.fixture(scope="module")
def server_venv(tmp_path_factory) -> Path:
    """A venv with the project installed the way deploy/container/Containerfile does it."""
    root = tmp_path_factory.mktemp("server-only")
    src = root / "src"
    src.mkdir()
    for op, arg in instructions():
        if op == "COPY":
            *sources, _target = arg.split()
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():
                    shutil.copytree(origin, src / source,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    shutil.copy2(origin, src / source)
    (install,) = [arg for op, arg in instructions()
                  if op == "RUN" and arg.startswith("pip install")]
    pip_args = shlex.split(install.split("&&")[0])[2:]
    assert ".[server]" in pip_args  # the container installs the server extra, nothing more
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = _run([str(venv / "bin" / "pip"), "install", "--quiet", *pip_args], cwd=src)
    assert done.returncode == 0, done.stderr[-3000:]
    return venv


def test_the_server_extra_installs_no_office_library(server_venv: Path) -> None:
    listed = _run([str(server_venv / "bin" / "pip"), "list", "--format=json"], check=True)
    installed = {re.sub(r"[-_.]+", "-", d["name"]).lower() for d in json.loads(listed.stdout)}
    assert "fastapi" in installed and "lokal-willkommen-kiosk" in installed
    assert not installed & OFFICE_ONLY, installed & OFFICE_ONLY


def test_sync_server_runs_and_imports_nothing_of_the_kiosk(server_venv: Path) -> None:
    helped = _run([str(server_venv / "bin" / "sync-server"), "--help"])
    assert helped.returncode == 0 and "serve" in helped.stdout, helped.stderr
    probe = ("import importlib, sys\n"
             f"for name in {SERVER_MODULES!r}:\n"
             "    importlib.import_module(name)\n"
             "print(sorted(m for m in sys.modules if m == 'kiosk' or m.startswith('kiosk.')))")
    imported = _run([str(server_venv / "bin" / "python"), "-c", probe], cwd=server_venv)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "[]"


def test_kiosk_without_the_office_extra_says_what_to_install(server_venv: Path) -> None:
    for args in (["sites"], ["--help"]):
        done = _run([str(server_venv / "bin" / "kiosk"), *args], cwd=server_venv)
        assert done.returncode == 3, (done.stdout, done.stderr)
        assert done.stderr.startswith("kiosk: the office programs are not installed here")
        assert "lokal-willkommen-kiosk[office]" in done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1

