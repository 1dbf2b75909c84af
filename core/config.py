"""Typed settings from the environment / `.env`, the one place configuration is read."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.terms import DEFAULT_CALENDAR, parse_calendar

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"

# Values that must never protect a production install.
KNOWN_DEFAULT_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev", "development", "please-change-me"}
)


def _dev_secret_key(data_dir: Path) -> str:
    """Generate the development secret once and keep it under data/ (git-ignored)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


class Settings(BaseSettings):
    """Everything the app can be configured with; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_env: Literal["development", "test", "production"] = "development"
    data_dir: Path = DATA_DIR
    database_url: str = ""
    redis_url: str | None = None
    # An optional MariaDB read replica for read-only dashboard, search and export queries.
    database_replica_url: str | None = None
    replica_max_lag_s: float = Field(default=5.0, gt=0, le=3600)
    # After a user's own change, their reads go to the primary for this long.
    read_your_writes_s: float = Field(default=5.0, ge=0, le=600)
    secret_key: str = ""
    organisation_name: str = "Internship Office"

    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_pool_recycle_s: int = Field(default=1800, ge=30)
    db_connect_timeout_s: int = Field(default=5, ge=1, le=60)
    redis_timeout_s: float = Field(default=0.3, gt=0, le=0.5)
    cache_ttl_s: int = Field(default=300, ge=1)

    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    overdue_days: int = Field(default=7, ge=1)
    # The office's academic calendar: "semester:MM-DD:MM-DD" per semester (see core.terms).
    term_calendar: str = DEFAULT_CALENDAR
    # A placement's first and last day may fall this many days outside its section's term.
    placement_margin_days: int = Field(default=30, ge=0, le=180)
    metrics_token: str | None = None
    # Bring the schema to the newest revision when the app starts (one replica at a time). Unset:
    # on in development and tests, off in production (run `python manage.py migrate` first).
    auto_migrate: bool | None = None
    # Behind a reverse proxy: X-Forwarded-For/-Proto are believed only from these peers
    # (comma-separated addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"); production with
    # BEHIND_PROXY=1 refuses to start without them.
    behind_proxy: bool = False
    forwarded_allow_ips: str = ""
    # This process's name in logs and incidents (default: host name and process id).
    replica_id: str = ""
    # Incidents older than this are deleted (by any replica, as it records a new one).
    incident_retention_days: int = Field(default=90, ge=1, le=3650)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Health checks of /healthz/ready: each dependency answers within this many seconds or is down.
    health_timeout_s: float = Field(default=1.0, gt=0, le=10)
    # The interface language of users who have not chosen one, and the zone times are shown in.
    default_language: Literal["th", "en"] = "th"
    timezone: str = "Asia/Bangkok"

    # Documents: where uploaded files are kept ("database" in chunks, or "local" under DOCUMENTS_DIR).
    document_storage: Literal["database", "local"] = "database"
    documents_dir: Path | None = None
    # E-mail: smtp://user:password@host:587 (STARTTLS required), smtps://... (TLS from the start), or
    # smtp+insecure://host:port (no TLS: a local sink only). Empty: mails stay in the outbox, shown on
    # its page, and nothing is sent.
    smtp_url: str | None = None
    mail_from: str = "Internship Office <internship-office@localhost>"
    # Where links in mails point (the supervisor's one-time link): the app's public address.
    public_base_url: str = "http://localhost:8501"
    # The app delivers the outbox from a background thread; off when cron runs `manage.py send-mail`.
    mail_sender_thread: bool = True
    mail_poll_seconds: float = Field(default=10.0, gt=0, le=3600)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"TIMEZONE {value!r} is not a time zone name such as Asia/Bangkok") from None
        return value

    @field_validator("term_calendar")
    @classmethod
    def _check_calendar(cls, value: str) -> str:
        parse_calendar(value)
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        for part in (p.strip() for p in value.split(",")):
            if part and part != "*":
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError:
                    raise ValueError(f"FORWARDED_ALLOW_IPS: {part!r} is not an address or network") from None
        return value

    @model_validator(mode="after")
    def _fill_and_check(self) -> Settings:
        if self.auto_migrate is None:
            self.auto_migrate = self.app_env != "production"
        if not self.replica_id:
            self.replica_id = f"{socket.gethostname()}-{os.getpid()}"
        if not self.database_url:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.database_url = f"sqlite:///{self.data_dir / 'ims.sqlite3'}"
        if self.app_env == "production":
            if self.secret_key.strip().lower() in KNOWN_DEFAULT_SECRETS or len(self.secret_key) < 32:
                raise ValueError("SECRET_KEY must be set to a random value of 32+ characters in production")
            if self.bcrypt_rounds < 12:
                raise ValueError("BCRYPT_ROUNDS must be at least 12 in production")
            if self.behind_proxy and not self.forwarded_allow_ips.strip():
                raise ValueError(
                    "BEHIND_PROXY=1 needs FORWARDED_ALLOW_IPS (the proxy's addresses) in production"
                )
        elif not self.secret_key:
            self.secret_key = _dev_secret_key(self.data_dir)
        return self

    @property
    def trusted_proxies(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The networks whose forwarded headers are believed ("*": any peer, for tests only)."""
        parts = [p.strip() for p in self.forwarded_allow_ips.split(",") if p.strip()]
        if "*" in parts:
            return (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))
        return tuple(ipaddress.ip_network(p, strict=False) for p in parts)

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
