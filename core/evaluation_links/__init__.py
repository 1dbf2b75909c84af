"""The workplace supervisor's one-time evaluation link: sent by mail, opened without signing in.

Public API: `send_link` (a coordinator; earlier links die), `open_link` (what the public page shows),
`submit_by_link` (one submission), `LinkRefused` (the one answer to every bad token),
`TooManyTries`, `SupervisorForm`, `SentLink`, `LINK_DAYS`, `PATH`.
"""

from core.evaluation_links.links import (
    LINK_DAYS,
    PATH,
    LinkRefused,
    SentLink,
    SupervisorForm,
    TooManyTries,
    open_link,
    send_link,
    submit_by_link,
)

__all__ = [
    "LINK_DAYS",
    "PATH",
    "LinkRefused",
    "SentLink",
    "SupervisorForm",
    "TooManyTries",
    "open_link",
    "send_link",
    "submit_by_link",
]
