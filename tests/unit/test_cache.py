"""Unit tests for core.cache (MemoryCache) and core.cache_codec."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core import metrics
from core.cache import MemoryCache, make_cache
from core.cache.codec import CodecError, args_hash, decode, encode


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Color(enum.Enum):
    RED = "red"


def counter(value: Any = None) -> tuple[Callable[[], Any], list[int]]:
    calls: list[int] = []

    def compute() -> Any:
        calls.append(1)
        return value if value is not None else {"n": len(calls)}

    return compute, calls


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name_th": ["บริษัท ไทยเทค จำกัด", None, "มหาวิทยาลัย"],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "gpax": [3.25, np.nan, None],
            "active": [True, False, True],
            "at": pd.to_datetime(["2024-01-01 10:00", "2024-06-01 00:00", None]).tz_localize("Asia/Bangkok"),
            "flag": pd.array([True, None, False], dtype="boolean"),
        },
        index=pd.Index([10, 20, 30], name="id"),
    )


def test_make_cache_without_url_is_memory() -> None:
    assert isinstance(make_cache(None), MemoryCache)
    assert isinstance(make_cache("  "), MemoryCache)


def test_hit_and_miss() -> None:
    cache = MemoryCache()
    compute, _ = counter()
    assert cache.get_or_compute(["regs"], "dash", {"a": 1}, compute) == {"n": 1}
    assert cache.get_or_compute(["regs"], "dash", {"a": 1}, compute) == {"n": 1}
    assert cache.get_or_compute(["regs"], "dash", {"a": 2}, compute) == {"n": 2}
    assert cache.get_or_compute(["regs"], "other", {"a": 1}, compute) == {"n": 3}
    health = cache.health()
    assert (health["hits"], health["misses"], health["errors"]) == (1, 3, 0)
    assert health["backend"] == "memory"
    assert health["up"] is True


def test_metrics_counted() -> None:
    def sample(name: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, {"backend": "memory"}) or 0.0

    before = (sample("ims_cache_hits_total"), sample("ims_cache_misses_total"))
    cache = MemoryCache()
    compute, _ = counter()
    cache.get_or_compute(["m"], "x", {}, compute)
    cache.get_or_compute(["m"], "x", {}, compute)
    assert sample("ims_cache_hits_total") == before[0] + 1
    assert sample("ims_cache_misses_total") == before[1] + 1
    assert sample("ims_cache_latency_seconds_count") >= 2


def test_ttl_expiry_with_injected_clock() -> None:
    clock = FakeClock()
    cache = MemoryCache(default_ttl=60, clock=clock)
    compute, calls = counter()
    cache.get_or_compute(["r"], "f", {}, compute)
    clock.now += 59
    cache.get_or_compute(["r"], "f", {}, compute)
    assert len(calls) == 1
    clock.now += 2
    cache.get_or_compute(["r"], "f", {}, compute)
    assert len(calls) == 2
    cache.get_or_compute(["r"], "g", {}, compute, ttl=5)
    clock.now += 6
    cache.get_or_compute(["r"], "g", {}, compute, ttl=5)
    assert len(calls) == 4


def test_ttl_zero_never_stores() -> None:
    cache = MemoryCache()
    compute, calls = counter()
    cache.get_or_compute(["r"], "f", {}, compute, ttl=0)
    cache.get_or_compute(["r"], "f", {}, compute, ttl=0)
    assert len(calls) == 2
    assert len(cache) == 0


def test_bump_invalidates_only_its_namespaces() -> None:
    cache = MemoryCache()
    compute, calls = counter()
    cache.get_or_compute(["regs", "students"], "a", {}, compute)
    cache.get_or_compute(["companies"], "b", {}, compute)
    cache.bump("students")
    cache.get_or_compute(["regs", "students"], "a", {}, compute)
    cache.get_or_compute(["companies"], "b", {}, compute)
    assert len(calls) == 3


def test_key_stability() -> None:
    cache = MemoryCache()
    a = {"year": 2024, "when": dt.date(2024, 5, 1), "provinces": {"เชียงใหม่", "กรุงเทพ"}}
    b = {"provinces": {"กรุงเทพ", "เชียงใหม่"}, "when": dt.date(2024, 5, 1), "year": 2024}
    assert cache.key_for(["x", "y"], "f", a) == cache.key_for(["y", "x", "y"], "f", b)
    assert args_hash({"d": decimal.Decimal("1.10")}) == args_hash({"d": decimal.Decimal("1.1")})
    assert args_hash({"c": Color.RED}) == args_hash({"c": "red"})
    assert args_hash({"t": (1, 2)}) == args_hash({"t": [1, 2]})
    utc = dt.datetime(2024, 1, 1, 3, tzinfo=dt.UTC)
    bkk = utc.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert args_hash({"at": utc}) == args_hash({"at": bkk})
    assert args_hash({"a": 1}) != args_hash({"a": 2})
    assert args_hash({"role": "admin"}) != args_hash({"role": "student"})


def test_bad_names_and_args_rejected() -> None:
    cache = MemoryCache()
    with pytest.raises(ValueError):
        cache.key_for(["bad ns"], "f", {})
    with pytest.raises(TypeError):
        cache.key_for("regs", "f", {})
    with pytest.raises(TypeError):
        cache.key_for(["regs"], "f", {"x": object()})


def test_dataframe_round_trip() -> None:
    cache = MemoryCache()
    frame = sample_frame()
    first = cache.get_or_compute(["r"], "df", {}, lambda: frame)
    second = cache.get_or_compute(["r"], "df", {}, lambda: pd.DataFrame())
    assert first is frame
    pd.testing.assert_frame_equal(second, frame)
    assert str(second["at"].dtype) == str(frame["at"].dtype)
    assert str(second["count"].dtype) == "Int64"
    assert second.loc[10, "name_th"] == "บริษัท ไทยเทค จำกัด"


def test_json_round_trip() -> None:
    value = {
        "ชื่อ": "สมชาย",
        "n": 3,
        "f": 2.5,
        "ok": True,
        "none": None,
        "items": [1, "a", None],
    }
    assert decode(encode(value)) == value
    cache = MemoryCache()
    cache.get_or_compute(["r"], "j", {}, lambda: value)
    assert cache.get_or_compute(["r"], "j", {}, lambda: None) == value
    for scalar in ["x", 1, 1.5, False, [], None]:
        assert decode(encode(scalar)) == scalar


def test_payload_markers_and_no_pickle() -> None:
    assert encode({"a": 1})[:1] == b"J"
    assert encode(sample_frame())[:1] == b"A"
    with pytest.raises(CodecError):
        encode({1, 2})
    with pytest.raises(CodecError):
        decode(b"\x80\x04pickle")


def test_unencodable_value_is_returned_not_cached() -> None:
    cache = MemoryCache()
    assert cache.get_or_compute(["r"], "s", {}, lambda: {1, 2}) == {1, 2}
    assert len(cache) == 0
    assert cache.health()["errors"] == 1


@pytest.mark.parametrize("garbage", [b"", b"J{not json", b"A\x00\x01broken", b"Zwhat"])
def test_corrupt_payload_recomputes(garbage: bytes) -> None:
    cache = MemoryCache()
    key = cache.key_for(["r"], "f", {"a": 1})
    assert key is not None
    cache._write(key, garbage, 60)
    assert cache.get_or_compute(["r"], "f", {"a": 1}, lambda: {"fresh": True}) == {"fresh": True}
    assert cache.health()["errors"] == 1
    assert cache.get_or_compute(["r"], "f", {"a": 1}, lambda: {"x": 0}) == {"fresh": True}


def test_lru_bound_by_entries() -> None:
    cache = MemoryCache(max_entries=3)
    compute, calls = counter()
    for i in range(3):
        cache.get_or_compute(["r"], "f", {"i": i}, compute)
    cache.get_or_compute(["r"], "f", {"i": 0}, compute)  # touch 0: 1 is now oldest
    cache.get_or_compute(["r"], "f", {"i": 3}, compute)
    assert len(cache) == 3
    assert len(calls) == 4
    cache.get_or_compute(["r"], "f", {"i": 0}, compute)
    assert len(calls) == 4
    cache.get_or_compute(["r"], "f", {"i": 1}, compute)
    assert len(calls) == 5


def test_lru_bound_by_bytes() -> None:
    cache = MemoryCache(max_bytes=250)
    for i in range(10):
        cache.get_or_compute(["r"], "f", {"i": i}, lambda: "x" * 100)
    assert len(cache) == 2


def test_ping_and_health_shape() -> None:
    cache = MemoryCache()
    assert cache.ping() is not None
    health = cache.health()
    assert set(health) >= {
        "backend",
        "up",
        "breaker",
        "last_latency_ms",
        "hits",
        "misses",
    }


def test_large_dataframe_round_trip_compressed() -> None:
    big = pd.concat([sample_frame()] * 5000, ignore_index=True)
    payload = encode(big)
    assert payload[:1] == b"A"
    assert len(payload) < big.memory_usage(deep=True).sum()
    pd.testing.assert_frame_equal(decode(payload), big)


def test_concurrent_misses_in_one_process_compute_once() -> None:
    import threading

    cache, computed, release = MemoryCache(), [], threading.Event()

    def compute() -> dict[str, int]:
        computed.append(1)
        release.wait(10)  # held until every reader has arrived; nothing about time is asserted
        return {"n": len(computed)}

    start, results = threading.Barrier(50), []

    def read() -> None:
        start.wait()
        results.append(cache.get_or_compute(["r"], "f", {}, compute))

    threads = [threading.Thread(target=read) for _ in range(50)]
    for thread in threads:
        thread.start()
    threading.Timer(0.3, release.set).start()
    for thread in threads:
        thread.join()
    assert computed == [1]
    assert results == [{"n": 1}] * 50
    assert cache.health()["computations"] == 1


def test_a_failing_computation_releases_its_claim() -> None:
    cache = MemoryCache()

    def broken() -> dict[str, int]:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get_or_compute(["r"], "f", {}, broken)
    assert cache.get_or_compute(["r"], "f", {}, lambda: {"n": 2}) == {"n": 2}  # no wait for a dead claim


def test_a_kept_frame_is_a_copy_and_a_bump_retires_it() -> None:
    cache, version = MemoryCache(), [1]

    def compute() -> pd.DataFrame:
        return pd.DataFrame({"id": [1, 2], "v": [version[0]] * 2})

    cache.get_or_compute(["r"], "list", {}, compute)
    first = cache.get_or_compute(["r"], "list", {}, compute)  # decoded, then kept
    first.loc[0, "v"] = 99  # a caller scribbling on its frame
    again = cache.get_or_compute(["r"], "list", {}, compute)  # served from the kept frame
    assert again["v"].tolist() == [1, 1]
    version[0] = 2
    cache.bump("r")
    assert cache.get_or_compute(["r"], "list", {}, compute)["v"].tolist() == [2, 2]
    assert cache.get_or_compute(["r"], "list", {}, compute)["v"].tolist() == [2, 2]
