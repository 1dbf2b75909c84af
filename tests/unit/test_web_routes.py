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


SAME_ORIGIN = [(b"origin", b"http://ims.example.ac.th")]


def _post(
    path: str,
    body: bytes = b"",
    cookie: str | None = None,
    scheme: str = "http",
    sender: list[tuple[bytes, bytes]] | None = None,
) -> Response:
    from web import cookies as app

    headers = [(b"host", b"ims.example.ac.th"), (b"content-type", b"application/x-www-form-urlencoded")]
    headers += SAME_ORIGIN if sender is None else sender
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


CROSS_SITE = {
    "fetch metadata cross-site": [
        (b"sec-fetch-site", b"cross-site"),
        (b"origin", b"http://ims.example.ac.th"),
    ],
    "fetch metadata same-site": [(b"sec-fetch-site", b"same-site")],
    "another origin": [(b"origin", b"https://evil.example.com")],
    "look-alike origin": [(b"origin", b"http://ims.example.ac.th.evil.example.com")],
    "opaque origin": [(b"origin", b"null")],
    "no origin at all": [],
}


def test_login_csrf_cross_site_ticket_posts_are_refused(ctx: AppContext, make_actor) -> None:
    """Another site posting the attacker's unused ticket must not sign the victim's browser in."""
    make_actor(Role.STAFF, "attacker")
    ticket = auth.login(ctx, "attacker", TEST_PASSWORD).ticket
    for name, sender in CROSS_SITE.items():
        response = _post("/auth/session", f"t={ticket}".encode(), sender=sender)
        assert response.status_code == 403 and _set_cookie(response) == [], name
    same = [(b"sec-fetch-site", b"same-origin")]
    assert _post("/auth/session", f"t={ticket}".encode(), sender=same).status_code == 204  # still unused


def test_cross_site_logout_is_refused(ctx: AppContext, make_actor) -> None:
    make_actor(Role.STAFF, "stays")
    token = sessions.redeem_ticket(ctx, auth.login(ctx, "stays", TEST_PASSWORD).ticket)
    for name, sender in CROSS_SITE.items():
        response = _post("/auth/logout", cookie=token, sender=sender)
        assert response.status_code == 403 and _set_cookie(response) == [], name
    assert sessions.resume(ctx, token=token) is not None


def test_ticket_form_parser_is_bounded(ctx: AppContext, make_actor) -> None:
    """1,000 fields of up to 1 MB each were accepted; the ticket form is now a few hundred bytes."""
    make_actor(Role.STAFF, "bounded")
    ticket = auth.login(ctx, "bounded", TEST_PASSWORD).ticket
    hostile = {
        "one huge field": b"t=" + b"A" * (2 * 1024 * 1024),
        "many small fields": b"&".join(b"f%d=1" % i for i in range(1000)),
        "huge name": b"A" * 10_000 + b"=1",
        "ticket plus padding": f"t={ticket}&pad=".encode() + b"B" * 1000,
    }
    for name, body in hostile.items():
        response = _post("/auth/session", body)
        assert response.status_code == 413 and _set_cookie(response) == [], name
    assert _post("/auth/session", f"t={ticket}".encode()).status_code == 204  # never consumed


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


def test_agent_api_is_off_by_an_option_streamlit_knows() -> None:
    """A misspelt option would be ignored silently: check the name against Streamlit's own options."""
    import tomllib
    from pathlib import Path

    from streamlit import config

    settings = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["enableAgentApi"] is False
    assert "server.enableAgentApi" in config._config_options_template


def test_streamlit_metrics_and_agent_paths_are_closed_in_app() -> None:
    from web.closed_paths import ClosedPathsMiddleware

    seen: list[str] = []

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await Response(status_code=200)(scope, receive, send)

    def status(path: str) -> int:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
        asyncio.run(ClosedPathsMiddleware(inner)(scope, receive, send))
        return int(sent[0]["status"])

    for path in ("/_stcore/metrics", "/_stcore/agent/interact", "/_stcore/agent/mcp"):
        assert status(path) == 404, path
    for path in ("/_stcore/health", "/metrics", "/_stcore/metricsx", "/"):
        assert status(path) == 200, path
    assert "/_stcore/metrics" not in seen


def test_production_config_hides_errors_and_sends_nothing_out() -> None:
    """ASVS V13.4.2 (no debug output to users) and V14.2.3 (no usage data to third parties)."""
    import tomllib
    from pathlib import Path

    settings = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["client"]["toolbarMode"] == "viewer"
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["server"]["enableXsrfProtection"] is True and settings["server"]["enableCORS"] is True
