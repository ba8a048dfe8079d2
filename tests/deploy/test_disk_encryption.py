"""The runbook's full-disk encryption block says only what systemd understands.

No LUKS volume can be made on the development machine (its kernel has no device-mapper), so
the block is checked by the tools that will read it: every `systemd-cryptenroll` option is
one it lists in `--help`, and the crypttab line's options are parsed by the real
`systemd-cryptsetup`, which names any option it does not know (it then fails on the test's
empty file, long before touching a device). `cryptsetup` itself is not installed here: its
two commands are not checked.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.deploy.test_runbook import blocks

CRYPTSETUP_HELPERS = [Path("/usr/lib/systemd/systemd-cryptsetup"),
                      Path("/lib/systemd/systemd-cryptsetup")]


def fde_block() -> list[str]:
    found = [body for info, body in blocks() if info == "sh"
             and "tests/deploy/test_disk_encryption.py" in body.splitlines()[0]]
    assert len(found) == 1
    return [line for line in found[0].splitlines()[1:] if line.strip()]


def echoed_into(target: str) -> str:
    """The line the block appends to ``target`` (``echo '…' >> target``)."""
    for line in fde_block():
        words = shlex.split(line)
        if words[0] == "echo" and words[-2:] == [">>", target]:
            return words[1]
    raise AssertionError(f"the block writes no line to {target}")


def systemd_cryptsetup() -> Path:
    helper = next((p for p in CRYPTSETUP_HELPERS if p.exists()), None)
    assert helper, "systemd-cryptsetup is needed (CI installs systemd)"
    return helper


def unknown_options(options: str, tmp_path: Path) -> list[str]:
    """The options systemd-cryptsetup reports as unknown, parsed by systemd itself."""
    not_a_disk = tmp_path / "not-a-disk"
    not_a_disk.write_bytes(b"")
    done = subprocess.run([str(systemd_cryptsetup()), "attach", "lw-test", str(not_a_disk),
                           "none", options], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode != 0  # it never opens the empty file
    return re.findall(r"unknown /etc/crypttab option '([^']+)'", done.stdout + done.stderr)


def test_systemd_cryptenroll_knows_every_option_the_runbook_uses() -> None:
    helped = subprocess.run(["systemd-cryptenroll", "--help"], capture_output=True,
                            text=True, timeout=60).stdout
    used = [word.split("=")[0] for line in fde_block() if line.startswith("systemd-cryptenroll")
            for word in shlex.split(line) if word.startswith("--")]
    assert {"--tpm2-device", "--tpm2-with-pin", "--recovery-key"} <= set(used)
    for option in used:
        assert re.search(rf"^\s+{re.escape(option)}\b", helped, re.M), option


def test_the_crypttab_line_unlocks_with_the_tpm_and_systemd_knows_its_options(
        tmp_path: Path) -> None:
    name, device, key_file, options = echoed_into("/etc/crypttab").split()
    assert device.startswith("/dev/disk/") and key_file == "none"
    assert "tpm2-device=auto" in options.split(",")
    assert unknown_options(options, tmp_path) == []
    assert unknown_options(options + ",no-such-option", tmp_path) == ["no-such-option"]
    mount = echoed_into("/etc/fstab").split()
    assert mount[0] == f"/dev/mapper/{name}" and mount[1] == "/var/lib/lokal-willkommen"


@pytest.mark.parametrize("phrase", ["Staff PINs do not protect a stolen machine",
                                    "--tpm2-with-pin=yes", "Without TPM2", "clevis", "tang",
                                    "A passphrase typed at boot"])
def test_the_runbook_says_what_protects_a_stolen_machine(phrase: str) -> None:
    text = (Path(__file__).parents[2] / "deploy" / "README.md").read_text()
    assert phrase in text
