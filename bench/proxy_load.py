"""Simulated users through nginx (deploy/nginx.conf on loopback) in front of app replicas.

The production shape: `python manage.py serve` replicas on one MariaDB + Redis, nginx keeping each
browser on one replica by its `ims_route` cookie. Rows:
- USERS users (300 by default) walking their journeys over the websocket with 5-15 s of think
  time through nginx on two replicas: p50/p95 of warm page loads and the errors (target: p95
  <= 500 ms, 0 errors);
- the stress run (1-3 s of think time) through nginx on one replica, then on two: loads/s each,
  and their ratio. Every process here is Python and the machine's cores are shared by MariaDB,
  Redis, nginx and the load generator itself, so the ratio is bounded by the cores left over,
  not by the app.

`python -m bench.proxy_load --database-url URL --redis-url URL [--users 300] [--seconds 60]`
runs it alone on a database with demo data.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench.harness import Row
from bench.runner import Plan
from bench.web_load import STRESS_THINK_S, THINK_S, _rows, _run_users, session_cookies
from core.context import AppContext
from tools.proxy import (
    Nginx,
    Replica,
    free_port,
    nginx_binary,
    render,
    replica_env,
    start_nginx,
    start_replica,
)


def _replicas(tmp: Path, ctx: AppContext, redis_url: str | None, count: int) -> list[Replica]:
    extra = {"BEHIND_PROXY": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    if redis_url:
        extra["REDIS_URL"] = redis_url
    url = ctx.settings.database_url
    return [
        start_replica(tmp / f"app{n}", replica_env(tmp / f"app{n}", url, REPLICA_ID=f"app{n}", **extra))
        for n in range(1, count + 1)
    ]


def _nginx(tmp: Path, replicas: list[Replica]) -> Nginx:
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (.ci/install-system-packages)")
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = render(tmp, [r.port for r in replicas], port, free_port(), trust_client_xff=False)
    return start_nginx(binary, conf, tmp, port)


def _stress(ctx: AppContext, tmp: Path, replicas: list[Replica], users: int, seconds: float) -> float:
    """Loads per second of `users` fresh sessions with 1-3 s of think time through nginx."""
    nginx = _nginx(tmp, replicas)
    try:
        tally = asyncio.run(_run_users(nginx.url, session_cookies(ctx, users), seconds, STRESS_THINK_S))
    finally:
        nginx.stop()
    return (len(tally.first) + len(tally.warm)) / seconds


def proxy_rows(
    ctx: AppContext, plan: Plan, redis_url: str | None, users: int, seconds: float, stress_seconds: float
) -> list[Row]:
    """`users` through nginx on two replicas; then the stress loads/s on one and on two replicas."""
    with tempfile.TemporaryDirectory(prefix="ims-proxy-bench-") as name:
        tmp = Path(name)
        replicas = _replicas(tmp, ctx, redis_url, 2)
        try:
            nginx = _nginx(tmp / "nginx-2", replicas)
            try:
                tally = asyncio.run(_run_users(nginx.url, session_cookies(ctx, users), seconds, THINK_S))
            finally:
                nginx.stop()
            rows = _rows(plan, f"{users} users via nginx, 2 replicas (websocket)", tally, seconds, THINK_S)
            if stress_seconds:
                one = _stress(ctx, tmp / "nginx-s1", replicas[:1], users, stress_seconds)
                two = _stress(ctx, tmp / "nginx-s2", replicas, users, stress_seconds)
                note = (
                    f"stress (think 1-3 s, {users} users, {stress_seconds:.0f} s each): "
                    f"1 replica {one:.1f} loads/s, 2 replicas {two:.1f} loads/s"
                )
                rows.append(Row(plan.backend, "stress loads/s, 2 vs 1 replica", "concurrency", 2, None,
                                ratio=two / one if one else None, note=note))  # fmt: skip
        finally:
            for replica in replicas:
                replica.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the proxy rows alone against a database that holds demo data."""
    from bench.cases import run_alone

    parser = argparse.ArgumentParser(prog="python -m bench.proxy_load", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--stress-seconds", type=float, default=30)
    args = parser.parse_args(argv)
    return run_alone(
        args.database_url,
        args.redis_url,
        lambda ctx, backend: proxy_rows(
            ctx, Plan(backend, 1), args.redis_url, args.users, args.seconds, args.stress_seconds
        ),
    )


if __name__ == "__main__":
    raise SystemExit(main())
