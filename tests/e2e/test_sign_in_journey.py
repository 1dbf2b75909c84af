"""Sign in, refresh, sign out; lockout; idle timeout; security headers — in a real browser."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, update

from core import clock
from db.models import UserSession
from tests.e2e.conftest import ADMIN_PASSWORD, screenshot, sign_in
from web.security_headers import HEADERS

WAIT = 60_000


def test_sign_in_survives_refresh_and_sign_out_kills_it(server, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server.url, "boss", ADMIN_PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)  # the cookie is set by a fetch right after the rerun
    cookie = next(c for c in context.cookies() if c["name"] == "ims_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.url
    assert page.evaluate("document.cookie").find("ims_session") == -1  # not readable by scripts
    page.reload()
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Username").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    assert all(c["name"] != "ims_session" for c in context.cookies())
    page.reload()
    page.get_by_label("Username").wait_for(timeout=WAIT)
    screenshot(page, "sign_in_journey")
    context.close()


def test_five_wrong_passwords_lock_the_account(server, browser) -> None:
    page = browser.new_page()
    for _ in range(5):
        sign_in(page, server.url, "boss", "not the right password")
        page.get_by_text("Invalid username or password.").wait_for(timeout=WAIT)
    sign_in(page, server.url, "boss", ADMIN_PASSWORD)
    page.get_by_text("Too many failed sign-in attempts").wait_for(timeout=WAIT)
    screenshot(page, "lockout")
    page.close()
    # Unlock so other tests in this module can sign in.
    engine = create_engine(server.database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE users SET locked_until = NULL, failed_logins = 0")
        conn.exec_driver_sql("DELETE FROM login_attempts")
    engine.dispose()


def test_idle_session_ends(server, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server.url, "boss", ADMIN_PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    # Thirty-one minutes pass without a request: move the session's last activity back.
    engine = create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(update(UserSession).values(last_seen_at=clock.now() - timedelta(minutes=31)))
    engine.dispose()
    page.reload()
    page.get_by_label("Username").wait_for(timeout=WAIT)
    context.close()


def test_main_page_carries_browser_security_headers(server, browser) -> None:
    page = browser.new_page()
    response = page.goto(server.url)
    assert response is not None and response.ok
    headers = response.headers  # Playwright lower-cases header names
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == "frame-ancestors 'none'"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # plain HTTP: no HSTS
    assert {k.lower() for k in HEADERS} <= set(headers)
    page.get_by_label("Username").wait_for(timeout=WAIT)  # the page still works under these headers
    page.close()


def _status(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None
) -> int:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # loopback, a URL the test built
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_streamlit_metrics_and_agent_endpoints_stay_closed(server) -> None:
    """On the real server: Streamlit's unauthenticated metrics and the agent API answer 404."""
    assert _status(f"{server.url}/_stcore/health") == 200
    assert _status(f"{server.url}/_stcore/metrics") == 404
    assert _status(f"{server.url}/_stcore/agent/openapi.json") == 404
    assert _status(f"{server.url}/_stcore/agent/interact", "POST", body=b"{}") == 404


def test_cross_site_cookie_posts_are_refused_by_the_real_server(server) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    evil = {**form, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    assert _status(f"{server.url}/auth/session", "POST", evil, b"t=x") == 403
    assert _status(f"{server.url}/auth/logout", "POST", evil, b"") == 403
    # A 2 MB body is refused on its declared length, before it is read (so send only its start).
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(server.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    conn.putrequest("POST", "/auth/session")
    for name, value in {**form, "Sec-Fetch-Site": "same-origin", "Content-Length": "2000000"}.items():
        conn.putheader(name, value)
    conn.endheaders(b"t=" + b"A" * 1000)
    assert conn.getresponse().status == 413
    conn.close()


def test_password_field_accepts_paste_and_password_managers(server, browser) -> None:
    """ASVS V6.2.7: nothing blocks pasting (a paste event is not cancelled) or managers (autocomplete)."""
    page = browser.new_page()
    page.goto(server.url)
    field = page.get_by_role("textbox", name="Password")
    field.wait_for(timeout=WAIT)
    assert field.get_attribute("type") == "password"
    assert (field.get_attribute("autocomplete") or "").lower() != "off"
    cancelled = field.evaluate(
        """el => {
            const data = new DataTransfer();
            data.setData('text/plain', 'pasted passphrase');
            const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
            return !el.dispatchEvent(event);
        }"""
    )
    assert cancelled is False
    field.focus()
    page.keyboard.insert_text("typed by a password manager")
    assert field.input_value() == "typed by a password manager"
    page.close()


def test_the_server_exposes_no_repository_listing_trace_or_open_cors(server) -> None:
    """ASVS V13.4.1, V13.4.3, V13.4.4 and V3.4.2, on the real server."""
    import urllib.error
    import urllib.request

    def fetch(
        path: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        request = urllib.request.Request(f"{server.url}{path}", method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # loopback, a URL the test built
                return (
                    int(response.status),
                    response.read(200_000).decode("utf-8", "replace"),
                    dict(response.headers),
                )
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read(200_000).decode("utf-8", "replace"), dict(exc.headers)

    status, body, _headers = fetch("/.git/config")
    assert "[core]" not in body and "repositoryformatversion" not in body
    status, body, _headers = fetch("/static/")
    assert "Index of" not in body and "<pre>" not in body.lower()
    status, _body, _headers = fetch("/", method="TRACE")
    assert status in (404, 405)
    for path in ("/", "/_stcore/health", "/auth/session"):
        _status, _body, headers = fetch(path, headers={"Origin": "https://evil.example"})
        allowed = {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin")
        assert allowed in (None, ""), (path, allowed)
