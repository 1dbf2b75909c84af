"""A real `python manage.py serve` process for the production tests: started on a free loopback port,
its JSON log captured to a file, stopped by its own PID only."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    """One running replica: its URL, process and log file."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One HTTP GET: status, headers (lower-case names), body."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines the replica logged so far (other lines, e.g. Streamlit's banner, skipped)."""
        lines = []
        for raw in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except json.JSONDecodeError:
                    continue
        return lines

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it is still there after 20 s (this process only)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def base_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a development replica on `database_url`, plus `extra`."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FORWARDED_ALLOW_IPS", "BEHIND_PROXY")
    }
    env.update(
        DATA_DIR=str(tmp),
        DATABASE_URL=database_url,
        BCRYPT_ROUNDS="4",
        APP_ENV="development",
        SECRET_KEY="prod-test-" + "k" * 40,
        DEFAULT_LANGUAGE="en",
        STREAMLIT_SERVER_COOKIE_SECRET="prod-test-cookie-secret-0123456789abcdef",
    )
    env.update(extra)
    return env


def start(tmp: Path, env: dict[str, str], *, wait: bool = True, port: int | None = None) -> AppServer:
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
    server = AppServer(f"http://127.0.0.1:{port}", port, process, log)
    if wait:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
            try:
                if server.get("/healthz/live")[0] == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.3)
        server.stop()
        raise RuntimeError("server did not come up in 60 s")
    return server
