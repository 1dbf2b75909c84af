"""A real SMTP server for tests and the bench: aiosmtpd on a free loopback port, keeping what it receives.

It can refuse the first N messages with a temporary (4xx) error, and can require a login.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """The handler: keeps every accepted message; refuses the first `refuse` with 451."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Accept (or, while refusing, put off) one message."""
        with self._lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            self.raw.append(envelope.content)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
            self.count += 1
        return "250 OK"

    def message_ids(self) -> list[str]:
        """The Message-ID of every accepted message, in arrival order."""
        return [str(m["Message-ID"]) for m in self.messages]


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_sink(refuse: int = 0, login: tuple[str, str] | None = None) -> Iterator[tuple[Sink, str]]:
    """A running server and the SMTP_URL that reaches it (no TLS: loopback only)."""
    sink = Sink(refuse)
    port = free_port()
    options: dict[str, Any] = {}
    if login:
        options.update(authenticator=_authenticator(*login), auth_required=True, auth_require_tls=False)
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    credentials = f"{login[0]}:{login[1]}@" if login else ""
    try:
        yield sink, f"smtp+insecure://{credentials}127.0.0.1:{port}"
    finally:
        controller.stop()


@contextmanager
def sink_process() -> Iterator[str]:
    """aiosmtpd's own discarding Sink in a process of its own (the bench: no shared GIL with the
    sender); yields the SMTP_URL and stops exactly that process."""
    import subprocess
    import sys
    import time

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the SMTP sink did not start") from None
                time.sleep(0.1)
        yield f"smtp+insecure://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
