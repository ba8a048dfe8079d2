"""`kiosk demo-network` as a user runs it: a real process, Ctrl+C, nothing left running."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import KIOSK
from tests.processes import spawn


def processes_mentioning(text: str) -> list[int]:
    """Pids of live (non-zombie) processes whose command line contains ``text`` (via /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def test_demo_network_syncs_three_offices_and_ctrl_c_leaves_nothing(tmp_path: Path,
                                                                    cli_env) -> None:
    root = tmp_path / "net"
    proc = spawn([KIOSK, "demo-network", "--dir", str(root), "--visits", "40"],
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=cli_env)
    lines: list[str] = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Ctrl+C stops"):
                break
        output = "".join(lines)
        assert "ready: 3 offices (4 machines) synced" in output, output + proc.stderr.read()
        assert re.search(r"\[1/8\].*\[8/8\] sync round", output, re.DOTALL)  # progress shown
        ticket = re.search(r"EVSC's check-in (A-\d{3}) is now also on EVSC's second machine",
                           output).group(1)
        for what in ("visitor kiosk of EVSC", "staff console of LUED", "board of EVSC",
                     "staff console of EVSC (its second machine)"):
            assert what in output
        server_pids = processes_mentioning(str(root / "server"))
        assert server_pids, "the sync server should be running while the demo waits"

        def visits_in(db: str) -> list[dict]:
            exported = subprocess.run([KIOSK, "--db", str(root / db), "export"],
                                      capture_output=True, text=True, env=cli_env, check=True)
            return [v for v in map(json.loads, exported.stdout.splitlines())
                    if v["type"] == "visit"]

        evsc = visits_in("evsc-2.db")  # the office's second machine holds all of its visits
        assert len(evsc) == 40 + 5 + 1  # history, waiting, the live check-in
        assert [v for v in evsc if v["ticket"] == ticket and v["status"] == "queued"]
        assert {v["site"] for v in evsc} == {"EVSC"}
        assert {v["site"] for v in visits_in("lued.db")} == {"LUED"}  # and no other office

        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        assert "stopped: nothing left running" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10  # the group was killed; let the kernel reap it
    while processes_mentioning(str(root)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(root)) == []
    for pid in server_pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()


def test_demo_network_sigterm_also_stops_the_server(tmp_path: Path, cli_env) -> None:
    root = tmp_path / "net"
    proc = spawn([KIOSK, "demo-network", "--dir", str(root), "--visits", "0"],
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=cli_env)
    try:
        for line in proc.stdout:
            if line.startswith("ready:"):
                break
        assert processes_mentioning(str(root / "server"))
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10
    while processes_mentioning(str(root)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(root)) == []


def test_demo_network_refuses_a_directory_in_use(tmp_path: Path, cli_env) -> None:
    (tmp_path / "something").write_text("x")
    done = subprocess.run([KIOSK, "demo-network", "--dir", str(tmp_path), "--no-wait"],
                          capture_output=True, text=True, env=cli_env, timeout=60)
    assert done.returncode == 2 and "not empty" in done.stderr


def test_demo_network_no_wait_prints_only_commands_that_work(tmp_path: Path, cli_env) -> None:
    """After `--no-wait` the server is stopped: every command printed must still work, the
    sync only after the printed command that starts the server again."""
    root = tmp_path / "net"
    done = subprocess.run([KIOSK, "demo-network", "--dir", str(root), "--visits", "0",
                           "--no-wait"], capture_output=True, text=True, env=cli_env,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert not processes_mentioning(str(root / "server"))
    export = next(line for line in lines if " export | grep " in line)
    status = next(line.split(":  ", 1)[-1].strip() for line in lines if " status " in line)
    serve = next(line for line in lines if " serve --port " in line)
    sync = lines[lines.index(serve) + 1]
    assert sync.endswith(" sync") and not any(line.endswith(" sync") for line in
                                              lines[:lines.index(serve)])
    for command in (export, status):
        ran = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                             text=True, env=cli_env, timeout=120)
        assert ran.returncode == 0 and ran.stdout.strip(), (command, ran.stderr)
    server = spawn(["bash", "-c", f"exec {serve}"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=cli_env)
    try:
        synced = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the restarted server answers
            synced = subprocess.run(["bash", "-c", sync], capture_output=True, text=True,
                                    env=cli_env, timeout=120)
            if synced.returncode != 6:
                break
            time.sleep(0.5)
        assert synced.returncode == 0, synced.stderr
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
