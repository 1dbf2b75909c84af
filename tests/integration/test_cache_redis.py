"""Integration tests for the Redis cache against a real Redis (db 15 only) and throwaway servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import pytest
import redis

from core.cache import RedisCache, make_cache

TEST_DB = 15
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def force_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_redis(port: int, proc: subprocess.Popen[bytes]) -> None:
    client = redis.Redis(port=port, socket_timeout=0.5, socket_connect_timeout=0.5)
    for _ in range(100):
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server on {port} exited with {proc.returncode}")
        try:
            client.ping()
            return
        except redis.RedisError:
            time.sleep(0.05)
        finally:
            client.close()
    raise RuntimeError(f"redis-server on {port} did not start")


@pytest.fixture
def redis_url() -> Iterator[str]:
    raw = os.environ.get("TEST_REDIS_URL")
    if not raw:
        unavailable("TEST_REDIS_URL is not set; set it (e.g. redis://127.0.0.1:6379/15) to run")
    url = force_db(str(raw), TEST_DB)
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.flushdb()  # db 15 only
    except redis.RedisError as exc:
        unavailable(f"Redis at {url} is unreachable: {exc}")
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Any]:
    """Start/stop a private redis-server; only processes started here are ever killed."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server binary not found")
    port, procs = free_port(), []

    def start() -> subprocess.Popen[bytes]:
        args = [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--daemonize", "no", "--dir", str(tmp_path)]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        wait_for_redis(port, proc)
        return proc

    start.port = port  # type: ignore[attr-defined]
    try:
        yield start
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=5)


@pytest.fixture
def blackhole_port() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    stop, held = threading.Event(), []

    def serve() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    listener.close()
    for conn in held:
        conn.close()


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "company": ["บริษัท สยามซอฟต์ จำกัด", "Acme", None],
            "slots": pd.array([3, None, 1], dtype="Int64"),
            "stipend": [500.0, float("nan"), 750.5],
            "remote": [True, False, True],
            "posted": pd.to_datetime(["2024-03-01 09:00", None, "2024-03-02 10:30"]).tz_localize(
                "Asia/Bangkok"
            ),
        }
    )


def test_round_trips(redis_url: str) -> None:
    cache = make_cache(redis_url)
    try:
        assert isinstance(cache, RedisCache)
        df = frame()
        cache.get_or_compute(["postings"], "table", {"p": 1}, lambda: df)
        got = cache.get_or_compute(["postings"], "table", {"p": 1}, lambda: pd.DataFrame())
        pd.testing.assert_frame_equal(got, df)
        value = {"จังหวัด": ["เชียงใหม่"], "n": 2, "x": None, "ok": True, "f": 1.5}
        cache.get_or_compute(["postings"], "facets", {"p": 1}, lambda: value)
        assert cache.get_or_compute(["postings"], "facets", {"p": 1}, dict) == value
        health = cache.health()
        assert health["hits"] == 2
        assert health["misses"] == 2
        assert health["errors"] == 0
        assert health["up"] is True
        assert health["breaker"] == "closed"
        assert cache.ping() is not None
    finally:
        cache.close()


def test_cross_instance_read_your_writes(redis_url: str) -> None:
    a, b = make_cache(redis_url), make_cache(redis_url)
    try:
        for c in (a, b):  # first contact bumps the epoch; do it before caching
            assert c.key_for(["regs"], "n", {}) is not None
        db = {"count": 1}
        assert a.get_or_compute(["regs"], "n", {}, lambda: dict(db)) == {"count": 1}
        assert b.get_or_compute(["regs"], "n", {}, lambda: {"wrong": True}) == {"count": 1}
        db["count"] = 2  # the "transaction" commits, then the writer bumps
        a.bump("regs")
        assert b.get_or_compute(["regs"], "n", {}, lambda: dict(db)) == {"count": 2}
        assert a.get_or_compute(["regs"], "n", {}, lambda: {"wrong": True}) == {"count": 2}
    finally:
        a.close()
        b.close()


def test_corrupt_payload_recomputes(redis_url: str) -> None:
    cache = make_cache(redis_url)
    try:
        key = cache.key_for(["r"], "f", {"a": 1})
        assert key is not None
        raw = redis.Redis.from_url(redis_url)
        raw.set(key, b"A\x00garbage", ex=60)
        raw.close()
        assert cache.get_or_compute(["r"], "f", {"a": 1}, lambda: [1, 2]) == [1, 2]
        assert cache.health()["errors"] == 1
        assert cache.get_or_compute(["r"], "f", {"a": 1}, list) == [1, 2]
    finally:
        cache.close()


def test_closed_port_computes_with_breaker_open() -> None:
    cache = make_cache(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2, breaker_cooldown=60)
    try:
        for i in range(20):
            assert cache.get_or_compute(["r"], "f", {"i": i}, lambda i=i: i * 2) == i * 2
        cache.bump("r")  # must not raise; deferred
        health = cache.health()
        assert health["up"] is False
        assert health["breaker"] == "open"
        assert health["errors"] == 1  # Redis was tried once, then the breaker held
        assert health["misses"] == 20
        assert health["pending_bumps"] == ["r"]
        assert cache.ping() is None
    finally:
        cache.close()


def test_unresponsive_server_bounded_by_timeout(blackhole_port: int) -> None:
    timeout = 0.2
    cache = make_cache(f"redis://127.0.0.1:{blackhole_port}/0", timeout=timeout, breaker_cooldown=0.0)
    try:
        for i in range(3):  # cooldown 0: every call probes the black hole again
            started = time.monotonic()
            assert cache.get_or_compute(["r"], "f", {"i": i}, lambda i=i: {"i": i}) == {"i": i}
            assert time.monotonic() - started < 10 * timeout  # generous; redis default is 5 s
        cache.bump("r")
        assert cache.health()["up"] is False
        assert cache.health()["errors"] >= 3
    finally:
        cache.close()


def test_outage_drill(redis_server: Any) -> None:
    port = redis_server.port
    url = f"redis://127.0.0.1:{port}/0"
    clock = FakeClock()
    proc = redis_server()
    cache = RedisCache(url, timeout=0.2, breaker_cooldown=5.0, clock=clock)
    db = {"value": "before"}
    try:
        assert cache.get_or_compute(["regs"], "v", {}, lambda: dict(db)) == {"value": "before"}
        assert cache.get_or_compute(["regs"], "v", {}, lambda: {"x": 1}) == {"value": "before"}
        old_key = cache.key_for(["regs"], "v", {})
        raw = redis.Redis(port=port)
        raw.save()  # snapshot so the restarted server still holds the pre-outage entry
        raw.close()
        proc.kill()  # exactly the process this test started
        proc.wait(timeout=5)

        db["value"] = "during"
        assert cache.get_or_compute(["regs"], "v", {}, lambda: dict(db)) == {"value": "during"}
        cache.bump("regs")  # the writer's bump fails: it must be remembered
        assert cache.health()["breaker"] == "open"
        assert cache.get_or_compute(["regs"], "v", {}, lambda: dict(db)) == {"value": "during"}

        redis_server()  # restart on the same port; loads the snapshot
        raw = redis.Redis(port=port)
        assert old_key is not None
        assert raw.exists(old_key) == 1
        clock.now += 6  # past the breaker cooldown: half-open probe
        assert cache.get_or_compute(["regs"], "v", {}, lambda: dict(db)) == {"value": "during"}
        assert cache.health()["breaker"] == "closed"
        assert cache.health()["pending_bumps"] == []
        assert cache.get_or_compute(["regs"], "v", {}, lambda: {"x": 1}) == {"value": "during"}
        fresh = RedisCache(url, timeout=0.2)
        assert fresh.get_or_compute(["regs"], "v", {}, lambda: dict(db)) == {"value": "during"}
        fresh.close()
        raw.close()
    finally:
        cache.close()


def test_epoch_alone_hides_pre_outage_entries(redis_server: Any) -> None:
    """Even without a deferred bump, entries from before an outage are never served."""
    clock = FakeClock()
    proc = redis_server()
    cache = RedisCache(f"redis://127.0.0.1:{redis_server.port}/0", timeout=0.2, clock=clock)
    db = {"v": 1}
    try:
        cache.get_or_compute(["x"], "f", {}, lambda: dict(db))
        raw = redis.Redis(port=redis_server.port)
        raw.save()
        raw.close()
        proc.kill()
        proc.wait(timeout=5)
        db["v"] = 2  # a write that happened elsewhere, no bump from this process
        assert cache.get_or_compute(["x"], "f", {}, lambda: dict(db)) == {"v": 2}
        redis_server()
        clock.now += 60
        assert cache.get_or_compute(["x"], "f", {}, lambda: dict(db)) == {"v": 2}
    finally:
        cache.close()


def _herd(caches: list[RedisCache], readers: int, compute: Any) -> list[Any]:
    """`readers` threads, spread over `caches` (replicas), all asking for the same entry at once."""
    start, results = threading.Barrier(readers), [None] * readers

    def read(n: int) -> None:
        start.wait()
        results[n] = caches[n % len(caches)].get_or_compute(["registrations"], "dashboard", {}, compute)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_one_write_then_a_hundred_readers_compute_once_across_replicas(redis_url: str) -> None:
    replicas = [RedisCache(redis_url) for _ in range(3)]
    try:
        for cache in replicas:
            cache.key_for(["registrations"], "dashboard", {})  # first contact bumps the epoch
        computed: list[int] = []
        release = threading.Event()

        def compute() -> dict[str, int]:
            computed.append(1)
            release.wait(10)  # held until every reader has arrived (no timing is asserted)
            return {"count": len(computed)}

        # No previous value: every reader but one waits for the one computation.
        threading.Timer(0.5, release.set).start()
        first = _herd(replicas, 100, compute)
        assert len(computed) == 1
        assert first == [{"count": 1}] * 100
        # One write (a bump), then 100 readers: one computes, the others take the previous value.
        replicas[0].bump("registrations")
        release.clear()
        threading.Timer(0.5, release.set).start()
        second = _herd(replicas, 100, compute)
        assert len(computed) == 2
        assert second.count({"count": 2}) >= 1
        assert {tuple(r.items()) for r in second} <= {(("count", 1),), (("count", 2),)}
        stale = sum(c.health()["stale"] for c in replicas)
        assert stale == second.count({"count": 1}) and stale >= 1
        assert sum(c.health()["computations"] for c in replicas) == 2
        assert replicas[1].get_or_compute(["registrations"], "dashboard", {}, compute) == {"count": 2}
    finally:
        for cache in replicas:
            cache.close()


def test_a_dead_claimer_holds_the_others_only_up_to_the_bound(redis_url: str) -> None:
    a, b = RedisCache(redis_url), RedisCache(redis_url)
    try:
        b.key_for(["regs"], "n", {})  # each replica's first contact bumps the epoch
        key = a.key_for(["regs"], "n", {})
        assert key is not None and b.key_for(["regs"], "n", {}) == key
        assert a._claim(key, "ims:last:none", "dead-replica", 30.0) == (True, None)  # never released
        b.wait_s = 0.2
        assert b.get_or_compute(["regs"], "n", {}, lambda: {"n": 1}) == {"n": 1}  # computed itself
        assert b.health()["computations"] == 1
        b._release(key, "another-token")  # only the holder's token releases a claim
        assert a._claim(key, "ims:last:none", "x", 30.0)[0] is False
    finally:
        a.close()
        b.close()


def test_a_frame_kept_by_one_replica_is_retired_by_another_replicas_write(redis_url: str) -> None:
    a, b = RedisCache(redis_url), RedisCache(redis_url)
    try:
        for cache in (a, b):
            cache.key_for(["registrations"], "drill", {})  # first contact bumps the epoch
        rows = {"n": 1}

        def compute() -> pd.DataFrame:
            return pd.DataFrame({"n": [rows["n"]]})

        for _ in range(3):  # computed, decoded and kept, then served from the kept frame
            assert a.get_or_compute(["registrations"], "drill", {}, compute)["n"].tolist() == [1]
        rows["n"] = 2
        b.bump("registrations")
        assert a.get_or_compute(["registrations"], "drill", {}, compute)["n"].tolist() == [2]
        redis.Redis.from_url(redis_url).flushdb()  # the shared entry is gone: the kept frame is not served
        rows["n"] = 3
        assert a.get_or_compute(["registrations"], "drill", {}, compute)["n"].tolist() == [3]
    finally:
        a.close()
        b.close()
