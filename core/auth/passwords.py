"""Password hashing (bcrypt over a SHA-256 pre-hash) and the password policy."""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import bcrypt

from core.errors import InvalidInput
from core.i18n import Text, msg, together

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
_TRAILING_NOISE = re.compile(r"[\d\W_]+$")


def _prehash(password: str) -> bytes:
    # bcrypt reads only 72 bytes (64 Thai characters are 192 in UTF-8); a base64 SHA-256 is 44
    # bytes with no NUL, so every character counts and nothing is refused for length.
    digest = hashlib.sha256(unicodedata.normalize("NFC", password).encode("utf-8")).digest()
    return base64.b64encode(digest)


def hash_password(password: str, rounds: int = 12) -> str:
    """A bcrypt hash of the password's SHA-256, at the given cost."""
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, stored_hash: str) -> bool:
    """Whether `password` matches `stored_hash` (constant-time inside bcrypt)."""
    try:
        return bcrypt.checkpw(_prehash(password), stored_hash.encode("ascii"))
    except ValueError:
        return False


def hash_cost(stored_hash: str) -> int:
    """The bcrypt cost factor recorded in a hash (0 if unreadable)."""
    parts = stored_hash.split("$")
    return int(parts[2]) if len(parts) > 3 and parts[2].isdigit() else 0


@lru_cache(maxsize=4)
def dummy_hash(rounds: int) -> str:
    """A hash to verify against when the user does not exist, so timing reveals nothing."""
    return hash_password("not-a-real-password-for-timing-only", rounds)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """True if the password, or it with trailing digits/symbols removed, is a known common one."""
    lowered = password.strip().lower()
    stripped = _TRAILING_NOISE.sub("", lowered)
    common = _common_passwords()
    return lowered in common or (len(stripped) >= 6 and stripped in common)


def policy_problems(password: str, *, username: str = "", organisation: str = "") -> list[Text]:
    """Every rule the password breaks, as messages safe to show (empty = acceptable)."""
    problems: list[Text] = []
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        problems.append(msg("Password must be at least {n} characters long.", n=MIN_LENGTH))
    if length > MAX_LENGTH:
        problems.append(msg("Password must be at most {n} characters long.", n=MAX_LENGTH))
    lowered = password.lower()
    if is_common(password):
        problems.append(msg("This password is too common; choose a less guessable one."))
    if username and len(username) >= 3 and username.lower() in lowered:
        problems.append(msg("Password must not contain your username."))
    org = organisation.strip().lower()
    if org and (org in lowered or org.replace(" ", "") in lowered.replace(" ", "")):
        problems.append(msg("Password must not contain the organisation's name."))
    return problems


def check_policy(password: str, *, username: str = "", organisation: str = "") -> None:
    """Raise InvalidInput listing every broken rule."""
    problems = policy_problems(password, username=username, organisation=organisation)
    if problems:
        raise InvalidInput(together(*problems))
