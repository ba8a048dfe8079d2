"""Staff consoles over SSH: the shipped sshd snippet and authorized_keys options, on a real
private sshd on loopback. The forced command is a harmless stand-in for `kiosk` that prints
FORCED and its arguments, so the test shows what a login runs whatever the client asks."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import spawn

SSH_DIR = Path(__file__).parents[2] / "deploy" / "ssh"
SNIPPET = SSH_DIR / "sshd_config.d-lokal-willkommen.conf"
AUTHORIZED = SSH_DIR / "authorized_keys.example"
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
USER = getpass.getuser()


def render(text: str, prefix: Path, data: Path, user: str = "staff") -> str:
    """The admin's rendering (deploy/README.md): placeholders replaced; in the test the
    restricted account is the user running the test, so no system account is created."""
    return (text.replace("@PREFIX@", str(prefix)).replace("@DATA@", str(data))
            .replace("Match User staff", f"Match User {user}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def keys(tmp_path: Path) -> dict[str, Path]:
    for name in ("host", "user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(tmp_path / name)], check=True)
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    stand_in = prefix / "bin" / "kiosk"
    stand_in.write_text('#!/bin/sh\necho "FORCED $*"\necho "asked for: $SSH_ORIGINAL_COMMAND"\n')
    stand_in.chmod(0o755)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir
    return {"host": tmp_path / "host", "user": tmp_path / "user", "prefix": prefix,
            "data": tmp_path / "data"}


def base_config(tmp: Path, keys: dict[str, Path], port: int) -> str:
    return "\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {keys['host']}",
        f"PidFile {tmp / 'sshd.pid'}", f"AuthorizedKeysFile {tmp / 'authorized_keys'}",
        "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password",
        "LogLevel ERROR", ""])


@pytest.fixture()
def sshd(tmp_path: Path, keys: dict[str, Path]) -> Iterator:
    procs: list[subprocess.Popen] = []

    def start(config_text: str, authorized: str) -> int:
        port = int(config_text.split()[1])
        (tmp_path / "authorized_keys").write_text(authorized)
        config = tmp_path / "sshd_config"
        config.write_text(config_text)
        checked = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stderr
        proc = spawn([SSHD, "-D", "-e", "-f", str(config)],
                     stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("sshd did not start")

    yield start
    for proc in procs:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def ssh(keys: dict[str, Path], port: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ssh", "-F", "/dev/null", "-i", str(keys["user"]), "-p", str(port),
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_sshd_accepts_the_shipped_snippet_as_rendered(tmp_path: Path, keys) -> None:
    config = tmp_path / "check_config"
    config.write_text(base_config(tmp_path, keys, free_port())
                      + render(SNIPPET.read_text(), Path("/opt/lw/.venv"),
                               Path("/var/lib/lokal-willkommen")))
    checked = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_force_command_runs_the_console_whatever_the_client_asks(tmp_path: Path, keys,
                                                                  sshd) -> None:
    port = free_port()
    public = keys["user"].with_suffix(".pub").read_text()
    sshd(base_config(tmp_path, keys, port)
         + render(SNIPPET.read_text(), keys["prefix"], keys["data"], USER), public)
    target = f"{USER}@127.0.0.1"
    done = ssh(keys, port, target, "sh -c id")
    assert done.returncode == 0, done.stderr
    assert f"FORCED --db {keys['data']}/kiosk.db staff" in done.stdout
    assert "asked for: sh -c id" in done.stdout and "uid=" not in done.stdout
    done = ssh(keys, port, "-tt", target)  # an interactive login gets a terminal
    assert "FORCED" in done.stdout
    forward = ssh(keys, port, "-W", f"127.0.0.1:{port}", target)  # stdio forwarding
    assert forward.returncode != 0 and "SSH-2.0" not in forward.stdout


def test_authorized_keys_options_force_the_console_on_their_own(tmp_path: Path, keys,
                                                                sshd) -> None:
    port = free_port()
    public = keys["user"].with_suffix(".pub").read_text().strip()
    line = next(x for x in AUTHORIZED.read_text().splitlines() if x.startswith("restrict"))
    options = line.split(" ssh-ed25519 ")[0]
    authorized = render(options, keys["prefix"], keys["data"]) + " " + public + "\n"
    sshd(base_config(tmp_path, keys, port), authorized)  # no Match block at all
    target = f"{USER}@127.0.0.1"
    done = ssh(keys, port, target, "cat /etc/passwd")
    assert done.returncode == 0, done.stderr
    assert "FORCED --db" in done.stdout and "root:" not in done.stdout
    forward = ssh(keys, port, "-W", f"127.0.0.1:{port}", target)
    assert forward.returncode != 0 and "SSH-2.0" not in forward.stdout
