"""API clients: issue, list, rotate and revoke their tokens; know a client by its token on each request.

A token is 256 random bits shown once, when it is issued or rotated; only its SHA-256 is stored.
Each request looks the hash up again, so a revoked or rotated token is refused at once on every
replica. "Last used" is written at most once a minute per client, not on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock, security_log
from core.access import SCOPES, Actor, Permission, client_actor, require
from core.cleaning import clean_int, clean_text
from core.context import AppContext
from core.errors import AuthError, Conflict, InvalidInput, NotFound
from core.i18n import N_
from db.models import ApiClient

TOKEN_PREFIX = "imsk_"  # noqa: S105 - a marker that says what the secret is, not a secret
SHOWN_PREFIX = 12  # characters of the token kept to tell tokens apart
MAX_DAYS = 730
LAST_USED_EVERY = timedelta(minutes=1)
NAMESPACE = "api_clients"


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: the only time it can be read."""

    client_id: int
    name: str
    token: str


@dataclass(frozen=True)
class ClientRow:
    """A client as the admin page lists it (never the token)."""

    id: int
    name: str
    scopes: tuple[str, ...]
    token_prefix: str
    rate_per_s: int
    burst: int
    created_at: datetime
    expires_at: datetime | None
    rotated_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


STATE_LABELS = {"active": N_("Active"), "expired": N_("Expired"), "revoked": N_("Revoked")}


@dataclass(frozen=True)
class Caller:
    """The client behind a request: who it acts as and its rate limit."""

    actor: Actor
    rate_per_s: int
    burst: int


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_token() -> tuple[str, str, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token), token[:SHOWN_PREFIX]


def _scopes(scopes: list[str] | tuple[str, ...]) -> str:
    chosen = [s for s in SCOPES if s in set(scopes)]
    if not chosen or len(chosen) != len(set(scopes)):
        raise InvalidInput("Choose one or more scopes from: {scopes}.", scopes=", ".join(SCOPES))
    return " ".join(chosen)


def _expiry(expires_on: date | None, today: date) -> datetime | None:
    if expires_on is None:
        return None
    if not today < expires_on <= today + timedelta(days=MAX_DAYS):
        raise InvalidInput("The expiry date must be after today and within {days} days.", days=MAX_DAYS)
    return datetime.combine(expires_on, time.min, tzinfo=clock.now().tzinfo)


def _row(c: ApiClient) -> ClientRow:
    scopes = tuple(c.scopes.split())
    return ClientRow(c.id, c.name, scopes, c.token_prefix, c.rate_per_s, c.burst, c.created_at, c.expires_at,
                     c.rotated_at, c.revoked_at, c.last_used_at)  # fmt: skip


def _public(c: ApiClient) -> dict[str, Any]:
    keys = ("name", "scopes", "token_prefix", "rate_per_s", "burst", "expires_at", "revoked_at")
    return {k: getattr(c, k) for k in keys}


def create_client(
    ctx: AppContext,
    *,
    actor: Actor,
    name: str,
    scopes: list[str] | tuple[str, ...],
    expires_on: date | None,
    rate_per_s: object = 20,
    burst: object = 40,
) -> IssuedToken:
    """Register a client and issue its first token (shown once)."""
    require(actor, Permission.MANAGE_API_CLIENTS)
    values = {
        "name": clean_text(name, N_("Name"), low=2, high=100),
        "scopes": _scopes(scopes),
        "rate_per_s": clean_int(rate_per_s, N_("Requests per second"), low=1, high=1000),
        "burst": clean_int(burst, N_("Burst"), low=1, high=2000),
        "expires_at": _expiry(expires_on, clock.now().date()),
    }
    token, digest, shown = _new_token()
    try:
        with ctx.change(actor, NAMESPACE) as change:
            client = ApiClient(**values, token_hash=digest, token_prefix=shown, created_by=actor.user_id,
                               created_at=clock.now())  # fmt: skip
            change.session.add(client)
            change.session.flush()
            change.audit("api_client.create", "api_client", client.id, after=_public(client))
            return IssuedToken(client.id, client.name, token)
    except IntegrityError:
        raise Conflict("A client named {name} exists already.", name=values["name"]) from None


def list_clients(ctx: AppContext, *, actor: Actor) -> list[ClientRow]:
    """Every client, newest first."""
    require(actor, Permission.MANAGE_API_CLIENTS)
    with ctx.sessions.begin() as session:
        return [_row(c) for c in session.scalars(select(ApiClient).order_by(ApiClient.id.desc()))]


def _get(session: Session, client_id: int) -> ApiClient:
    client = session.get(ApiClient, client_id)
    if client is None:
        raise NotFound("No such API client.")
    return client


def rotate_client(ctx: AppContext, *, actor: Actor, client_id: int) -> IssuedToken:
    """Issue a new token for the client; the old one stops working at once."""
    require(actor, Permission.MANAGE_API_CLIENTS)
    with ctx.change(actor, NAMESPACE) as change:
        client = _get(change.session, client_id)
        if client.revoked_at is not None:
            raise Conflict("Client {name} is revoked; register a new one.", name=client.name)
        token, digest, shown = _new_token()
        before = {"token_prefix": client.token_prefix}
        client.token_hash, client.token_prefix, client.rotated_at = digest, shown, clock.now()
        change.audit(
            "api_client.rotate", "api_client", client.id, before=before, after={"token_prefix": shown}
        )
        return IssuedToken(client.id, client.name, token)


def revoke_client(ctx: AppContext, *, actor: Actor, client_id: int) -> ClientRow:
    """Stop the client's token for good (at once, on every replica)."""
    require(actor, Permission.MANAGE_API_CLIENTS)
    with ctx.change(actor, NAMESPACE) as change:
        client = _get(change.session, client_id)
        if client.revoked_at is None:
            client.revoked_at = clock.now()
            change.audit(
                "api_client.revoke", "api_client", client.id, after={"revoked_at": client.revoked_at}
            )
        return _row(client)


def authenticate(ctx: AppContext, *, token: str | None, ip: str | None = None) -> Caller:
    """The client holding `token`; AuthError (one message for every reason) when there is none."""
    now = clock.now()
    digest = token_hash(token) if token and len(token) <= 200 else None
    with ctx.sessions.begin() as session:
        client = (
            session.scalars(select(ApiClient).where(ApiClient.token_hash == digest)).first()
            if digest
            else None
        )
        usable = client is not None and client.revoked_at is None
        if client is None or not usable or (client.expires_at is not None and client.expires_at <= now):
            security_log.event("api_token_refused", None, ip=ip, client_id=client.id if client else None)
            raise AuthError("The API token is missing, unknown, expired or revoked.")
        if client.last_used_at is None or client.last_used_at < now - LAST_USED_EVERY:
            # Conditional, so replicas racing here write it once; most requests write nothing.
            session.execute(
                update(ApiClient)
                .where(ApiClient.id == client.id)
                .where(or_(ApiClient.last_used_at.is_(None), ApiClient.last_used_at < now - LAST_USED_EVERY))
                .values(last_used_at=now)
            )
        actor = client_actor(client.id, client.name, tuple(client.scopes.split()), ip)
        return Caller(actor, client.rate_per_s, client.burst)
