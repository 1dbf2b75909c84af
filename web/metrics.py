"""GET /metrics: Prometheus text for a scraper holding the bearer token METRICS_TOKEN."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from core import mail, monitoring
from core.bootstrap import app_context
from core.metrics import REGISTRY


async def metrics_endpoint(request: Request) -> Response:
    """404 when no token is configured, 401 without the right bearer token."""
    ctx = app_context()
    expected = ctx.settings.metrics_token
    if not expected:
        return Response(status_code=404)
    scheme, _, supplied = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(supplied.strip().encode(), expected.encode()):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    await run_in_threadpool(monitoring.refresh_gauges, ctx)
    await run_in_threadpool(mail.refresh_metrics, ctx)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
