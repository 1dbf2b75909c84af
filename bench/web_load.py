"""Simulated office users loading pages over Streamlit's own websocket protocol, against a real server.

The bench starts `streamlit run app.py` on a free loopback port with the bench database, signs in
USERS sessions (the same login and one-time ticket as the browser; the session cookie goes on the
websocket handshake as a browser's would), and lets each user walk a journey of pages: send the
rerun a page link sends (BackMsg.rerun_script with the page's name), wait for the server's
script_finished, think for THINK_S seconds, go on. A page load's time is from the request to
script_finished. Each user's first load opens their session and is reported apart; the target
is on warm loads. The server is stopped by the PID the bench started.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bench.harness import Row, summarise
from bench.runner import Plan
from core import auth
from core.auth import users
from core.context import AppContext
from db.models import User

ROOT = Path(__file__).resolve().parent.parent
# A person reads the page (a queue of 50 rows, a chart, a posting) and decides before the next
# click: 5-15 s. The stress run keeps 1-3 s, about three times the load, to show where it saturates.
THINK_S = (5.0, 15.0)
STRESS_THINK_S = (1.0, 3.0)
TIMEOUT_S = 60.0
# Who signs in and which pages they walk through (url paths of app.py's pages).
JOURNEYS = {
    "admin": ("", "review_queue", "progress", "search", "courses"),
    "coordinator": ("", "review_queue", "review_queue", "search", "progress"),
    "manager": ("", "progress", "progress", "search"),
    "staff": ("", "search", "search", "postings"),
}


@dataclass
class Tally:
    """Page-load times (seconds) and errors across every simulated user."""

    first: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_accounts(ctx: AppContext) -> dict[str, tuple[str, str]]:
    """One load-test account per role (role -> (username, password)); passwords reset each run."""
    accounts = {}
    for role in JOURNEYS:
        username, password = f"load_{role}", secrets.token_urlsafe(24)
        with ctx.sessions.begin() as session:
            exists = session.scalar(select(User.id).where(User.username == username)) is not None
        if exists:
            users.set_password_by_username(ctx, username=username, password=password)
        else:
            users.create_user(
                ctx, actor=None, username=username, full_name=f"Load {role}", role=role, password=password
            )
        with ctx.sessions.begin() as session:
            user = session.scalars(select(User).where(User.username == username)).one()
            user.must_change_password = False
        accounts[role] = (username, password)
    return accounts


def session_cookies(ctx: AppContext, count: int) -> list[tuple[str, str]]:
    """`count` signed-in sessions spread over the roles: (role, session cookie value)."""
    accounts, out = bench_accounts(ctx), []
    roles = list(JOURNEYS)
    for n in range(count):
        role = roles[n % len(roles)]
        result = auth.login(ctx, *accounts[role], ip=f"127.0.{n // 250}.{n % 250 + 1}")
        token = auth.redeem_ticket(ctx, result.ticket) if result.ticket else None
        if token is None:
            raise RuntimeError(f"could not open a load-test session for {role}")
        out.append((role, token))
    return out


def start_server(
    database_url: str, redis_url: str | None, data_dir: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run app.py` on a free loopback port; returns the process and its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "APP_ENV": "development",
        "SECRET_KEY": "load-" + secrets.token_hex(20),
        # The bench measures pages and the API on data it must leave as it found it: no reminders, no sending.
        "MAIL_SENDER_THREAD": "false",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    process = subprocess.Popen(
        [*command, "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the app server exited while starting")
        health = f"{url}/_stcore/health"  # loopback, a URL the bench built
        with suppress(OSError), urllib.request.urlopen(health, timeout=2) as response:
            if response.status == 200:
                return process, url
        time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("the app server did not come up")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop exactly the process the bench started."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _rerun(page: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    return bytes(msg.SerializeToString())


async def _load(ws: object, page: str) -> float:
    """Ask for `page` and wait for its script_finished; returns seconds."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.perf_counter()
    await ws.send(_rerun(page))  # type: ignore[attr-defined]
    while True:
        data = await asyncio.wait_for(ws.recv(), TIMEOUT_S)  # type: ignore[attr-defined]
        msg = ForwardMsg.FromString(data)
        if msg.WhichOneof("type") == "script_finished":
            return time.perf_counter() - started


async def _user(
    url: str, role: str, cookie: str, deadline: float, seed: int, tally: Tally, think: tuple[float, float]
) -> None:
    import websockets

    rng, journey = random.Random(seed), JOURNEYS[role]
    await asyncio.sleep(rng.uniform(0, think[1]))  # users do not all arrive in the same instant
    # ims_route: the per-browser cookie nginx keeps a browser on one replica by (deploy/nginx.conf).
    headers = {"Cookie": f"ims_session={cookie}; ims_route=user{seed}", "Origin": url}
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(
            stream,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,  # type: ignore[list-item]
        ) as ws:
            step = 0
            while time.monotonic() < deadline:
                page = journey[step % len(journey)]
                try:
                    seconds = await _load(ws, page)
                except TimeoutError:
                    tally.errors.append(f"timeout on {page or 'home'}")
                    return
                (tally.warm if step else tally.first).append(seconds)
                step += 1
                await asyncio.sleep(rng.uniform(*think))
    except Exception as exc:  # a failed user is counted, never fatal to the bench
        tally.errors.append(type(exc).__name__)


async def _run_users(
    url: str, cookies: list[tuple[str, str]], seconds: float, think: tuple[float, float] | None = None
) -> Tally:
    tally, deadline, think = Tally(), time.monotonic() + seconds, think or THINK_S
    users = (_user(url, role, c, deadline, n, tally, think) for n, (role, c) in enumerate(cookies))
    await asyncio.gather(*users)
    return tally


def _rows(plan: Plan, name: str, tally: Tally, seconds: float, think: tuple[float, float]) -> list[Row]:
    kinds = ", ".join(sorted(set(tally.errors)))
    loads = len(tally.first) + len(tally.warm)
    note = (
        f"{loads / seconds:.1f} loads/s over {seconds:.0f} s, think {think[0]:.0f}-{think[1]:.0f} s; "
        f"{len(tally.errors)} errors" + (f" ({kinds})" if kinds else "")
    )
    rows = []
    for kind, timings in (("warm", tally.warm), ("first", tally.first)):
        if not timings:
            rows.append(Row(plan.backend, f"{name} {kind}", "concurrency", 0, None, note=note))
            continue
        s = summarise(timings)
        extra = "" if kind == "warm" else "; each session's first page"
        rows.append(
            Row(
                plan.backend,
                f"{name} {kind}",
                "concurrency",
                s.runs,
                s.median_ms,
                s.p95_ms,
                note=note + extra,
            )
        )
    return rows


def web_load_rows(
    ctx: AppContext,
    plan: Plan,
    redis_url: str | None,
    users_count: int,
    seconds: float,
    stress_seconds: float = 0.0,
) -> list[Row]:
    """`users_count` users walking their journeys against a real server on ctx's database.

    First for `seconds` with THINK_S between pages (the target), then, when `stress_seconds` is
    set, for that long with STRESS_THINK_S on fresh sessions (where one server saturates).
    """
    cookies = session_cookies(ctx, users_count)
    process, url = start_server(ctx.settings.database_url or "", redis_url, ctx.settings.data_dir)
    try:
        tally = asyncio.run(_run_users(url, cookies, seconds))
        rows = _rows(plan, f"{users_count} users, page loads (websocket)", tally, seconds, THINK_S)
        if stress_seconds:
            cookies = session_cookies(ctx, users_count)
            tally = asyncio.run(_run_users(url, cookies, stress_seconds, STRESS_THINK_S))
            name = f"{users_count} users, page loads, stress"
            rows += _rows(plan, name, tally, stress_seconds, STRESS_THINK_S)[:1]
    finally:
        stop_server(process)
    return rows
