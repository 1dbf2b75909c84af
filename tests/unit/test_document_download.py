"""GET /files/documents/{id}: always an attachment with nosniff and a sandbox, only for a signed-in user
allowed to see the document; a hostile PDF is handed over byte for byte but never rendered inline."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

import web
from core import auth, documents
from core.access import Actor
from core.context import AppContext
from db.models import AuditEntry, Role
from tests import factories as f
from tests.conftest import TEST_PASSWORD
from tests.unit.test_documents import PDF_WITH_JS
from web.documents import content_disposition
from web.security_headers import SecurityHeadersMiddleware


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    app = Starlette(routes=web.routes(), middleware=[Middleware(SecurityHeadersMiddleware)])
    with TestClient(app, base_url="http://ims.example.ac.th") as test_client:
        yield test_client


def _get(client: TestClient, path: str, token: str | None = None):  # type: ignore[no-untyped-def]
    """GET `path` with (only) this session cookie."""
    client.cookies.clear()
    if token is not None:
        client.cookies.set(web.COOKIE, token)
    return client.get(path)


def _cookie(ctx: AppContext, username: str) -> str:
    ticket = auth.login(ctx, username, TEST_PASSWORD).ticket
    token = auth.redeem_ticket(ctx, ticket or "")
    assert token is not None
    return token


def _document(ctx: AppContext, actor: Actor, advisor_id: int | None, name: str, data: bytes) -> int:
    kind = documents.save_type(ctx, actor=actor, type_id=None, code="report", name_th="รายงาน", name_en="Report",
                               has_expiry=False)  # fmt: skip
    with ctx.sessions.begin() as s:
        rid = f.registration(s, advisor_id=advisor_id, status="placed")
    return documents.upload_document(ctx, actor=actor, registration_id=rid, type_id=kind.id, filename=name,
                                     content=io.BytesIO(data)).id  # fmt: skip


def test_a_pdf_with_javascript_downloads_only_as_an_attachment(ctx: AppContext, make_actor, client) -> None:
    coordinator = make_actor(Role.COORDINATOR, "coord")
    doc = _document(ctx, coordinator, None, "รายงาน<script>.pdf", PDF_WITH_JS)
    response = _get(client, f"/files/documents/{doc}", _cookie(ctx, "coord"))
    assert response.status_code == 200 and response.content == PDF_WITH_JS
    assert response.headers["content-disposition"].startswith("attachment; ")
    assert "filename*=UTF-8''%E0%B8%A3" in response.headers["content-disposition"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'; sandbox")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "private, no-store"
    with ctx.sessions.begin() as s:
        audits = select(func.count()).where(
            AuditEntry.action == "document.download", AuditEntry.actor_id == coordinator.user_id
        )
        assert s.scalar(audits) == 1


def test_without_a_session_or_for_someone_elses_student_there_is_nothing(
    ctx: AppContext, make_actor, client
) -> None:
    coordinator = make_actor(Role.COORDINATOR, "coord2")
    mine = make_actor(Role.ADVISOR, "adv_mine")
    make_actor(Role.ADVISOR, "adv_other")
    doc = _document(ctx, coordinator, mine.user_id, "r.pdf", PDF_WITH_JS)
    assert client.get(f"/files/documents/{doc}").status_code == 401
    assert client.get(f"/files/documents/{doc}", cookies={web.COOKIE: "forged"}).status_code == 401
    other = {web.COOKIE: _cookie(ctx, "adv_other")}
    assert client.get(f"/files/documents/{doc}", cookies=other).status_code == 404
    assert client.get(f"/files/documents/{doc + 999}", cookies=other).status_code == 404
    assert client.get("/files/documents/abc", cookies=other).status_code == 404
    assert (
        client.get(f"/files/documents/{doc}", cookies={web.COOKIE: _cookie(ctx, "adv_mine")}).status_code
        == 200
    )


def test_the_attachment_name_cannot_break_out_of_its_header() -> None:
    header = content_disposition('a"; filename=evil.html\\.pdf')
    assert header.count('"') == 2 and "evil.html\\" not in header.split(";")[1]
    assert content_disposition("รายงาน.pdf") == (
        "attachment; filename=\"______.pdf\"; filename*=UTF-8''%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99.pdf"
    )
