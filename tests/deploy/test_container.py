"""The container files, checked without an engine (none on this machine; no linter for
Containerfiles in Debian or on PyPI that we could use): parsed and held to the rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from sync_server.cli import build_parser

ROOT = Path(__file__).parents[2]
CONTAINER = ROOT / "deploy" / "container"
SECRETS = re.compile(r"(PASSWORD|SECRET|TOKEN|PRIVATE|PASSPHRASE)\w*\s*[=:]\s*[\"']?"
                     r"[A-Za-z0-9+/_-]{8,}", re.I)


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (CONTAINER / "Containerfile").read_text())
    out = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_containerfile_is_minimal_conventional_and_unprivileged() -> None:
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [arg for op, arg in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    assert [i for i, (op, _) in enumerate(steps) if op == "USER"][-1] > max(
        i for i, (op, _) in enumerate(steps) if op == "RUN")  # nothing runs as root after
    assert ("EXPOSE", "8700") in steps
    health = [arg for op, arg in steps if op == "HEALTHCHECK"]
    assert health and "/v1/config" in health[0]
    for op, arg in steps:
        if op == "COPY":
            for source in arg.split()[:-1]:
                assert (ROOT / source).exists(), source
    entry = json.loads(dict(steps)["ENTRYPOINT"])
    cmd = json.loads(dict(steps)["CMD"])
    assert entry == ["sync-server"]
    args = build_parser().parse_args(cmd)
    assert args.command == "serve" and args.port == 8700


def test_no_secret_is_baked_into_the_container_files() -> None:
    for name in ("Containerfile", "compose.yaml"):
        for line in (CONTAINER / name).read_text().splitlines():
            if line.lstrip().startswith("#"):
                continue
            assert not SECRETS.search(line.replace("POSTGRES_PASSWORD_FILE", "")), line


def test_compose_runs_the_server_on_postgresql_with_a_password_file() -> None:
    compose = yaml.safe_load((CONTAINER / "compose.yaml").read_text())
    db, sync = compose["services"]["db"], compose["services"]["sync"]
    assert db["image"].split("/")[-1].startswith("postgres:")
    assert db["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")
    assert compose["secrets"]["pg_password"]["file"]
    assert sync["build"]["dockerfile"] == "deploy/container/Containerfile"
    assert (CONTAINER / sync["build"]["context"] / sync["build"]["dockerfile"]).exists()
    assert "postgresql://" in " ".join(sync["entrypoint"])
    args = build_parser().parse_args(sync["command"])
    assert args.command == "serve" and args.workers == 2
    assert all(p.startswith("127.0.0.1:") for p in sync["ports"])  # only the proxy reaches it
