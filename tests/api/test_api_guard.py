"""Tokens, scopes, rate limits, body limits, server errors and the changes feed over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core import api_clients, clock, registrations
from core.errors import InvalidInput
from db.models import ApiClient
from tests import factories as f
from tests.api.conftest import World, bearer, token

PROBLEM = "application/problem+json"


def test_missing_unknown_expired_revoked_and_rotated_tokens_get_401(http: TestClient, world: World) -> None:
    url = "/api/v1/registrations"
    assert http.get(url).status_code == 401
    assert http.get(url, headers=bearer("imsk_not-a-token")).headers["WWW-Authenticate"] == "Bearer"
    good = token(world)
    assert http.get(url, headers=bearer(good)).status_code == 200
    with world.ctx.sessions.begin() as s:
        client = s.scalars(
            select(ApiClient).where(ApiClient.token_hash == api_clients.token_hash(good))
        ).one()
        assert client.last_used_at is not None and good not in (client.token_hash, client.token_prefix)
        client.expires_at = clock.now() - timedelta(seconds=1)
    assert http.get(url, headers=bearer(good)).status_code == 401
    fresh = token(world)
    client_id = api_clients.list_clients(world.ctx, actor=world.admin)[0].id
    rotated = api_clients.rotate_client(world.ctx, actor=world.admin, client_id=client_id)
    assert http.get(url, headers=bearer(fresh)).status_code == 401  # the old token stops at once
    assert http.get(url, headers=bearer(rotated.token)).status_code == 200
    api_clients.revoke_client(world.ctx, actor=world.admin, client_id=client_id)
    refused = http.get(url, headers=bearer(rotated.token))
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        ("registrations:read", {"list", "get", "student", "sections"}),
        ("registrations:write", {"post", "get", "student", "sections"}),
        ("postings:read", {"postings"}),
        ("changes:read", {"changes"}),
    ],
)
def test_each_scope_opens_its_endpoints_only(
    http: TestClient, world: World, scope: str, allowed: set[str]
) -> None:
    auth = bearer(token(world, scope))
    reg = registrations.enter_registration(
        world.ctx, actor=world.admin,
        request=registrations.IntakeRequest(student_code=world.students[3], section_id=world.section_id),
    ).registration_id  # fmt: skip
    calls = {
        "list": lambda: http.get("/api/v1/registrations", headers=auth),
        "get": lambda: http.get(f"/api/v1/registrations/{reg}", headers=auth),
        "post": lambda: http.post("/api/v1/registrations", headers=auth,
                                  json={"student_code": world.students[0], "section_id": world.section_id}),
        "student": lambda: http.get(f"/api/v1/students/{world.students[0]}", headers=auth),
        "sections": lambda: http.get("/api/v1/sections", params={"term": "1/2569"}, headers=auth),
        "postings": lambda: http.get("/api/v1/postings", params={"q": "intern"}, headers=auth),
        "changes": lambda: http.get("/api/v1/changes", headers=auth),
    }  # fmt: skip
    for name, call in calls.items():
        status = call().status_code
        assert (status < 400) == (name in allowed), (name, status)
        assert status in (200, 201, 403), (name, status)


def test_the_rate_limit_answers_429_with_retry_after(http: TestClient, world: World) -> None:
    auth = bearer(token(world, rate=1, burst=3))
    statuses = [http.get("/api/v1/changes", headers=auth).status_code for _ in range(6)]
    assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]
    limited = http.get("/api/v1/changes", headers=auth)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    other = bearer(token(world, rate=1, burst=3))  # each client has its own bucket
    assert http.get("/api/v1/changes", headers=other).status_code == 200


def test_bodies_over_64_kb_and_bodies_not_json_are_refused(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    url = "/api/v1/registrations"
    big = b'{"student_code": "' + b"1" * 70_000 + b'"}'
    assert (
        http.post(url, content=big, headers={**auth, "Content-Type": "application/json"}).status_code == 413
    )

    def chunks():  # no Content-Length: counted while read
        for _ in range(70):
            yield b" " * 1024

    chunked = http.post(url, content=chunks(), headers={**auth, "Content-Type": "application/json"})
    assert chunked.status_code == 413 and chunked.headers["content-type"] == PROBLEM
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        sent = http.post(url, content=b"student_code=1", headers={**auth, "Content-Type": kind})
        assert sent.status_code == 415, kind
    broken = http.post(
        url, content=b'{"student_code": ', headers={**auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["type"].endswith("#problem-bad-request")
    exact = b'{"student_code": "6500000000", "section_id": 1}'
    padded = exact + b" " * (64 * 1024 - len(exact))
    assert (
        http.post(url, content=padded, headers={**auth, "Content-Type": "application/json"}).status_code
        != 413
    )


def test_an_unexpected_error_is_a_500_with_an_incident_id_and_no_trace(
    http: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals: /etc/passwd line 3")

    monkeypatch.setattr(registrations, "list_changes", broken)
    failed = http.get("/api/v1/changes", headers=bearer(token(world)))
    body = failed.json()
    assert failed.status_code == 500 and failed.headers["content-type"] == PROBLEM
    assert len(body["incident"]) == 12 and body["incident"] in body["detail"]
    assert "secret" not in failed.text and "Traceback" not in failed.text and "passwd" not in failed.text


def test_the_changes_feed_follows_every_status_change_in_order(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    first = http.get("/api/v1/changes", headers=auth).json()
    assert first["items"] == []
    made = http.post("/api/v1/registrations", headers=auth,
                     json={"student_code": world.students[0], "section_id": world.section_id}).json()  # fmt: skip
    http.post(f"/api/v1/registrations/{made['id']}/withdraw", json={"reason": "ลาออก"},
              headers={**auth, "If-Match": '"1"'})  # fmt: skip
    page = http.get("/api/v1/changes", params={"after": first["next_cursor"]}, headers=auth).json()
    assert [
        (c["registration_id"], c["from_status"], c["to_status"], c["version"]) for c in page["items"]
    ] == [
        (made["id"], None, "submitted", 1),
        (made["id"], "submitted", "withdrawn", 2),
    ]
    rest = http.get("/api/v1/changes", params={"after": page["next_cursor"]}, headers=auth).json()
    assert rest == {"items": [], "next_cursor": page["next_cursor"]}
    with pytest.raises(InvalidInput):
        registrations.list_changes(world.ctx, actor=world.admin, after="bm9wZQ")


def test_reads_postings_students_and_sections(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    with world.ctx.sessions.begin() as s:
        f.posting(s, title="นักศึกษาฝึกงานพัฒนาซอฟต์แวร์")
    found = http.get("/api/v1/postings", params={"q": "ฝึกงาน"}, headers=auth).json()
    assert found["total"] == 1 and found["items"][0]["title"] == "นักศึกษาฝึกงานพัฒนาซอฟต์แวร์"
    assert {"province", "work_mode", "company"} <= set(found["facets"])
    student = http.get(f"/api/v1/students/{world.students[0].lower()}", headers=auth)
    assert student.status_code == 200 and student.json()["student_code"] == world.students[0]
    assert http.get("/api/v1/students/9999999999", headers=auth).status_code == 404
    term = http.get("/api/v1/sections", params={"term": "1/2569"}, headers=auth).json()
    assert [(s["id"], s["capacity"]) for s in term] == [(world.section_id, 2)]
    assert http.get("/api/v1/sections", params={"term": "1/2570"}, headers=auth).json() == []
    assert http.get("/api/v1/sections", params={"term": "first"}, headers=auth).status_code == 422
