"""Production behaviour of a real server process (`python manage.py serve`): health endpoints,
SIGTERM, refusing an out-of-date schema or an incomplete proxy setting, JSON logs, and forwarded
headers believed only from FORWARDED_ALLOW_IPS."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.migrate import upgrade
from tests.integration.appserver import ROOT, AppServer, base_env, free_port, start


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One development replica on SQLite, trusting no proxy."""
    tmp = tmp_path_factory.mktemp("prod")
    server = start(tmp, base_env(tmp, f"sqlite:///{tmp / 'ims.sqlite3'}"))
    yield server
    server.stop()


def test_live_and_ready(replica: AppServer) -> None:
    status, headers, body = replica.get("/healthz/live")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, headers, body = replica.get("/healthz/ready")
    ready = json.loads(body)
    assert status == 200 and ready["failing"] == [] and headers["cache-control"] == "no-store"
    assert set(ready["checks"]) == {"database", "redis", "schema"}


def test_log_lines_are_json_with_the_replica(replica: AppServer) -> None:
    status, headers, _ = replica.get("/healthz/live", {"X-Request-ID": "nginx-req-0001"})
    assert headers["x-request-id"] == "nginx-req-0001"  # the proxy's id, echoed and logged
    assert (
        len(replica.get("/healthz/live", {"X-Request-ID": "<script>alert(1)</script>"})[1]["x-request-id"])
        == 12
    )
    replica.get("/api/v1/registrations/1", {"Authorization": "Bearer nope", "X-Request-ID": "nginx-req-0002"})
    lines = replica.log_lines()
    assert lines and all({"time", "level", "logger", "replica", "event"} <= set(x) for x in lines)
    assert {x["replica"] for x in lines} == {lines[0]["replica"]} and lines[0]["replica"]
    assert any(x["request_id"] == "nginx-req-0002" and x["logger"] == "ims.security" for x in lines)
    # Streamlit's and uvicorn's own loggers write JSON too: no plain "2026-12-01 05:38:43.345 ..." lines.
    plain = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|INFO:|WARNING:|ERROR:)")
    assert not [raw for raw in replica.log.read_text().splitlines() if plain.match(raw)]


def test_ready_is_503_naming_redis_when_it_is_down(tmp_path: Path) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    server = start(tmp_path, base_env(tmp_path, f"sqlite:///{tmp_path / 'r.sqlite3'}", REDIS_URL=dead))
    try:
        status, _, body = server.get("/healthz/ready")
        assert status == 503
        ready = json.loads(body)
        assert ready["failing"] == ["redis"] and ready["checks"]["database"] == "ok"
        assert server.get("/healthz/live")[0] == 200  # alive, just not ready
    finally:
        server.stop()


def _open_websocket(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        (
            "GET /_stcore/stream HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
        ).encode()
    )
    assert sock.recv(1024).startswith(b"HTTP/1.1 101")
    return sock


def test_sigterm_stops_taking_connections_and_exits_within_10_s(tmp_path: Path) -> None:
    server = start(tmp_path, base_env(tmp_path, f"sqlite:///{tmp_path / 't.sqlite3'}"))
    ws = _open_websocket(server.port)  # a browser tab still connected
    idle = socket.create_connection(("127.0.0.1", server.port))  # a keep-alive connection doing nothing
    try:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=10)  # raises TimeoutExpired if it is still running after 10 s
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2)
    finally:
        ws.close()
        idle.close()
        server.stop()


def test_production_refuses_an_out_of_date_schema_and_names_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0007")
    env = base_env(tmp_path, url, APP_ENV="production", BCRYPT_ROUNDS="12")
    server = start(tmp_path, env, wait=False)
    try:
        assert server.process.wait(timeout=60) != 0
    finally:
        server.stop()
    log = server.log.read_text()
    assert "python manage.py migrate" in log and "0007" in log


def test_production_behind_a_proxy_refuses_to_start_without_trusted_addresses(tmp_path: Path) -> None:
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'p.sqlite3'}", APP_ENV="production", BEHIND_PROXY="1")
    env["BCRYPT_ROUNDS"] = "12"
    result = subprocess.run(
        [sys.executable, "manage.py", "serve", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "FORWARDED_ALLOW_IPS" in result.stderr
    assert env["SECRET_KEY"] not in result.stderr + result.stdout  # reasons, never the values


def _refused_ip(server: AppServer, forwarded_for: str) -> str | None:
    """Call the API with a bad token; the security event names the address the server believed."""
    headers = {"Authorization": "Bearer not-a-real-token", "X-Forwarded-For": forwarded_for}
    assert server.get("/api/v1/registrations/1", headers)[0] == 401
    events = [json.loads(x["event"]) for x in server.log_lines() if x["logger"] == "ims.security"]
    refused = [e for e in events if e["event"] == "api_token_refused"]
    return refused[-1]["ip"]


def test_forwarded_headers_are_ignored_from_an_untrusted_peer(replica: AppServer) -> None:
    assert _refused_ip(replica, "203.0.113.9") == "127.0.0.1"
    _, headers, _ = replica.get("/healthz/live", {"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in headers


def test_forwarded_headers_are_believed_from_a_trusted_proxy(tmp_path: Path) -> None:
    env = base_env(
        tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", BEHIND_PROXY="1", FORWARDED_ALLOW_IPS="127.0.0.1"
    )
    server = start(tmp_path, env)
    try:
        # The client is the address the trusted proxy appended last; what the client claimed before is not.
        assert _refused_ip(server, "198.51.100.1, 203.0.113.9") == "203.0.113.9"
        _, headers, _ = server.get("/healthz/live", {"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" in headers
    finally:
        server.stop()
