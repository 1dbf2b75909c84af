"""The review defects in a real browser: bulk actions touch exactly the ticked rows, and a committee
member who is not the student's advisor casts the deciding vote."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from core import clock
from core.auth import users
from core.cache import make_cache
from core.config import Settings
from core.context import AppContext
from db.engine import make_database
from db.models import Registration, RegistrationStatus
from tests import factories
from tests.e2e.conftest import Server, screenshot, sign_in, start_server, stop_server

WAIT = 60_000
PASSWORD = "review journeys passphrase 2026"
ROW_HEIGHT = 35  # Streamlit's default data grid row height, in CSS pixels


def _context(server: Server) -> AppContext:
    return AppContext(
        settings=Settings(database_url=server.database_url, secret_key="x" * 40, bcrypt_rounds=4),
        db=make_database(server.database_url),
        cache=make_cache(None),
    )


def _seed(ctx: AppContext) -> dict[str, object]:
    made = {}
    for name, role in (
        ("coord", "coordinator"),
        ("adv_a", "advisor"),
        ("member1", "advisor"),
        ("member2", "advisor"),
    ):
        row, _ = users.create_user(ctx, actor=None, username=name, full_name=f"คุณ {name}", role=role,
                                   password=PASSWORD)  # fmt: skip
        made[name] = row.id
    now = clock.now()
    with ctx.sessions.begin() as s:
        queue_section = factories.section(s, capacity=30)
        # The queue's default order is the longest waiting first: waiting[0] is the top row.
        waiting = [
            factories.registration(s, section_id=queue_section, at=now - timedelta(days=20 - i))
            for i in range(6)
        ]
        voting = factories.section(s, capacity=30)
        factories.committee(s, voting, [made["adv_a"], made["member1"], made["member2"]])
        vote_on = factories.registration(
            s, section_id=voting, advisor_id=made["adv_a"], status=RegistrationStatus.ADVISOR_APPROVED
        )
    return {"users": made, "waiting": waiting, "vote_on": vote_on}


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[tuple[Server, AppContext, dict]]:
    """One app whose queue holds six submitted registrations and one open committee vote."""
    server = start_server(tmp_path_factory.mktemp("review"))
    ctx = _context(server)
    seeded = _seed(ctx)
    yield server, ctx, seeded
    ctx.db.engine.dispose()
    stop_server(server)


def _statuses(ctx: AppContext, ids: list[int]) -> list[str]:
    with ctx.sessions.begin() as s:
        return [s.get_one(Registration, i).status.value for i in ids]


def _tick(page, row: int) -> None:  # type: ignore[no-untyped-def]
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 52 + row * ROW_HEIGHT)  # the row's selection cell


def _open(page, server: Server, username: str, link: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, username, PASSWORD)
    page.get_by_role("button", name="Log out").wait_for(timeout=WAIT)
    page.get_by_role("link", name=link).click()


def test_bulk_reject_changes_exactly_the_two_ticked_rows_and_again_nothing(review, browser) -> None:
    server, ctx, seeded = review
    waiting: list[int] = seeded["waiting"]  # type: ignore[assignment]
    page = browser.new_page()
    _open(page, server, "coord", "Review queue")
    page.get_by_text("7 registrations match").wait_for(timeout=WAIT)  # the six, and the committee's one
    page.wait_for_timeout(1500)
    _tick(page, 1)
    page.get_by_text("Bulk action on 1 selected").wait_for(timeout=WAIT)
    _tick(page, 3)
    page.get_by_text(f"Bulk action on 2 selected: #{waiting[1]}, #{waiting[3]}").wait_for(timeout=WAIT)
    page.get_by_label("Reason (needed to reject or ask for changes)").fill("incomplete documents")
    page.get_by_label("Reason (needed to reject or ask for changes)").press("Enter")
    page.wait_for_timeout(800)
    page.locator(".st-key-rq_bulk_reject button").click()
    page.get_by_role("dialog").get_by_text("This changes 2 registrations:").wait_for(timeout=WAIT)
    assert _statuses(ctx, waiting) == ["submitted"] * 6  # nothing changes before the dialog's Reject
    page.locator(".st-key-rq_confirm_reject__yes button").click()
    page.get_by_text("Reject: 2 of 2 done.").wait_for(timeout=WAIT)
    expected = ["submitted", "rejected", "submitted", "rejected", "submitted", "submitted"]
    assert _statuses(ctx, waiting) == expected
    page.get_by_text("Bulk action on 0 selected").wait_for(timeout=WAIT)
    page.get_by_text("5 registrations match").wait_for(timeout=WAIT)
    reject = page.locator(".st-key-rq_bulk_reject button")
    assert reject.is_disabled()  # the ticks went with the action: nothing left to reject again
    screenshot(page, "bulk_reject_exact_rows")
    reject.click(force=True)
    page.wait_for_timeout(1500)
    assert _statuses(ctx, waiting) == expected
    page.close()


def test_a_committee_member_who_is_not_the_advisor_casts_the_deciding_vote(review, browser) -> None:
    server, ctx, seeded = review
    reg = int(seeded["vote_on"])  # type: ignore[call-overload]
    first = browser.new_page()
    _open(first, server, "member1", "Committee votes")
    first.get_by_text("Select a row to read the registration").wait_for(timeout=WAIT)
    first.wait_for_timeout(1000)
    _tick(first, 0)
    first.get_by_role("button", name="Cast vote").click()
    first.get_by_text(f"Vote recorded. Registration {reg} is Advisor approved.").wait_for(timeout=WAIT)
    first.close()
    page = browser.new_page()
    _open(page, server, "member2", "Committee votes")
    page.get_by_text("Select a row to read the registration").wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    _tick(page, 0)
    page.get_by_text("1 approve, 0 reject, quorum 2").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Cast vote").click()
    page.get_by_text(f"Vote recorded. Registration {reg} is Committee approved.").wait_for(timeout=WAIT)
    assert _statuses(ctx, [reg]) == ["committee_approved"]
    screenshot(page, "committee_deciding_vote")
    page.close()
