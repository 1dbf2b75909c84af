"""The in-process cache back end: an LRU bounded by entries and bytes, with TTLs."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from core import metrics
from core.cache.base import Cache, Claim, Found, format_key

Clock = Callable[[], float]


class MemoryCache(Cache):
    """In-process, thread-safe TTL cache with an LRU bound on entries and bytes."""

    backend = "memory"

    def __init__(
        self,
        *,
        default_ttl: int = 300,
        max_entries: int = 1024,
        max_bytes: int = 128 * 1024 * 1024,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(default_ttl=default_ttl)
        self.max_entries, self.max_bytes, self._clock = max_entries, max_bytes, clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._claims: dict[str, tuple[str, float]] = {}  # key -> (token, until): single-flight
        self._size = 0
        self._lock = threading.Lock()
        metrics.CACHE_UP.labels(self.backend).set(1)

    def ping(self) -> float | None:
        """Return the time to take the cache lock (the memory cache is always up)."""
        started = time.perf_counter()
        with self._lock:
            pass
        return time.perf_counter() - started

    def close(self) -> None:
        """Drop every stored entry."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        """Return the number of stored entries (expired ones included until touched)."""
        return len(self._entries)

    def _lookup(
        self, nss: list[str], name: str, digest: str, known: str | None = None, claim: Claim | None = None
    ) -> Found | None:
        with self._lock:
            key = format_key(0, [(ns, self._versions.get(ns, 0)) for ns in nss], name, digest)
            entry = self._entries.get(key)
            if entry is None:
                return Found(key, None)
            if entry[0] <= self._clock():
                self._drop(key)
                return Found(key, None)
            self._entries.move_to_end(key)
            return Found(key, entry[1])

    def _write(
        self, key: str, payload: bytes, ttl: int, last: str | None = None, release: str | None = None
    ) -> None:
        with self._lock:
            # No `last` copy: in one process a waiter is served as soon as the claimer stores the value.
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._clock() + ttl, payload)
            self._size += len(payload)
            while self._entries and (len(self._entries) > self.max_entries or self._size > self.max_bytes):
                self._drop(next(iter(self._entries)))
        if release is not None:
            self._release(key, release)

    def _claim(self, key: str, last: str, token: str, hold_s: float) -> tuple[bool, bytes | None]:
        with self._lock:
            now = self._clock()
            holder = self._claims.get(key)
            if holder is None or holder[1] <= now:
                self._claims[key] = (token, now + hold_s)
                return True, None
            return False, None

    def _release(self, key: str, token: str) -> None:
        with self._lock:
            if self._claims.get(key, ("", 0.0))[0] == token:
                del self._claims[key]

    def _peek(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            return entry[1] if entry is not None and entry[0] > self._clock() else None

    def _drop(self, key: str) -> None:
        self._size -= len(self._entries.pop(key)[1])

    def _bump_versions(self, nss: list[str]) -> None:
        with self._lock:
            for ns in nss:
                self._versions[ns] = self._versions.get(ns, 0) + 1
