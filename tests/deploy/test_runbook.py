"""deploy/README.md is true: every `sh runbook` block runs, in order, against a real server.

Commands that need a booted machine are stand-ins that record their call (listed in the
runbook's introduction); `systemctl start|stop sync-server.service` runs the real server.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e_sync.harness import free_port

ROOT = Path(__file__).parents[2]
RUNBOOK = ROOT / "deploy" / "README.md"
BLOCK = re.compile(r"^```(sh[^\n]*)\n(.*?)^```", re.M | re.S)

STAND_INS = r'''
runbook_server_start() {
  setsid sync-server serve --port "$RUNBOOK_PORT" --log-level warning \
      >> "$RUNBOOK_WORK/server.log" 2>&1 < /dev/null &
  echo $! > "$RUNBOOK_WORK/server.pid"
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$RUNBOOK_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server did not start" >&2; return 1
}
runbook_server_stop() {
  [ -f "$RUNBOOK_WORK/server.pid" ] || return 0
  kill -TERM -- "-$(cat "$RUNBOOK_WORK/server.pid")" 2>/dev/null || true
  while kill -0 "$(cat "$RUNBOOK_WORK/server.pid")" 2>/dev/null; do sleep 0.1; done
  rm -f "$RUNBOOK_WORK/server.pid"
}
systemctl() {
  echo "systemctl $*" >> "$RUNBOOK_WORK/calls.log"
  case " $* " in
    *" sync-server.service "*)
      case "$1" in
        start|restart) runbook_server_stop; runbook_server_start ;;
        enable) [ "$2" != --now ] || runbook_server_start ;;
        stop) runbook_server_stop ;;
      esac ;;
  esac
}
journalctl() { echo "journalctl $*" >> "$RUNBOOK_WORK/calls.log"; }
useradd() { echo "useradd $*" >> "$RUNBOOK_WORK/calls.log"; }
set -euo pipefail
'''


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1).strip(), m.group(2)) for m in BLOCK.finditer(RUNBOOK.read_text())]


def test_every_shell_block_is_run_here_or_names_the_test_that_runs_it() -> None:
    found = blocks()
    assert len([b for b in found if b[0] == "sh runbook"]) >= 8
    for info, body in found:
        if info == "sh runbook":
            continue
        first = body.splitlines()[0]
        named = re.search(r"tested by (tests/\S+\.py)", first)
        assert named and (ROOT / named.group(1)).is_file(), (info, first)


def test_the_runbook_runs_end_to_end(tmp_path: Path) -> None:
    work, admin, prefix = tmp_path / "work", tmp_path / "usb", tmp_path / "prefix"
    safe = tmp_path / "safe"  # the backup private key's own medium
    memory = tmp_path / "tmpfs"  # the passphrase: never on the stick with admin.key
    for d in (work, admin, prefix / "bin", safe, memory):
        d.mkdir(parents=True)
    (memory / "passphrase").write_text("the admin's long passphrase\n")
    pip = prefix / "bin" / "pip"  # stand-in: the release is already installed
    pip.write_text(f'#!/bin/sh\necho "pip $*" >> "{work}/calls.log"\n')
    pip.chmod(0o755)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "SYNC_SERVER_"))}
    env.update({
        "PATH": f"{Path(sys.executable).parent}:{env['PATH']}",
        "PREFIX": str(prefix), "DATA": str(tmp_path / "data"), "ADMIN": str(admin),
        "BACKUP_KEY": str(safe / "backup.key"), "PASSPHRASE": str(memory / "passphrase"),
        "UNITS": str(tmp_path / "units"), "SYNC_URL": f"http://127.0.0.1:{port}",
        "SYNC_SERVER_DATA_DIR": str(tmp_path / "srv"), "RUNBOOK_PORT": str(port),
        "RUNBOOK_WORK": str(work), "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config")})
    script = STAND_INS + "\n".join(
        f"echo '== block {i}' >&2\n{body}" for i, (info, body) in enumerate(blocks())
        if info == "sh runbook")
    try:
        done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
    finally:
        pid_file = work / "server.pid"
        if pid_file.exists():
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "\n0\n" in "\n" + done.stdout  # LUED's export holds no EVSC visit (grep -c)
    sealed = sorted(admin.glob("*.age"))
    assert len(sealed) == 4 and all(f.read_bytes().startswith(b"age-encryption.org/v1\n")
                                    for f in sealed)  # no backup left the machine in clear
    calls = (work / "calls.log").read_text()
    assert "systemctl enable --now kiosk-visitor.service kiosk-board.service" in calls
    assert (tmp_path / "units" / "sync-server.service").is_file()
    status = json.loads(subprocess.run(
        ["sync-server", "status", "--json"], env=env, capture_output=True, text=True,
        check=True).stdout)
    states = {s["code"].split("-")[0] + ("-revoked" if s["revoked_at"] else "")
              for s in status["sites"]}
    assert {"EVSC", "LUED", "LUED-revoked"} <= states and status["key_generations"]
    assert not list(admin.glob("*passphrase*"))  # the runbook never put it beside the key
    listed = json.loads((admin / "revocations.json").read_text())["list"]
    assert [e["writer"].split("-")[0] for e in listed["entries"]] == ["LUED"]
    assert "LUED:2" in status["key_generations"]  # rotated after the replacement enrolled
