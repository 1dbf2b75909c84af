"""Cache interface and cache-aside logic shared by the memory and Redis back ends."""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar, cast

import pandas as pd

from core import metrics
from core.cache.codec import CodecError, args_hash, decode, encode

log = logging.getLogger(__name__)
T = TypeVar("T")


class Found(NamedTuple):
    """What a lookup saw: the current key and its payload (None when absent; b"=" when it is the
    `known` key and still stored) and, when a claim was asked for on a miss, whether this caller
    got it (None: not asked) and otherwise the previous version's payload."""

    key: str
    payload: bytes | None
    claimed: bool | None = None
    previous: bytes | None = None


@dataclass(frozen=True)
class Claim:
    """A request to claim a missing key: who (token), for how long at most, and where `last` is."""

    token: str
    hold_s: float
    last: str


MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
# Single-flight (see Cache._fill): a claim lapses after CLAIM_S should its holder die; a caller
# without the previous value waits WAIT_S for the claimer's, checking every POLL_S; the previous
# version's value is kept LAST_TTL_S after its own key is gone.
CLAIM_S = 30.0
WAIT_S = 10.0
POLL_S = 0.01
LAST_TTL_S = 3600
KEEP_MAX_BYTES = 512 * 1024  # frames kept decoded per process (see Cache._keep)
KEEP_MAX_FRAMES = 128
Ident = tuple[tuple[str, ...], str, str]
_NAME_RE = re.compile(r"[\w.\-]+", re.ASCII)
_MISSING = object()


def format_key(epoch: int, versions: Sequence[tuple[str, int]], name: str, digest: str) -> str:
    """Build a cache key: ims:<epoch>:<ns>.<version>,...:<name>:<args hash>."""
    parts = ",".join(f"{ns}.{v}" for ns, v in versions)
    return f"ims:{epoch}:{parts}:{name}:{digest}"


def last_key(nss: Sequence[str], name: str, digest: str) -> str:
    """Where the latest value of a call is kept whatever the versions: what a waiting caller may take."""
    return f"ims:last:{','.join(nss)}:{name}:{digest}"


def _clean_names(namespaces: Sequence[str], name: str) -> list[str]:
    """Validate names and return the sorted, de-duplicated namespaces."""
    if isinstance(namespaces, str):
        raise TypeError("namespaces must be a sequence of names, not a str")
    nss = sorted(set(namespaces))
    for item in [*nss, name]:
        if not _NAME_RE.fullmatch(item):
            raise ValueError(f"invalid cache name {item!r} (letters, digits, _ . - only)")
    return nss


class Cache(ABC):
    """Common cache-aside logic; back ends provide lookup, write and version bumps."""

    backend = "abstract"

    def __init__(self, *, default_ttl: int = 300) -> None:
        self.default_ttl = default_ttl
        self._stats = {"hits": 0, "misses": 0, "errors": 0, "bypasses": 0, "stale": 0, "computations": 0}
        self._frames: OrderedDict[Ident, tuple[str, float, pd.DataFrame]] = OrderedDict()
        self.wait_s = WAIT_S
        self.claim_s = CLAIM_S
        self._stats_lock = threading.Lock()
        self._last_latency: float | None = None

    def get_or_compute(
        self,
        namespaces: Sequence[str],
        name: str,
        args: Mapping[str, object],
        compute: Callable[[], T],
        *,
        ttl: int | None = None,
    ) -> T:
        """Return the cached value for (namespaces, name, args) or compute and store it (single-flight)."""
        nss, digest = _clean_names(namespaces, name), args_hash(args)
        started = time.perf_counter()
        ident = (tuple(nss), name, digest)
        kept = self._frames.get(ident)
        known = kept[0] if kept is not None and kept[1] > time.monotonic() else None
        ttl = self.default_ttl if ttl is None else ttl
        # The claim rides on the lookup (one round trip on Redis): a miss is claimed at once.
        claim = Claim(uuid.uuid4().hex, self.claim_s, last_key(nss, name, digest)) if ttl > 0 else None
        found = self._lookup(nss, name, digest, known, claim)
        if found is None:
            self._count("misses", "bypasses")
            return self._computed(compute)
        self._observe(time.perf_counter() - started)
        key, payload = found.key, found.payload
        if kept is not None and key == known and payload is not None:
            self._count("hits")  # the frame decoded last time is current: no transfer, no Arrow decode
            return cast(T, kept[2].copy())
        if payload is not None:
            value = self._decode(key, payload)
            if value is not _MISSING:
                self._count("hits")
                self._keep(ident, key, value, len(payload), ttl)
                return cast(T, value)
        self._count("misses")
        if claim is None:
            return self._computed(compute)
        if found.claimed is None or payload is not None:  # not claimed with the lookup (or corrupt)
            found = Found(key, None, *self._claim(key, claim.last, claim.token, claim.hold_s))
        return self._fill(found, claim, compute, ttl)

    def _fill(self, found: Found, claim: Claim, compute: Callable[[], T], ttl: int) -> T:
        """One computation per key at a time, across every process sharing the back end.

        The caller that claimed the key computes and stores it (the store releases the claim); the
        others take the value of the previous version (counted "stale") when there is one, else
        wait up to `wait_s` for the fresh value, and compute it themselves only when that bound
        passes (the claimer died).
        """
        key = found.key
        if found.claimed:
            try:
                result = self._computed(compute)
            except BaseException:
                self._release(key, claim.token)
                raise
            if not self._save(key, claim.last, result, ttl, claim.token):
                self._release(key, claim.token)
            return result
        if found.previous is not None:
            value = self._decode(claim.last, found.previous)
            if value is not _MISSING:
                self._count("stale")
                return cast(T, value)
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            payload = self._peek(key)
            if payload is not None:
                value = self._decode(key, payload)
                if value is not _MISSING:
                    self._count("hits")
                    return cast(T, value)
        return self._computed(compute)

    def _keep(self, ident: Ident, key: str, value: object, size: int, ttl: int | None) -> None:
        """Keep a small decoded frame for this process: its next hit skips transfer and decode.

        Lists (drill-downs, search pages) are frames; decoding Arrow into pandas was most of a hit
        (a 1,000-row drill-down: 3 ms of a 66 ms miss). The key names the namespace versions, so a
        write anywhere makes it stale; the frame's own TTL bounds it like the shared entry's.
        """
        if not isinstance(value, pd.DataFrame) or size > KEEP_MAX_BYTES:
            return
        seconds = self.default_ttl if ttl is None else ttl
        with self._stats_lock:
            self._frames[ident] = (key, time.monotonic() + seconds, value.copy())
            self._frames.move_to_end(ident)
            while len(self._frames) > KEEP_MAX_FRAMES:
                self._frames.popitem(last=False)

    def _computed(self, compute: Callable[[], T]) -> T:
        self._count("computations")
        return compute()

    def key_for(self, namespaces: Sequence[str], name: str, args: Mapping[str, object]) -> str | None:
        """Return the current key for these arguments, or None when the back end is down."""
        found = self._lookup(_clean_names(namespaces, name), name, args_hash(args))
        return None if found is None else found.key

    def bump(self, *namespaces: str) -> None:
        """Invalidate every entry of these namespaces (call after the DB commit)."""
        nss = _clean_names(namespaces, "bump")
        metrics.CACHE_BUMPS.labels(self.backend).inc(len(nss))
        if nss:
            self._bump_versions(nss)

    def health(self) -> dict[str, Any]:
        """Return backend, up/down, breaker state, last latency and hit/miss/error counts."""
        with self._stats_lock:
            stats = dict(self._stats)
        latency = self._last_latency
        return {
            "backend": self.backend,
            "up": self._is_up(),
            "breaker": self._breaker_state(),
            "last_latency_ms": None if latency is None else round(latency * 1000, 3),
            **stats,
            **self._extra_health(),
        }

    @abstractmethod
    def close(self) -> None:
        """Release back-end resources (connections, stored entries)."""

    @abstractmethod
    def ping(self) -> float | None:
        """Return the back end's round-trip latency in seconds, or None when unreachable."""

    @abstractmethod
    def _lookup(
        self, nss: list[str], name: str, digest: str, known: str | None = None, claim: Claim | None = None
    ) -> Found | None:
        """The current key and its payload (see Found); None when the back end is down.

        A back end may try `claim` on a miss in the same call (Found.claimed not None)."""

    @abstractmethod
    def _write(
        self, key: str, payload: bytes, ttl: int, last: str | None = None, release: str | None = None
    ) -> None:
        """Store `payload` under `key` for `ttl` s and under `last` (if any) for LAST_TTL_S, then
        release the claim made with the token `release` (if any)."""

    @abstractmethod
    def _bump_versions(self, nss: list[str]) -> None: ...

    @abstractmethod
    def _claim(self, key: str, last: str, token: str, hold_s: float) -> tuple[bool, bytes | None]:
        """Try to become the one computing `key` for `hold_s` at most; if another is, the `last` payload."""

    @abstractmethod
    def _release(self, key: str, token: str) -> None:
        """Give up the claim on `key` made with `token` (a claim made by someone else stays)."""

    @abstractmethod
    def _peek(self, key: str) -> bytes | None:
        """The payload stored under `key` now, if any."""

    def _is_up(self) -> bool:
        return True

    def _breaker_state(self) -> str:
        return "closed"

    def _extra_health(self) -> dict[str, Any]:
        return {}

    def _decode(self, key: str, payload: bytes) -> object:
        try:
            return decode(payload)
        except CodecError as exc:
            log.warning("cache: undecodable payload for %s treated as a miss: %s", key, exc)
            self._count("errors")
            return _MISSING

    def _save(self, key: str, last: str, value: object, ttl: int, token: str | None = None) -> bool:
        """Store the value (releasing the claim `token` with it); False when it cannot be stored."""
        try:
            payload = encode(value)
        except CodecError as exc:
            log.warning("cache: not caching %s: %s", key, exc)
            self._count("errors")
            return False
        if len(payload) > MAX_PAYLOAD_BYTES:
            return False
        self._write(key, payload, ttl, last, token)
        return True

    def _count(self, *kinds: str) -> None:
        with self._stats_lock:
            for kind in kinds:
                self._stats[kind] += 1
        counters = {
            "hits": metrics.CACHE_HITS,
            "misses": metrics.CACHE_MISSES,
            "errors": metrics.CACHE_ERRORS,
            "bypasses": metrics.CACHE_BYPASSES,
            "stale": metrics.CACHE_STALE,
        }
        for kind in kinds:
            if kind in counters:
                counters[kind].labels(self.backend).inc()

    def _observe(self, seconds: float) -> None:
        self._last_latency = seconds
        metrics.CACHE_LATENCY.labels(self.backend).observe(seconds)
