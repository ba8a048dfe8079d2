"""The shipped nginx config on a real nginx, with a CA made by the test, in front of a real
`sync-server`; a site enrols and syncs through it with `--ca-bundle`."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.deploy.clinet import CliNetwork
from tests.processes import spawn

NGINX_SITE = Path(__file__).parents[2] / "deploy" / "proxy" / "nginx-sync-server.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_ca(tmp: Path, name: str) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it: (ca.pem, cert, key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = tmp / f"{name}-ca.pem", tmp / f"{name}-cert.pem", tmp / f"{name}-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def nginx_config(tmp: Path, cert: Path, key: Path, https: int, http: int, upstream: int
                 ) -> Path:
    """The shipped site, rendered as the runbook says, inside a private nginx.conf."""
    site = (NGINX_SITE.read_text()
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
            .replace("listen 80;", f"listen 127.0.0.1:{http};")
            .replace("/etc/ssl/lokal-willkommen/fullchain.pem", str(cert))
            .replace("/etc/ssl/lokal-willkommen/privkey.pem", str(key))
            .replace("127.0.0.1:8700", f"127.0.0.1:{upstream}"))
    (tmp / "site.conf").write_text(site)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(f"""user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")
    return conf


@pytest.fixture()
def proxied(tmp_path: Path, cli_env) -> Iterator[tuple[CliNetwork, str, Path]]:
    net = CliNetwork(tmp_path, cli_env)
    proc = None
    try:  # everything after the server started, so a failing set-up still stops it
        ca, cert, key = make_ca(tmp_path, "city")
        https = free_port()
        (tmp_path / "nginx").mkdir()
        conf = nginx_config(tmp_path / "nginx", cert, key, https, free_port(),
                            net.server.port)
        checked = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stderr
        proc = spawn([NGINX, "-c", str(conf), "-g", "daemon off;"],
                     stderr=subprocess.PIPE, text=True)
        base = f"https://127.0.0.1:{https}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read()
            try:
                requests.get(base + "/v1/config", verify=str(ca), timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.05)
        yield net, base, ca
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGQUIT)
            proc.wait(timeout=30)
        net.close()


def test_site_enrols_and_syncs_through_nginx_with_the_city_ca(proxied, tmp_path) -> None:
    net, base, ca = proxied
    a, _ = net.new_site("a", "EVSC", base, "--ca-bundle", str(ca))
    b, _ = net.new_site("b", "EVSC", base, "--ca-bundle", str(ca))  # a second machine
    ticket = net.checkin(a)
    net.sync(a)  # the CA given at enrolment is remembered for the nightly timer
    done = net.sync(b, "--json")
    assert '"pulled": 2' in done.stdout  # the check-in and the office's figures of the day
    assert [v["ticket"] for v in net.visits(b) if v["site"] == "EVSC"] == [ticket]

    other_ca, _, _ = make_ca(tmp_path, "other")
    refused = net.sync(a, "--ca-bundle", str(other_ca), ok=False)
    assert refused.returncode == 7 and "--ca-bundle" in refused.stderr
    no_pem = tmp_path / "empty.pem"
    no_pem.write_text("nothing here\n")
    assert net.sync(a, "--ca-bundle", str(no_pem), ok=False).returncode == 3


def test_proxy_refuses_bodies_over_the_servers_limit(proxied) -> None:
    _, base, ca = proxied
    too_big = requests.post(base + "/v1/push", data=b"x" * (1024 * 1024 + 1),
                            headers={"Content-Type": "application/json"}, verify=str(ca),
                            timeout=30)
    assert too_big.status_code == 413
    at_limit = requests.post(base + "/v1/push", data=b"x" * (1024 * 1024),
                             headers={"Content-Type": "application/json"}, verify=str(ca),
                             timeout=30)
    assert at_limit.status_code in (400, 401)  # reached the server, which refused it itself
    assert at_limit.json()["error"]["code"]
