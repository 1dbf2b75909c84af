"""API clients: what an admin may issue, tokens stored only hashed, the rate limit's buckets and fallback."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import api_clients, clock
from core.access import Permission, client_actor
from core.context import AppContext
from core.errors import AuthError, Conflict, InvalidInput, PermissionDenied
from db.models import ApiClient, AuditEntry


def test_admins_issue_tokens_that_are_stored_only_as_their_hash(ctx: AppContext, make_actor) -> None:
    admin = make_actor("admin")
    tomorrow = clock.now().date() + timedelta(days=1)
    issued = api_clients.create_client(
        ctx, actor=admin, name="พอร์ทัล", scopes=["postings:read"], expires_on=tomorrow
    )
    assert issued.token.startswith("imsk_") and len(issued.token) >= 45  # 256 random bits
    with ctx.sessions.begin() as s:
        row = s.scalars(select(ApiClient)).one()
        assert row.token_hash == api_clients.token_hash(issued.token) and len(row.token_hash) == 64
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "api_client")).one()
        assert issued.token not in str(audit.after) and audit.actor_id == admin.user_id
    caller = api_clients.authenticate(ctx, token=issued.token)
    assert caller.actor.can(Permission.SEARCH_POSTINGS) and not caller.actor.can(
        Permission.ENTER_REGISTRATION
    )
    assert caller.actor.user_id is None and caller.actor.client_id == issued.client_id
    with pytest.raises(Conflict):
        api_clients.create_client(ctx, actor=admin, name="พอร์ทัล", scopes=["postings:read"], expires_on=None)


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "x"},
        {"scopes": []},
        {"scopes": ["registrations:read", "admin:all"]},
        {"expires_on": "past"},
        {"expires_on": "far"},
        {"rate_per_s": 0},
        {"burst": 5000},
    ],
)
def test_bad_client_settings_are_refused_and_nothing_is_saved(ctx: AppContext, make_actor, bad: dict) -> None:  # type: ignore[type-arg]
    admin, today = make_actor("admin"), clock.now().date()
    dates = {"past": today, "far": today + timedelta(days=800)}
    values = {"name": "portal", "scopes": ["changes:read"], "expires_on": None, **bad}
    if isinstance(values["expires_on"], str):
        values["expires_on"] = dates[values["expires_on"]]
    with pytest.raises(InvalidInput):
        api_clients.create_client(ctx, actor=admin, **values)
    assert api_clients.list_clients(ctx, actor=admin) == []


def test_only_admins_manage_clients_and_clients_never_act_as_people(ctx: AppContext, make_actor) -> None:
    with pytest.raises(PermissionDenied):
        api_clients.create_client(ctx, actor=make_actor("coordinator"), name="x1", scopes=["changes:read"],
                                  expires_on=None)  # fmt: skip
    robot = client_actor(1, "portal", ("registrations:write",))
    with pytest.raises(PermissionDenied):
        robot.person  # noqa: B018 - the property raises
    with pytest.raises(AuthError):
        api_clients.authenticate(ctx, token="imsk_" + "x" * 300)
    admin = make_actor("admin")
    issued = api_clients.create_client(
        ctx, actor=admin, name="gone", scopes=["changes:read"], expires_on=None
    )
    api_clients.revoke_client(ctx, actor=admin, client_id=issued.client_id)
    with pytest.raises(Conflict):
        api_clients.rotate_client(ctx, actor=admin, client_id=issued.client_id)
    assert api_clients.list_clients(ctx, actor=admin)[0].state(clock.now()) == "revoked"


def test_local_buckets_allow_the_burst_then_the_rate() -> None:
    now = [100.0]
    buckets = api_clients.LocalBuckets(clock=lambda: now[0])
    assert [buckets.take(1, rate=2, burst=3).allowed for _ in range(4)] == [True, True, True, False]
    refused = buckets.take(1, rate=2, burst=3)
    assert not refused.allowed and refused.retry_after_s == 1
    assert buckets.take(2, rate=2, burst=3).allowed  # another client, another bucket
    now[0] += 0.5  # one token back at 2 per second
    assert buckets.take(1, rate=2, burst=3).allowed and not buckets.take(1, rate=2, burst=3).allowed


def test_with_redis_unreachable_the_limit_falls_back_to_this_process_never_to_none() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    limiter = api_clients.RateLimiter(dead, timeout=0.05)
    decisions = [limiter.take(7, rate=1, burst=2) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, False, False]
    assert not any(d.shared for d in decisions)
    limiter.close()
