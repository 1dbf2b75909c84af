"""deploy/nginx.conf, rendered for loopback: the compose host names become 127.0.0.1 ports, the
paths a temp dir, TLS a throwaway self-signed certificate. Started and stopped by PID only."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.backends import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    """Debian's nginx (installed by .ci/install-system-packages), if present."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def require_nginx() -> str:
    """The nginx binary, or fail (REQUIRE_SERVICES=1) / skip with the way to get it."""
    import pytest

    found = nginx_binary()
    if found is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but nginx is missing (.ci/install-system-packages installs it)")
        pytest.skip("nginx is not installed: run `make e2e-deps`")
    return found


def self_signed(tmp: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for the TLS server block."""
    cert, key = tmp / "fullchain.pem", tmp / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def render(
    tmp: Path, upstreams: list[int], http_port: int, https_port: int, *, trust_client_xff: bool
) -> Path:
    """deploy/nginx.conf for loopback; `trust_client_xff` plays a load balancer in front (realip)."""
    text = CONF.read_text(encoding="utf-8")
    servers = "".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstreams)
    text, n = re.subn(r"(        server app\d:8501[^\n]*\n)+", servers, text)
    assert n == 1, "the upstream block of deploy/nginx.conf changed shape"
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    cert, key = self_signed(tmp)
    text = text.replace("/etc/nginx/tls/fullchain.pem", str(cert)).replace(
        "/etc/nginx/tls/privkey.pem", str(key)
    )
    text = text.replace("/tmp/ims-nginx", str(tmp / "ims-nginx"))
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    text = text.replace("error_log /dev/stderr warn;", f"error_log {tmp / 'error.log'} warn;")
    if trust_client_xff:
        text = text.replace("# set_real_ip_from 10.0.0.0/8;", "set_real_ip_from 127.0.0.1;")
        text = text.replace("# real_ip_header X-Forwarded-For;", "real_ip_header X-Forwarded-For;")
    path = tmp / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Nginx:
    """A running nginx master process and its URL."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Quit this master (and its workers) only."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_nginx(binary: str, conf: Path, tmp: Path, http_port: int) -> Nginx:
    """nginx in the foreground (daemon off) so that its PID is ours to stop."""
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode() if process.stderr else "nginx exited")
        try:
            with urllib.request.urlopen(url + "/healthz/live", timeout=2):
                return Nginx(url, process)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("nginx did not answer in 20 s")
