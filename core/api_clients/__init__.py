"""API clients: the systems that call /api/v1, their hashed tokens and scopes, and their rate limits.

Public API: `create_client`, `list_clients`, `rotate_client`, `revoke_client` (`IssuedToken`,
`ClientRow`, `STATE_LABELS`) for the admin page; `authenticate` (`Caller`) and `limiter_for`
(`RateLimiter`, `Decision`) for the HTTP API; `token_hash`.
"""

from core.api_clients.clients import (
    STATE_LABELS,
    Caller,
    ClientRow,
    IssuedToken,
    authenticate,
    create_client,
    list_clients,
    revoke_client,
    rotate_client,
    token_hash,
)
from core.api_clients.limits import Decision, LocalBuckets, RateLimiter, limiter_for

__all__ = [
    "STATE_LABELS",
    "Caller",
    "ClientRow",
    "Decision",
    "IssuedToken",
    "LocalBuckets",
    "RateLimiter",
    "authenticate",
    "create_client",
    "limiter_for",
    "list_clients",
    "revoke_client",
    "rotate_client",
    "token_hash",
]
