"""GET /healthz/live and GET /healthz/ready, for the load balancer and the container's HEALTHCHECK.

`live` answers 200 while the process serves HTTP. `ready` checks the database, Redis (each within
HEALTH_TIMEOUT_S) and the schema version, and answers 200 or 503 with JSON naming what failed.
Neither needs a token nor says more than up/down and the schema revision.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from core import ops
from core.bootstrap import app_context

NO_STORE = {"Cache-Control": "no-store"}


async def live(request: Request) -> JSONResponse:
    """200 while this process answers."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def ready(request: Request) -> JSONResponse:
    """200 when the database, Redis and schema are fine; 503 naming each that is not."""
    try:
        ctx = app_context()
    except Exception as exc:  # e.g. the schema is out of date and AUTO_MIGRATE is off
        body = {"status": "unavailable", "failing": ["startup"], "checks": {"startup": type(exc).__name__}}
        return JSONResponse(body, status_code=503, headers=NO_STORE)
    checks = await run_in_threadpool(ops.readiness, ctx)
    failed = [c.name for c in checks if not c.ok]
    body = {
        "status": "unavailable" if failed else "ok",
        "failing": failed,
        "checks": {c.name: ("ok" if c.ok else c.detail) for c in checks},
        "replica": ctx.settings.replica_id,
    }
    return JSONResponse(body, status_code=503 if failed else 200, headers=NO_STORE)
