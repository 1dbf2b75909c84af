"""Server-level tuning the app applies before Streamlit accepts its first connection.

TCP_NODELAY on every accepted connection: asyncio sets it only on sockets whose proto is
IPPROTO_TCP, and the server's listening socket is made with proto 0, so its connections kept
Nagle's algorithm. Each rerun's second small message then waited for the browser's delayed ACK:
~40 ms on every page load and click (a one-line Streamlit app: 48 ms per rerun, 6 ms without
Nagle, measured on loopback). This replaces asyncio's private `_set_nodelay`, so `disable_nagle`
checks that an accepted connection really has it and logs a warning when it does not (a Python
upgrade, or another event loop such as uvloop).
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import logging
import os
import socket
import sys
import threading

from pydantic import ValidationError
from streamlit.runtime.pages_manager import PagesManager

from core.bootstrap import app_context
from core.errors import DomainError

logger = logging.getLogger("ims.web")


def _tcp_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def patch_nodelay() -> None:
    """Make asyncio set TCP_NODELAY on every TCP connection it wraps."""
    asyncio.base_events._set_nodelay = _tcp_nodelay  # type: ignore[attr-defined]


async def _accepted_nodelay() -> bool:
    seen: list[int] = []

    def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)  # proto 0, as tornado makes it
    listener.bind(("127.0.0.1", 0))
    server = await asyncio.start_server(accepted, sock=listener)
    try:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
    return bool(seen and seen[0])


def nodelay_effective() -> bool:
    """Whether a connection accepted by asyncio on a proto-0 listener has TCP_NODELAY now.

    Checked on an event loop of its own in another thread: the server imports the app from
    inside its running loop.
    """
    result: list[bool] = []
    failure: list[BaseException] = []

    def check() -> None:
        try:
            result.append(asyncio.run(_accepted_nodelay()))
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=check, name="nodelay-check")
    worker.start()
    worker.join(timeout=10)
    if failure:
        raise failure[0]
    return bool(result and result[0])


def disable_nagle() -> bool:
    """Patch asyncio, then check on a loopback connection; warn (and go on) when it did not take."""
    patch_nodelay()
    try:
        effective = nodelay_effective()
    except OSError as exc:  # no loopback: nothing to measure, nothing to warn about
        logger.warning("could not check TCP_NODELAY on accepted connections: %s", exc)
        return False
    if not effective:
        logger.warning(
            "TCP_NODELAY did not take effect on accepted connections (Python or event loop changed?); "
            "every rerun may wait ~40 ms for delayed ACKs"
        )
    return effective


def startup() -> None:
    """Build the context before serving: JSON logs, the schema migrated or checked, settings valid.

    A configuration error or an out-of-date schema (AUTO_MIGRATE off) stops the process with the
    reason in the log, so an orchestrator sees the replica fail instead of serving errors.
    """
    # Navigation is app.py's st.navigation only. Streamlit otherwise treats a pages/ folder as its
    # legacy multipage app until a first st.navigation call: a fresh replica's first visitor on a
    # deep link (/monitoring, e.g. after failing over from a stopped replica) got the bare page
    # script instead of app.py. tests/e2e/test_behind_nginx.py covers it.
    PagesManager.uses_pages_directory = False
    try:
        ctx = app_context()
        json_streamlit_logs()
    except DomainError as exc:
        logger.critical("not starting: %s", exc.message)
        sys.exit(3)
    except ValidationError as exc:  # the reasons only: the input values may hold secrets
        logging.basicConfig()
        reasons = "; ".join(str(e["msg"]) for e in exc.errors(include_input=False))
        logger.critical("not starting, configuration: %s", reasons)
        sys.exit(2)
    if os.environ.get("FORWARDED_ALLOW_IPS") is None and not ctx.settings.behind_proxy:
        logger.warning(
            "FORWARDED_ALLOW_IPS is unset: the server trusts forwarded headers from loopback; "
            "start with `python manage.py serve` to apply the configured rule"
        )


def json_streamlit_logs() -> None:
    """Send Streamlit's and uvicorn's own loggers through the JSON handler too.

    Streamlit gives each of its loggers a plain-text console handler and stops propagation; this
    removes that handler (now and for loggers made later) so their records reach the root logger.
    """
    import streamlit.logger as streamlit_logger

    def through_root(log: logging.Logger) -> None:
        handler = getattr(log, "streamlit_console_handler", None)
        if handler is not None:
            log.removeHandler(handler)
        log.propagate = True

    streamlit_logger.setup_formatter = through_root
    for log in list(streamlit_logger._loggers.values()):
        through_root(log)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # uvicorn's own plain-text handlers
        log = logging.getLogger(name)
        log.handlers.clear()
        log.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # one line per request: nginx's job
