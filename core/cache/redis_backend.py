"""Redis cache back end with short timeouts, a circuit breaker and post-outage epoch bumps."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from core import metrics
from core.cache.base import LAST_TTL_S, Cache, Claim, Found

log = logging.getLogger(__name__)
R = TypeVar("R")

EPOCH_KEY = "ims:epoch"
NS_PREFIX = "ims:ns:"
MAX_TIMEOUT = 0.5

# KEYS = [epoch, ims:ns:<ns>...]; ARGV = [name, digest, known key or '', claim token or '',
# claim ms, last key, <ns>...]. One round trip per lookup; the key format must match
# core.cache.base.format_key. When the current key is the `known` one (a frame this process holds
# decoded) and still stored, "=" stands for its payload. On a miss with a claim token, the key is
# claimed ({key, nil, 1}) or, when another caller holds it, the previous value comes back
# ({key, nil, 0, last}).
_LOOKUP_LUA = """
local vals = redis.call('MGET', unpack(KEYS))
local parts = {}
for i = 2, #KEYS do parts[#parts + 1] = ARGV[i + 5] .. '.' .. (vals[i] or '0') end
local key = 'ims:' .. (vals[1] or '0') .. ':' .. table.concat(parts, ',')
  .. ':' .. ARGV[1] .. ':' .. ARGV[2]
if ARGV[3] == key and redis.call('EXISTS', key) == 1 then return {key, '='} end
local value = redis.call('GET', key)
if value or ARGV[4] == '' then return {key, value} end
if redis.call('SET', 'ims:claim:' .. key, ARGV[4], 'NX', 'PX', ARGV[5]) then return {key, false, 1} end
return {key, false, 0, redis.call('GET', ARGV[6])}
"""
# KEYS = [key, last, claim]; ARGV = [payload, ttl s, last ttl s, token]: store, then release.
_WRITE_LUA = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return 1
"""


# Single-flight: KEYS = [claim, last]; ARGV = [token, hold ms]. Claims the key, or else answers
# the previous version's payload, in one round trip.
_CLAIM_LUA = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, false} end
return {0, redis.call('GET', KEYS[2])}
"""
# Only the holder's token releases a claim (it may have lapsed and been taken by another).
_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
CLAIM_PREFIX = "ims:claim:"


class CircuitBreaker:
    """closed -> (failure) open -> (cooldown elapsed) half_open: one probe -> closed | open."""

    def __init__(self, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown, self._clock = cooldown, clock
        self._opened_at: float | None = None
        self._probing = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        """Return "closed", "open" or "half_open"."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            cooled = self._clock() - self._opened_at >= self.cooldown
            return "half_open" if self._probing or cooled else "open"

    def allow(self) -> bool:
        """Return True if a call may go to the back end now (one probe when half-open)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self.cooldown:
                return False
            self._probing = True
            return True

    def success(self) -> None:
        """Record a successful call: close the breaker."""
        with self._lock:
            self._opened_at, self._probing = None, False

    def failure(self) -> None:
        """Record a failed call: open the breaker for `cooldown` seconds."""
        with self._lock:
            self._opened_at, self._probing = self._clock(), False


class RedisCache(Cache):
    """Shared cache on Redis; any Redis failure degrades to computing directly."""

    backend = "redis"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 0.3,
        default_ttl: int = 300,
        breaker_cooldown: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(default_ttl=default_ttl)
        timeout = min(timeout, MAX_TIMEOUT)
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
            driver_info=None,  # no CLIENT SETINFO round trips on connect
        )
        self._script = self._client.register_script(_LOOKUP_LUA)
        self._claim_script = self._client.register_script(_CLAIM_LUA)
        self._write_script = self._client.register_script(_WRITE_LUA)
        self._release_script = self._client.register_script(_RELEASE_LUA)
        self.breaker = CircuitBreaker(breaker_cooldown, clock)
        self._pending: set[str] = set()
        self._pending_lock = threading.Lock()
        self._needs_recovery = True  # bump the epoch on first contact (startup)
        self._up = False

    def ping(self) -> float | None:
        """Return Redis PING latency in seconds, or None when unreachable (ignores breaker)."""
        started = time.perf_counter()
        try:
            self._client.ping()
        except Exception:  # health probe: any failure means down
            return None
        return time.perf_counter() - started

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _lookup(
        self, nss: list[str], name: str, digest: str, known: str | None = None, claim: Claim | None = None
    ) -> Found | None:
        keys = [EPOCH_KEY, *(NS_PREFIX + ns for ns in nss)]
        claiming: list[str | int] = (
            [claim.token, int(claim.hold_s * 1000), claim.last] if claim else ["", 0, ""]
        )
        args = [name, digest, known or "", *claiming, *nss]
        result = self._call(lambda: self._script(keys=keys, args=args))
        if result is None:
            return None
        if len(result) > 2:
            previous = result[3] if len(result) > 3 else None
            return Found(result[0].decode(), None, bool(result[2]), previous)
        return Found(result[0].decode(), result[1])

    def _write(
        self, key: str, payload: bytes, ttl: int, last: str | None = None, release: str | None = None
    ) -> None:
        if last and release:  # the claimer's store: one round trip that also releases its claim
            keys = [key, last, CLAIM_PREFIX + key]
            self._call(lambda: self._write_script(keys=keys, args=[payload, ttl, LAST_TTL_S, release]))
            return

        def write_both() -> None:
            pipe = self._client.pipeline(transaction=False)
            pipe.set(key, payload, ex=ttl)
            if last:
                pipe.set(last, payload, ex=LAST_TTL_S)
            pipe.execute()

        self._call(write_both)

    def _claim(self, key: str, last: str, token: str, hold_s: float) -> tuple[bool, bytes | None]:
        result = self._call(
            lambda: self._claim_script(keys=[CLAIM_PREFIX + key, last], args=[token, int(hold_s * 1000)])
        )
        if result is None:  # Redis is down: nobody can coordinate, so compute
            return True, None
        claimed, previous = result
        return bool(claimed), previous

    def _release(self, key: str, token: str) -> None:
        self._call(lambda: self._release_script(keys=[CLAIM_PREFIX + key], args=[token]))

    def _peek(self, key: str) -> bytes | None:
        payload = self._call(lambda: self._client.get(key))
        return payload if isinstance(payload, bytes) else None

    def _bump_versions(self, nss: list[str]) -> None:
        def incr_all() -> bool:
            """INCR every namespace version in one pipeline."""
            pipe = self._client.pipeline(transaction=False)
            for ns in nss:
                pipe.incr(NS_PREFIX + ns)
            pipe.execute()
            return True

        if self._call(incr_all) is None:
            with self._pending_lock:
                self._pending.update(nss)
            log.warning("cache: bump of %s deferred until Redis is reachable", nss)

    def _call(self, op: Callable[[], R]) -> R | None:
        """Run op against Redis unless the breaker is open; None on any failure."""
        if not self.breaker.allow():
            return None
        try:
            if self._needs_recovery:
                self._recover()
            result = op()
        except Exception as exc:  # a cache failure must never reach callers
            self._on_failure(exc)
            return None
        self.breaker.success()
        self._set_up(True)
        return result

    def _recover(self) -> None:
        """Bump the global epoch and apply deferred bumps: nothing cached before is served."""
        with self._pending_lock:
            pending = sorted(self._pending)
        pipe = self._client.pipeline(transaction=True)
        pipe.incr(EPOCH_KEY)
        for ns in pending:
            pipe.incr(NS_PREFIX + ns)
        epoch = pipe.execute()[0]
        with self._pending_lock:
            self._pending.difference_update(pending)
        self._needs_recovery = False
        metrics.CACHE_EPOCH_BUMPS.labels(self.backend).inc()
        log.info(
            "cache: Redis reachable, epoch now %s, %d deferred bumps applied",
            epoch,
            len(pending),
        )

    def _on_failure(self, exc: Exception) -> None:
        self._needs_recovery = True
        self.breaker.failure()
        self._set_up(False)
        self._count("errors")
        log.warning(
            "cache: Redis unavailable (%s: %s); computing directly",
            type(exc).__name__,
            exc,
        )

    def _set_up(self, up: bool) -> None:
        self._up = up
        metrics.CACHE_UP.labels(self.backend).set(1 if up else 0)
        metrics.CACHE_BREAKER_OPEN.labels(self.backend).set(0 if up else 1)

    def _is_up(self) -> bool:
        return self._up and self.breaker.state == "closed"

    def _breaker_state(self) -> str:
        return self.breaker.state

    def _extra_health(self) -> dict[str, Any]:
        with self._pending_lock:
            return {"pending_bumps": sorted(self._pending)}
