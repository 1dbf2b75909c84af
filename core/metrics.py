"""Prometheus metrics for the app, on one module-level registry (not the global default)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry()

CACHE_HITS = Counter(
    "ims_cache_hits_total",
    "Cache lookups served from the cache.",
    ["backend"],
    registry=REGISTRY,
)
CACHE_MISSES = Counter(
    "ims_cache_misses_total",
    "Cache lookups that computed the value (absent, expired, corrupt, or backend down).",
    ["backend"],
    registry=REGISTRY,
)
CACHE_ERRORS = Counter(
    "ims_cache_errors_total",
    "Cache backend failures, undecodable payloads and unencodable values.",
    ["backend"],
    registry=REGISTRY,
)
CACHE_STALE = Counter(
    "ims_cache_stale_total",
    "Misses answered with the previous version's value while another caller computed the new one.",
    ["backend"],
    registry=REGISTRY,
)
CACHE_BYPASSES = Counter(
    "ims_cache_bypass_total",
    "Lookups computed directly because the backend was down or the breaker open.",
    ["backend"],
    registry=REGISTRY,
)
CACHE_BUMPS = Counter(
    "ims_cache_bumps_total",
    "Namespace version bumps requested.",
    ["backend"],
    registry=REGISTRY,
)
CACHE_EPOCH_BUMPS = Counter(
    "ims_cache_epoch_bumps_total",
    "Global epoch bumps (startup or recovery after an outage).",
    ["backend"],
    registry=REGISTRY,
)
CACHE_LATENCY = Histogram(
    "ims_cache_latency_seconds",
    "Latency of successful cache lookups (versions + value round trip).",
    ["backend"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=REGISTRY,
)
CACHE_UP = Gauge(
    "ims_cache_up",
    "1 when the cache backend is reachable, else 0.",
    ["backend"],
    registry=REGISTRY,
)
CACHE_BREAKER_OPEN = Gauge(
    "ims_cache_breaker_open",
    "1 while the cache circuit breaker is open or half-open, else 0.",
    ["backend"],
    registry=REGISTRY,
)

PAGE_RUN_SECONDS = Histogram(
    "ims_page_run_seconds",
    "Wall time of one page script run.",
    ["page"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
DB_QUERIES = Counter(
    "ims_db_queries_total",
    "SQL statements executed, by leading verb.",
    ["verb"],
    registry=REGISTRY,
)
DB_QUERY_SECONDS = Histogram(
    "ims_db_query_seconds",
    "Time per SQL statement, by leading verb.",
    ["verb"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
DB_UP = Gauge("ims_db_up", "1 when SELECT 1 succeeds, else 0.", registry=REGISTRY)
DB_LATENCY = Gauge("ims_db_latency_seconds", "Time of the last SELECT 1 health check.", registry=REGISTRY)
CACHE_PING = Gauge(
    "ims_cache_ping_seconds", "Round trip of the last cache ping (-1 when unreachable).", registry=REGISTRY
)
ACTIVE_SESSIONS = Gauge(
    "ims_active_sessions", "Signed-in sessions not revoked, expired or idle.", registry=REGISTRY
)
ERRORS = Counter(
    "ims_errors_total",
    "Unexpected errors shown to users with an incident id, by exception type.",
    ["kind"],
    registry=REGISTRY,
)
OUTBOX_BACKLOG = Gauge(
    "ims_outbox_backlog", "Mails in the outbox not yet sent (waiting or being sent).", registry=REGISTRY
)
OUTBOX_OLDEST = Gauge(
    "ims_outbox_oldest_unsent_seconds",
    "Age of the oldest mail not yet sent (0 when none).",
    registry=REGISTRY,
)
OUTBOX_FAILED = Gauge(
    "ims_outbox_failed",
    "Mails given up on, by reason (SMTP code class or error).",
    ["reason"],
    registry=REGISTRY,
)
MAIL_SENT = Counter("ims_mail_sent_total", "Mails this process handed to the SMTP server.", registry=REGISTRY)
MAIL_ATTEMPT_FAILURES = Counter(
    "ims_mail_attempt_failures_total",
    "Failed delivery attempts by this process, by reason.",
    ["reason"],
    registry=REGISTRY,
)
