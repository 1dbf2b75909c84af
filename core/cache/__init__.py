"""Cache-aside with versioned namespaces: Redis when configured (shared by every replica), else in-process.

Public API: `make_cache`, the `Cache` interface (`get_or_compute`, `bump`, `health`, `ping`) and its
two back ends, and the `CircuitBreaker` that keeps a Redis outage from slowing callers. Values are
JSON or Arrow bytes, never pickle; a cache failure is never a user's error.
Services read through `AppContext.cached` and write through `AppContext.change`.
"""

from core.cache.base import Cache
from core.cache.memory import MemoryCache
from core.cache.redis_backend import CircuitBreaker, RedisCache

__all__ = ["Cache", "CircuitBreaker", "MemoryCache", "RedisCache", "make_cache"]


def make_cache(
    redis_url: str | None,
    *,
    timeout: float = 0.3,
    default_ttl: int = 300,
    breaker_cooldown: float = 10.0,
) -> Cache:
    """Return a RedisCache when a Redis URL is given, else an in-process MemoryCache."""
    if redis_url and redis_url.strip():
        return RedisCache(
            redis_url.strip(),
            timeout=timeout,
            default_ttl=default_ttl,
            breaker_cooldown=breaker_cooldown,
        )
    return MemoryCache(default_ttl=default_ttl)
