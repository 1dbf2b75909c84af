"""A rate limit per API client: a token bucket shared by every replica through Redis.

Each client may make `rate` requests a second on average and `burst` at once. The bucket lives in
Redis (one atomic script per request, on Redis's own clock so replicas agree). When Redis cannot
be reached the limiter keeps counting in this process instead (a circuit breaker stops trying for
a few seconds): each replica then allows its own `rate` and `burst`, never an unlimited number.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from core.cache import CircuitBreaker

log = logging.getLogger(__name__)

# KEYS = [bucket]; ARGV = [rate, burst]. Returns {allowed (0/1), seconds to wait as a string}.
_BUCKET_LUA = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or t
tokens = math.min(burst, tokens + math.max(0, t - at) * rate)
local allowed, wait = 0, (1 - tokens) / rate
if tokens >= 1 then
  tokens, allowed, wait = tokens - 1, 1, 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(t))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""
PREFIX = "ims:rate:client:"


@dataclass(frozen=True)
class Decision:
    """Whether a request may go ahead, else how many seconds until it may; and who decided."""

    allowed: bool
    retry_after: float
    shared: bool  # decided by the Redis bucket every replica shares (False: this process alone)

    @property
    def retry_after_s(self) -> int:
        """Retry-After as whole seconds (at least 1)."""
        return max(1, math.ceil(self.retry_after))


class LocalBuckets:
    """Token buckets in this process only: the fallback while Redis is away."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._state: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client_id: int, rate: float, burst: int) -> Decision:
        """Take one token from the client's bucket if there is one."""
        with self._lock:
            now = self._clock()
            tokens, at = self._state.get(client_id, (float(burst), now))
            tokens = min(float(burst), tokens + max(0.0, now - at) * rate)
            if tokens >= 1:
                self._state[client_id] = (tokens - 1, now)
                return Decision(True, 0.0, shared=False)
            self._state[client_id] = (tokens, now)
            return Decision(False, (1 - tokens) / rate, shared=False)


class RateLimiter:
    """Client buckets in Redis when configured and reachable, else in this process."""

    def __init__(self, redis_url: str | None, *, timeout: float = 0.3, cooldown: float = 5.0) -> None:
        self.local = LocalBuckets()
        self.breaker = CircuitBreaker(cooldown)
        self._client = None
        if redis_url and redis_url.strip():
            self._client = redis.Redis.from_url(
                redis_url.strip(),
                socket_timeout=min(timeout, 0.5),
                socket_connect_timeout=min(timeout, 0.5),
                retry=Retry(NoBackoff(), 0),
                health_check_interval=0,
                driver_info=None,
            )
            self._script = self._client.register_script(_BUCKET_LUA)

    def take(self, client_id: int, rate: float, burst: int) -> Decision:
        """One request by `client_id`: allowed, or refused with the wait until a token is back."""
        if self._client is None or not self.breaker.allow():
            return self.local.take(client_id, rate, burst)
        try:
            allowed, wait = self._script(keys=[f"{PREFIX}{client_id}"], args=[rate, burst])
        except redis.RedisError as exc:
            self.breaker.failure()
            log.warning("rate limit falls back to this process: Redis failed (%s)", type(exc).__name__)
            return self.local.take(client_id, rate, burst)
        self.breaker.success()
        return Decision(bool(allowed), float(wait), shared=True)

    def close(self) -> None:
        """Close the Redis connection pool."""
        if self._client is not None:
            self._client.close()


_limiters: dict[str, RateLimiter] = {}
_lock = threading.Lock()


def limiter_for(redis_url: str | None) -> RateLimiter:
    """The process's limiter for this Redis URL (one connection pool, one local fallback)."""
    key = redis_url or ""
    with _lock:
        if key not in _limiters:
            _limiters[key] = RateLimiter(redis_url)
        return _limiters[key]
