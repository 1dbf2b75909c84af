"""Real headless Chromium (Debian's package) against a real `streamlit run app.py`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.backends import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ADMIN_PASSWORD = "an e2e admin passphrase 2026"


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        reason = (
            "Chromium or Playwright missing: run `make e2e-deps` (Debian chromium) to enable browser tests"
        )
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running app: its URL, its database URL and its environment."""

    url: str
    database_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not come up in 60 s")


def start_server(
    tmp: Path,
    extra_env: dict[str, str] | None = None,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    create_admin: bool = True,
) -> Server:
    """Serve the app on a free port (SQLite under `tmp` unless a database URL is given)."""
    port = _free_port()
    database_url = database_url or f"sqlite:///{tmp / 'e2e.sqlite3'}"
    env = {
        **os.environ,
        "DATA_DIR": str(tmp),
        "DATABASE_URL": database_url,
        "BCRYPT_ROUNDS": "4",
        "APP_ENV": "development",
        "SECRET_KEY": "e2e-" + "k" * 40,
        "DEFAULT_LANGUAGE": "en",  # journeys read English unless they switch (or ask for Thai)
        **(extra_env or {}),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    if create_admin:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "create-user",
                "boss",
                "--role",
                "admin",
                "--full-name",
                "สมชาย ผู้ดูแล",
            ],
            input=f"{ADMIN_PASSWORD}\n".encode(),
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url, process)
    return Server(url=url, database_url=database_url, env=env, process=process)


def stop_server(server: Server) -> None:
    """Stop exactly the process we started."""
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One app process per test module; stopped by PID afterwards."""
    _require_browser()
    srv = start_server(tmp_path_factory.mktemp("e2e"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def screenshot(page: object, name: str) -> None:
    """Keep the journey's last screen under tests/artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(page: object, url: str, username: str, password: str) -> None:
    """Fill the login form and submit it."""
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_role("textbox", name="Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
