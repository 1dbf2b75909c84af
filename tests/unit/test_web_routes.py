"""The app's own HTTP surface: security headers on every response, the cookie and logout routes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core import auth, clock
from core.auth import sessions
from core.context import AppContext
from db.models import Role
from tests.conftest import TEST_PASSWORD
from web.security_headers import HEADERS, HSTS, SecurityHeadersMiddleware


def _headers_of(scheme: str = "http", extra: list[tuple[bytes, bytes]] | None = None) -> dict[str, str]:
    """Run the middleware around a tiny app that answers with its own X-Frame-Options."""
    sent: list[dict[str, Any]] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"x-frame-options", b"SAMEORIGIN")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "scheme": scheme, "method": "GET", "path": "/", "headers": extra or []}
    asyncio.run(SecurityHeadersMiddleware(inner)(scope, receive, send))
    assert sent[1]["body"] == b"ok"
    raw = sent[0]["headers"]
    assert len(raw) == len({k for k, _ in raw}), "a header appears twice"
    return {k.decode().lower(): v.decode() for k, v in raw}


def test_every_http_response_gets_the_browser_security_headers() -> None:
    headers = _headers_of()
    for name, value in HEADERS.items():
        assert headers[name.lower()] == value
    assert headers["x-frame-options"] == "DENY"  # overrides whatever the inner app said
    assert headers["content-security-policy"] == "frame-ancestors 'none'"
    assert "script-src" not in headers["content-security-policy"]  # Streamlit needs inline scripts
    assert "strict-transport-security" not in headers  # never over plain HTTP


def test_hsts_only_when_the_request_came_over_https() -> None:
    assert _headers_of("https")["strict-transport-security"] == HSTS == "max-age=31536000"
    # A client's own X-Forwarded-Proto is not believed here: the server turns it into the scheme
    # only for peers in FORWARDED_ALLOW_IPS (tests/integration/test_production.py checks that).
    forged = _headers_of("http", [(b"x-forwarded-proto", b"https")])
    assert "strict-transport-security" not in forged


def test_websocket_traffic_passes_through_untouched() -> None:
    seen: list[dict[str, Any]] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)
        await send({"type": "websocket.accept"})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    asyncio.run(SecurityHeadersMiddleware(inner)({"type": "websocket", "headers": []}, receive, send))
    assert sent == [{"type": "websocket.accept"}] and seen[0]["type"] == "websocket"


def _post(path: str, body: bytes = b"", cookie: str | None = None, scheme: str = "http") -> Response:
    from web import cookies as app

    headers = [(b"host", b"ims.example.ac.th"), (b"content-type", b"application/x-www-form-urlencoded")]
    if cookie is not None:
        headers.append((b"cookie", f"{app.COOKIE}={cookie}".encode()))
    scope = {"type": "http", "scheme": scheme, "method": "POST", "path": path, "headers": headers}
    scope["query_string"] = b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    handler = app.set_session_cookie if path == "/auth/session" else app.clear_session_cookie

    async def call() -> Response:
        result = handler(Request(scope, receive))
        return await result if asyncio.iscoroutine(result) else result

    return asyncio.run(call())


def _set_cookie(response: Response) -> list[str]:
    return [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]


def test_a_valid_ticket_sets_the_httponly_strict_cookie_once(ctx: AppContext, make_actor) -> None:
    make_actor(Role.STAFF, "ticketed")
    ticket = auth.login(ctx, "ticketed", TEST_PASSWORD).ticket
    response = _post("/auth/session", f"t={ticket}".encode())
    assert response.status_code == 204
    (cookie,) = _set_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain-HTTP development; Secure behind HTTPS (next test)
    token = cookie.split(";")[0].split("=", 1)[1]
    assert sessions.resume(ctx, token=token) is not None
    reused = _post("/auth/session", f"t={ticket}".encode())
    assert reused.status_code == 403 and _set_cookie(reused) == []


def test_cookie_is_secure_behind_https(ctx: AppContext, make_actor) -> None:
    make_actor(Role.STAFF, "secure")
    ticket = auth.login(ctx, "secure", TEST_PASSWORD).ticket
    (cookie,) = _set_cookie(_post("/auth/session", f"t={ticket}".encode(), scheme="https"))
    assert "Secure" in cookie


def test_bogus_missing_or_expired_tickets_get_403_and_no_cookie(
    ctx: AppContext, make_actor, monkeypatch
) -> None:
    make_actor(Role.STAFF, "late")
    for body in (b"", b"t=", b"t=not-a-ticket", b"t=" + b"A" * 43, b"other=1"):
        response = _post("/auth/session", body)
        assert response.status_code == 403 and _set_cookie(response) == [], body
    ticket = auth.login(ctx, "late", TEST_PASSWORD).ticket
    later = clock.now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = _post("/auth/session", f"t={ticket}".encode())
    assert response.status_code == 403 and _set_cookie(response) == []


def test_logout_without_or_with_a_stale_cookie_is_harmless(ctx: AppContext) -> None:
    for cookie in (None, "", "not-a-session-token"):
        response = _post("/auth/logout", cookie=cookie)
        assert response.status_code == 204
        (cleared,) = _set_cookie(response)
        assert cleared.startswith('ims_session="";') and "Max-Age=0" in cleared


def test_logout_route_revokes_the_cookie_session_on_the_server(ctx: AppContext, make_actor) -> None:
    make_actor(Role.STAFF, "leaver")
    result = auth.login(ctx, "leaver", TEST_PASSWORD)
    token = sessions.redeem_ticket(ctx, result.ticket)
    assert token is not None and sessions.resume(ctx, token=token) is not None
    assert _post("/auth/logout", cookie=token).status_code == 204
    assert sessions.resume(ctx, token=token) is None
    assert sessions.resume(ctx, session_id=result.actor.session_id) is None


def test_server_connections_send_at_once_without_nagle(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    import asyncio.base_events

    from web import server

    assert server.disable_nagle() is True
    assert asyncio.base_events._set_nodelay is server._tcp_nodelay
    assert server.nodelay_effective()
    # Without it such a connection keeps Nagle's algorithm (what asyncio does for proto 0), and
    # the check at start says so in the log.
    monkeypatch.setattr(server, "patch_nodelay", lambda: None)
    monkeypatch.setattr(asyncio.base_events, "_set_nodelay", lambda sock: None)
    assert not server.nodelay_effective()
    assert server.disable_nagle() is False
    assert "TCP_NODELAY did not take effect" in caplog.text
