"""The postings a reviewer can pick for a placement: a search, split by the placement rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.access import Actor, Permission, require
from core.context import AppContext
from core.i18n import Text
from core.postings.search import search_postings
from core.postings.search_query import PostingQuery
from core.registrations import (
    Candidate,
    PostingFacts,
    candidate_for,
    candidate_of,
    placement_problems,
    posting_facts,
)


@dataclass(frozen=True)
class PlacementChoices:
    """Postings matching a search that can take the registration, and those that cannot (with why)."""

    eligible: tuple[PostingFacts, ...]
    refused: tuple[tuple[PostingFacts, tuple[Text, ...]], ...]


def placement_choices(
    ctx: AppContext, *, actor: Actor, registration_id: int, query: str = "", limit: int = 25
) -> PlacementChoices:
    """Open postings matching `query` (as on the search page), split by the placement rule."""
    require(actor, Permission.REVIEW_QUEUE)
    return _choices(
        ctx, actor, query, limit, lambda s: candidate_of(s, registration_id, ctx.settings.term_calendar)
    )


def intake_choices(
    ctx: AppContext, *, actor: Actor, student_id: int, section_id: int, query: str = "", limit: int = 25
) -> PlacementChoices:
    """Postings a walk-in registration may name: the same search, split by the same rule."""
    require(actor, Permission.ENTER_REGISTRATION)
    calendar = ctx.settings.term_calendar
    return _choices(ctx, actor, query, limit, lambda s: candidate_for(s, student_id, section_id, calendar))


def _choices(
    ctx: AppContext, actor: Actor, query: str, limit: int, candidate: Callable[[Session], Candidate]
) -> PlacementChoices:
    search = PostingQuery(query=query, open_only=True, sort="relevance")
    found = search_postings(ctx, actor=actor, search=search, page_size=max(1, min(limit, 100)))
    ids = [int(i) for i in found.rows["id"]]
    with ctx.sessions.begin() as session:
        who = candidate(session)
        facts = posting_facts(session, ids)
    checked = [(facts[i], tuple(placement_problems(facts[i], who))) for i in ids if i in facts]
    return PlacementChoices(
        eligible=tuple(f for f, problems in checked if not problems),
        refused=tuple((f, problems) for f, problems in checked if problems),
    )
