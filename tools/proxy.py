"""deploy/nginx.conf on loopback in front of app replicas, for the suite and the bench.

`render` rewrites the compose host names to 127.0.0.1 ports, the paths to a temp dir and TLS to a
throwaway self-signed certificate; `start_nginx` runs nginx in the foreground so that the PID is
ours; `start_replica` runs `python manage.py serve` with its JSON log in a file. Everything is
stopped by the PID it started, never by name.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nginx_binary() -> str | None:
    """Debian's nginx (.ci/install-system-packages installs it), if present."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


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
    if n != 1:
        raise ValueError("the upstream block of deploy/nginx.conf changed shape")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    cert, key = self_signed(tmp)
    text = text.replace("/etc/nginx/tls/fullchain.pem", str(cert)).replace(
        "/etc/nginx/tls/privkey.pem", str(key)
    )
    # nginx's workers run as an unprivileged user when the master is root: their temp files go to
    # a directory they can reach (a pytest temp dir is private to root).
    scratch = Path(tempfile.mkdtemp(prefix="ims-nginx-"))
    scratch.chmod(0o755)
    text = text.replace("/tmp/ims-nginx", str(scratch / "ims-nginx"))
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    text = text.replace("error_log /dev/stderr warn;", f"error_log {tmp / 'error.log'} warn;")
    if trust_client_xff:
        text = text.replace("# set_real_ip_from 10.0.0.0/8;", "set_real_ip_from 127.0.0.1;")
        text = text.replace("# real_ip_header X-Forwarded-For;", "real_ip_header X-Forwarded-For;")
    path = tmp / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


def _wait_http(url: str, process: subprocess.Popen[bytes], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer in {seconds:.0f} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop exactly this process: `sig`, then SIGKILL after 20 s."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Nginx:
    """A running nginx master process and its URL."""

    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Quit this master (and its workers) only."""
        stop(self.process, signal.SIGQUIT)


def start_nginx(binary: str, conf: Path, tmp: Path, http_port: int) -> Nginx:
    """nginx in the foreground (daemon off); waits until it answers /healthz/live."""
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait_http(url + "/healthz/live", process, 30, "nginx")
    except RuntimeError:
        stop(process, signal.SIGQUIT)
        raise
    return Nginx(url, process)


@dataclass
class Replica:
    """One `python manage.py serve` process: URL, port, process and JSON log file."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """SIGTERM (then SIGKILL after 20 s), this process only."""
        stop(self.process)


def replica_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """A development replica's environment on `database_url`, plus `extra`."""
    drop = ("REDIS_URL", "FORWARDED_ALLOW_IPS", "BEHIND_PROXY", "DATABASE_REPLICA_URL", "REPLICA_ID")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        BCRYPT_ROUNDS="4",
        APP_ENV="development",
        SECRET_KEY="replica-" + "k" * 40,
        DEFAULT_LANGUAGE="en",
        STREAMLIT_SERVER_COOKIE_SECRET="replica-cookie-secret-0123456789abcdef",
    )
    env.update(extra)
    return env


def start_replica(tmp: Path, env: dict[str, str], *, wait: bool = True, port: int | None = None) -> Replica:
    """`python manage.py serve` on 127.0.0.1; waits for /healthz/live unless `wait` is False."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = tmp / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--address", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    replica = Replica(f"http://127.0.0.1:{port}", port, process, log)
    if wait:
        try:
            _wait_http(replica.url + "/healthz/live", process, 60, "the app replica")
        except RuntimeError as exc:
            replica.stop()
            raise RuntimeError(f"{exc}:\n{log.read_text(errors='replace')[-3000:]}") from None
    return replica
