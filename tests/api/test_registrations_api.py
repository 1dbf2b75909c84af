"""POST/GET/withdraw registrations over HTTP: idempotency, If-Match, cursors, problems, audit as the client."""

from __future__ import annotations

from sqlalchemy import func, select
from starlette.testclient import TestClient

from core import clock
from db.models import AuditEntry, Registration, RegistrationEvent, Student
from tests import factories as f
from tests.api.conftest import World, bearer, token

PROBLEM = "application/problem+json"


def _post(http: TestClient, auth: dict[str, str], body: dict, **headers: str):  # type: ignore[no-untyped-def]
    return http.post("/api/v1/registrations", json=body, headers={**auth, **headers})


def _counts(world: World) -> tuple[int, int]:
    with world.ctx.sessions.begin() as s:
        regs = s.scalar(select(func.count()).select_from(Registration))
        events = s.scalar(select(func.count()).select_from(RegistrationEvent))
    return int(regs or 0), int(events or 0)


def test_enter_read_list_and_withdraw_with_if_match(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    body = {"student_code": world.students[0], "course_code": "cpe-401", "semester": 1, "academic_year": 2569,
            "advisor_username": world.advisor}  # fmt: skip
    made = _post(http, auth, body)
    assert made.status_code == 201, made.text
    reg = made.json()
    assert (reg["status"], reg["version"], reg["section_id"]) == ("submitted", 1, world.section_id)
    assert made.headers["Location"] == f"/api/v1/registrations/{reg['id']}" and made.headers["ETag"] == '"1"'
    got = http.get(f"/api/v1/registrations/{reg['id']}", headers=auth)
    assert got.status_code == 200 and got.json() == reg
    listed = http.get("/api/v1/registrations", params={"student_code": world.students[0]}, headers=auth)
    assert [r["id"] for r in listed.json()["items"]] == [reg["id"]] and listed.json()["next_cursor"] is None
    url = f"/api/v1/registrations/{reg['id']}/withdraw"
    missing = http.post(url, json={"reason": "moved abroad"}, headers=auth)
    assert missing.status_code == 428 and missing.headers["content-type"] == PROBLEM
    stale = http.post(url, json={"reason": "moved abroad"}, headers={**auth, "If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["type"].endswith("#problem-precondition-failed")
    blank = http.post(url, json={"reason": ""}, headers={**auth, "If-Match": '"1"'})
    assert blank.status_code == 422
    done = http.post(url, json={"reason": "moved abroad"}, headers={**auth, "If-Match": '"1"'})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn" and done.headers["ETag"] == '"2"'
    again = http.post(url, json={"reason": "moved abroad"}, headers={**auth, "If-Match": '"2"'})
    assert again.status_code == 409


def test_idempotency_key_replays_the_first_result_and_refuses_another_body(
    http: TestClient, world: World
) -> None:
    auth = bearer(token(world))
    body = {"student_code": world.students[0], "section_id": world.section_id}
    first = _post(http, auth, body, **{"Idempotency-Key": "portal-42"})
    retry = _post(http, auth, body, **{"Idempotency-Key": "portal-42"})
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"] and retry.headers["Idempotent-Replayed"] == "true"
    assert _counts(world) == (1, 1)
    other = _post(http, auth, {**body, "student_code": world.students[1]}, **{"Idempotency-Key": "portal-42"})
    assert other.status_code == 422 and other.json()["type"].endswith("#problem-idempotency-key-reused")
    assert _counts(world) == (1, 1)
    # Another client may use the same key for its own request.
    mine = _post(http, bearer(token(world)), {**body, "student_code": world.students[1]},
                 **{"Idempotency-Key": "portal-42"})  # fmt: skip
    assert mine.status_code == 201 and _counts(world) == (2, 2)


def test_each_broken_rule_is_one_field_error_and_a_duplicate_is_409(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    with world.ctx.sessions.begin() as s:
        closed = f.posting(s, status="closed")
    bad = _post(http, auth, {"student_code": "0000099999", "section_id": world.section_id,
                             "advisor_username": "nobody", "internship_id": closed})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["type"].endswith("#problem-intake-rules")
    assert {e["field"] for e in bad.json()["errors"]} == {"student_code", "advisor_username"}
    ok = _post(http, auth, {"student_code": world.students[0], "section_id": world.section_id})
    assert ok.status_code == 201
    twice = _post(http, auth, {"student_code": world.students[0], "section_id": world.section_id})
    assert twice.status_code == 409 and twice.json()["errors"][0]["rule"] == "duplicate"
    posting = _post(http, auth, {"student_code": world.students[1], "section_id": world.section_id,
                                 "internship_id": closed})  # fmt: skip
    assert posting.status_code == 422 and [e["field"] for e in posting.json()["errors"]] == ["internship_id"]
    unknown = _post(
        http, auth, {"student_code": world.students[1], "section_id": world.section_id, "extra": 1}
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "extra"
    assert _counts(world) == (1, 1)


def test_thai_clients_read_thai_problems(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    body = {"student_code": "0000099999", "section_id": world.section_id}
    thai = _post(http, {**auth, "Accept-Language": "th-TH,th;q=0.9"}, body).json()
    english = _post(http, auth, body).json()
    assert thai["detail"] != english["detail"] and "0000099999" in thai["detail"]


def test_writes_are_audited_with_the_client_as_actor(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    made = _post(http, auth, {"student_code": world.students[0], "section_id": world.section_id}).json()
    http.post(f"/api/v1/registrations/{made['id']}/withdraw", json={"reason": "ย้ายสถานศึกษา"},
              headers={**auth, "If-Match": '"1"'})  # fmt: skip
    with world.ctx.sessions.begin() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.client_id)
            .where(AuditEntry.entity == "registration")
            .order_by(AuditEntry.id)
        ).all()
        events = s.execute(select(RegistrationEvent.actor_id, RegistrationEvent.client_id)).all()
    assert [r.action for r in rows] == ["registration.create", "registration.withdrawn"]
    assert all(r.actor_id is None and r.client_id is not None for r in rows)
    assert all(e.actor_id is None and e.client_id == rows[0].client_id for e in events)


def test_the_list_cursor_neither_repeats_nor_skips_while_others_write(http: TestClient, world: World) -> None:
    auth = bearer(token(world))
    with world.ctx.sessions.begin() as s:
        program = s.scalar(select(Student.program_id).limit(1))
        section = f.section(s, capacity=100)
        existing = [
            f.registration(s, student_id=f.student(s, program), section_id=section) for _ in range(25)
        ]
    seen: list[int] = []
    cursor = None
    for page in range(20):
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        got = http.get("/api/v1/registrations", params=params, headers=auth).json()
        seen += [r["id"] for r in got["items"]]
        with world.ctx.sessions.begin() as s:  # others write between pages: new rows and status changes
            f.registration(s, student_id=f.student(s, program), section_id=section)
            s.execute(
                Registration.__table__.update()
                .where(Registration.id == existing[page % len(existing)])
                .values(version=Registration.version + 1, updated_at=clock.now())
            )
        cursor = got["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a registration came twice"
    assert set(existing) <= set(seen), "a registration that existed when paging began was skipped"
    assert seen == sorted(seen)
    bad = http.get("/api/v1/registrations", params={"cursor": "not-ours"}, headers=auth)
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
