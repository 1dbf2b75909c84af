"""The supervisor's one-time link on both back ends: sent by mail with the token stored hashed, one
submission and no replay, expiry, a new link killing the old one, the same answer (through the same
queries, padded to the same minimum time) for unknown and expired tokens, and the rate limit."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from core import clock, evaluation_links
from core.context import AppContext
from core.errors import PermissionDenied
from db.models import Evaluation, EvaluationLink, EvaluationStatus, OutboxMail
from tests.unit.test_placements import (
    NOW,
    Office,
    _scores,
    office,  # noqa: F401 - the placed-office fixture `desk` builds on
)

_addresses = itertools.count(1)


@pytest.fixture
def desk(office: Office) -> Office:  # noqa: F811 - test_placements' fixture, named here as a parameter
    """The desk of test_placements: a course requiring evaluations, its people, placed registrations."""
    return office


def _address() -> str:
    """A fresh client address per call site, so the rate limit of one test never meets another's."""
    n = next(_addresses)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def _send(desk: Office, evaluation_id: int) -> str:
    sent = evaluation_links.send_link(desk.ctx, actor=desk.actors["coordinator"], evaluation_id=evaluation_id)
    return sent.url.split("?t=", 1)[1]


def _refusal(ctx: AppContext, token: str) -> str:
    with pytest.raises(evaluation_links.LinkRefused) as caught:
        evaluation_links.open_link(ctx, token=token, address=_address())
    return caught.value.message


def test_the_link_is_mailed_stored_hashed_and_shows_only_what_the_supervisor_needs(desk: Office) -> None:
    rid = desk.placed()
    evaluation_id = desk.evaluations(rid)["supervisor"]
    token = _send(desk, evaluation_id)
    assert len(token) == 43  # 32 random bytes, URL-safe base64
    with desk.ctx.sessions.begin() as s:
        [link] = s.scalars(select(EvaluationLink)).all()
        [mail] = s.scalars(select(OutboxMail)).all()
        assert token not in link.token_hash and len(link.token_hash) == 64
        assert link.expires_at == NOW + timedelta(days=30)
    assert mail.recipient == "somsri@example.co.th" and mail.language == "th" and token in mail.body_text
    assert f'href="http://localhost:8501/evaluate?t={token}"' in mail.body_html
    shown = evaluation_links.open_link(desk.ctx, token=token, address=_address())
    assert set(vars(shown)) == {"student_th", "student_en", "company", "start_date", "end_date", "form"}
    assert shown.form.kind == "supervisor" and shown.company


def test_one_submission_then_any_replay_is_refused(desk: Office) -> None:
    rid = desk.placed()
    evaluation_id = desk.evaluations(rid)["supervisor"]
    token = _send(desk, evaluation_id)
    scores = _scores(desk.ctx, evaluation_id, 4)
    evaluation_links.submit_by_link(
        desk.ctx, token=token, scores=scores, evaluator_name="สมศรี", comments="ขยัน", address=_address()
    )
    with desk.ctx.sessions.begin() as s:
        row = s.get_one(Evaluation, evaluation_id)
        assert (
            row.status == EvaluationStatus.SUBMITTED
            and row.evaluator_name == "สมศรี"
            and row.entered_by is None
        )
    with pytest.raises(evaluation_links.LinkRefused):
        evaluation_links.submit_by_link(
            desk.ctx,
            token=token,
            scores=_scores(desk.ctx, evaluation_id, 1),
            evaluator_name="x",
            address=_address(),
        )
    assert _refusal(desk.ctx, token) == _refusal(desk.ctx, "unknown-token")
    with desk.ctx.sessions.begin() as s:
        assert s.get_one(Evaluation, evaluation_id).scores == {str(k): 4 for k in scores}


def test_an_expired_token_is_refused(desk: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    token = _send(desk, desk.evaluations(desk.placed())["supervisor"])
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=30, seconds=1))
    assert _refusal(desk.ctx, token).startswith("This link does not work")


def test_a_new_link_kills_the_old_one(desk: Office) -> None:
    evaluation_id = desk.evaluations(desk.placed())["supervisor"]
    old = _send(desk, evaluation_id)
    new = _send(desk, evaluation_id)
    _refusal(desk.ctx, old)
    assert evaluation_links.open_link(desk.ctx, token=new, address=_address()).form.kind == "supervisor"
    with desk.ctx.sessions.begin() as s:
        assert len(s.scalars(select(OutboxMail)).all()) == 2


def test_unknown_and_expired_tokens_get_the_same_answer_through_the_same_queries(
    desk: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    expired = _send(desk, desk.evaluations(desk.placed())["supervisor"])
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=31))
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(desk.ctx.db.engine, "before_cursor_execute", seen)
    try:
        answers, shapes, spent = [], [], []
        for token in (expired, "A" * 43):
            statements.clear()
            started = time.perf_counter()
            answers.append(_refusal(desk.ctx, token))
            spent.append(time.perf_counter() - started)
            shapes.append(list(statements))
    finally:
        event.remove(desk.ctx.db.engine, "before_cursor_execute", seen)
    assert answers[0] == answers[1] and shapes[0] == shapes[1] and len(shapes[0]) == 1
    assert min(spent) >= evaluation_links.links.MIN_SECONDS  # both padded to the same floor


def test_too_many_tries_from_one_address_are_refused(desk: Office) -> None:
    address = _address()
    for _ in range(evaluation_links.links.RATE_PER_MINUTE):
        with pytest.raises(evaluation_links.LinkRefused):
            evaluation_links.open_link(desk.ctx, token="guess", address=address)
    with pytest.raises(evaluation_links.TooManyTries):
        evaluation_links.open_link(desk.ctx, token="guess", address=address)
    with pytest.raises(evaluation_links.LinkRefused):  # another address is not held back
        evaluation_links.open_link(desk.ctx, token="guess", address=_address())


def test_only_the_office_sends_links(desk: Office) -> None:
    evaluation_id = desk.evaluations(desk.placed())["supervisor"]
    with pytest.raises(PermissionDenied):
        evaluation_links.send_link(desk.ctx, actor=desk.actors["advisor"], evaluation_id=evaluation_id)
