"""A private mariadbd on a free loopback port, for drills that stop and restart the server.

Only ever stops the process it started (by PID); never touches the machine's own MariaDB.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ThrowawayMariaDB:
    """A data directory, a port, and the server process currently serving them."""

    root: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    # Binary log off by default; a replication primary passes e.g. ["--server-id=1", "--log-bin=..."].
    server_args: list[str] = field(default_factory=lambda: ["--skip-log-bin"])

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the `ims` database on this server."""
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/ims?charset=utf8mb4"

    def install(self) -> None:
        """Create the data directory (a second or two)."""
        subprocess.run(
            [shutil.which("mariadb-install-db") or "mariadb-install-db", "--no-defaults",
             f"--datadir={self.root / 'data'}", "--auth-root-authentication-method=normal",
             "--skip-test-db", "--user=root"],
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        """Start mariadbd and wait until it answers."""
        self.process = subprocess.Popen(
            ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={self.root / 'data'}", f"--port={self.port}",
             "--bind-address=127.0.0.1", f"--socket={self.root / 'sock'}", f"--pid-file={self.root / 'pid'}",
             "--user=root", "--innodb-buffer-pool-size=64M", *self.server_args],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("throwaway mariadbd did not start")

    def stop(self) -> None:
        """Stop exactly the server process this object started."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port and data."""
        self.stop()
        self.start()
