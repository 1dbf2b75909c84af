"""Settings refuse unsafe production values; the password policy and hashing rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.auth.passwords import (
    check_policy,
    hash_cost,
    hash_password,
    is_common,
    policy_problems,
    verify_password,
)
from core.config import Settings
from core.errors import InvalidInput


def test_development_generates_a_secret_once(tmp_path: Path) -> None:
    first = Settings(app_env="development", data_dir=tmp_path, secret_key="", database_url="sqlite://")
    second = Settings(app_env="development", data_dir=tmp_path, secret_key="", database_url="sqlite://")
    assert len(first.secret_key) >= 40
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "short-but-random"])
def test_production_refuses_missing_or_default_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(app_env="production", data_dir=tmp_path, secret_key=secret, database_url="sqlite://")


def test_production_accepts_a_real_secret(tmp_path: Path) -> None:
    s = Settings(app_env="production", data_dir=tmp_path, secret_key="k" * 48, database_url="sqlite://")
    assert s.is_sqlite


def test_default_database_is_sqlite_under_data(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, database_url="", secret_key="x" * 40)
    assert s.database_url == f"sqlite:///{tmp_path / 'ims.sqlite3'}"


def test_long_thai_passwords_are_not_truncated() -> None:
    thai = "ก" * 64  # 192 bytes of UTF-8, far past bcrypt's 72
    stored = hash_password(thai, 4)
    assert verify_password(thai, stored)
    assert not verify_password("ก" * 63 + "ข", stored)
    assert hash_cost(stored) == 4


def test_nfc_and_nfd_forms_of_one_password_match() -> None:
    stored = hash_password("café au lait เสมอ", 4)
    assert verify_password("cafe\u0301 au lait เสมอ", stored)


def test_garbage_hash_never_verifies() -> None:
    assert not verify_password("anything at all", "not-a-bcrypt-hash")
    assert hash_cost("garbage") == 0


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pass", "at least 12"),
        ("x" * 129, "at most 128"),
        ("password1234", "too common"),
        ("qwertyuiop123!", "too common"),
        ("somchai-the-great-2026", "username"),
        ("internship office rocks", "organisation"),
    ],
)
def test_policy(password: str, problem: str) -> None:
    problems = policy_problems(password, username="somchai", organisation="Internship Office")
    assert any(problem in str(p) for p in problems), problems
    with pytest.raises(InvalidInput):
        check_policy(password, username="somchai", organisation="Internship Office")


def test_policy_has_no_composition_rules() -> None:
    assert policy_problems("purple elephants dance slowly", username="somchai") == []
    assert policy_problems("ฝนตกหนักมากที่เชียงใหม่วันนี้") == []


def test_common_list_is_large() -> None:
    from core.auth.passwords import _common_passwords

    assert len(_common_passwords()) > 10_000
    assert is_common("Dragon")


def test_production_refuses_a_low_bcrypt_cost(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="BCRYPT_ROUNDS"):
        Settings(
            app_env="production",
            data_dir=tmp_path,
            secret_key="k" * 48,
            database_url="sqlite://",
            bcrypt_rounds=11,
        )
    assert Settings(data_dir=tmp_path, secret_key="x" * 40, database_url="sqlite://").bcrypt_rounds == 12
