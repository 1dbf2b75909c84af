"""Auth: signing in, server-side sessions, passwords and the policy, and user administration.

Public API:
- `login` (and `LoginResult`): check credentials, open a session, issue the cookie ticket;
- `resume`, `redeem_ticket`, `revoke`: the session behind a browser, on every rerun;
- `revalidate`: the same check (and the role) for work outside a full rerun (downloads, fragments);
- `users`: the admin's and everyone's own account services (list, create, role, activation,
  password reset and change, profile, sessions);
- `check_policy`, `policy_problems`, `hash_password`, `verify_password`.
Who may do what is core.access (the kernel); this package says who someone is.
"""

from core.auth import users
from core.auth.passwords import check_policy, hash_password, policy_problems, verify_password
from core.auth.sessions import SessionInfo, redeem_ticket, resume, revalidate, revoke
from core.auth.sign_in import LoginResult, login, token_hash
from core.auth.users import UserRow

__all__ = [
    "LoginResult",
    "SessionInfo",
    "UserRow",
    "check_policy",
    "hash_password",
    "login",
    "policy_problems",
    "redeem_ticket",
    "resume",
    "revalidate",
    "revoke",
    "token_hash",
    "users",
    "verify_password",
]
