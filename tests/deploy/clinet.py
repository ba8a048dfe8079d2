"""A network driven only through the command line, as the runbook drives it.

Real `kiosk` and `sync-server` processes, a real server on loopback (the e2e_sync harness's
`Server`), an admin key file with a passphrase file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e_sync.harness import BIN, Server


def run(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    """One `kiosk` command; asserts success unless ``ok`` is False."""
    done = subprocess.run([str(BIN / "kiosk"), *args], env=env, capture_output=True,
                          text=True, timeout=300)
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


class CliNetwork:
    """Admin key, passphrase and a running server under ``root``."""

    def __init__(self, root: Path, env: dict) -> None:
        self.root, self.env = root, env
        self.passphrase = root / "admin.passphrase"
        self.passphrase.write_text("a long passphrase only the admin knows\n")
        self.admin = root / "admin.key"
        self.root_line = run(env, "keys", "init-network", "--out", str(self.admin),
                             "--network", "dortmund", "--passphrase-file",
                             str(self.passphrase)).stdout.strip()
        (root / "srv").mkdir()
        self.server = Server(root / "srv", self.root_line).start()

    def new_site(self, name: str, office: str, url: str | None = None,
                 *enroll_options: str) -> tuple[str, str]:
        """init → keys public → enroll-site → import → enroll; returns (db, CODE)."""
        db = str(self.root / f"{name}.db")
        run(self.env, "--db", db, "init", "--site", office)
        public = run(self.env, "--db", db, "keys", "public")
        code = public.stderr.strip().rsplit(" ", 1)[-1]
        bundle = str(self.root / f"{name}.bundle")
        run(self.env, "keys", "enroll-site", code, "--public-key", public.stdout.strip(),
            "--admin-key", str(self.admin), "--out", bundle, "--passphrase-file",
            str(self.passphrase))
        run(self.env, "--db", db, "keys", "import", bundle)
        run(self.env, "--db", db, "enroll", "--server", url or self.server.base,
            *enroll_options)
        return db, code

    def checkin(self, db: str, language: str = "ar") -> str:
        """A staff-side check-in; the ticket number."""
        out = run(self.env, "--db", db, "checkin", "--language", language, "--json").stdout
        return json.loads(out)["ticket"]

    def sync(self, db: str, *extra: str, ok: bool = True) -> subprocess.CompletedProcess:
        return run(self.env, "--db", db, "sync", *extra, ok=ok)

    def visits(self, db: str) -> list[dict]:
        """Every visit record in the store (from `kiosk export`)."""
        out = run(self.env, "--db", db, "export").stdout
        return [r for r in map(json.loads, out.splitlines()) if r["type"] == "visit"]

    def close(self) -> None:
        self.server.stop()
