"""A real `python manage.py serve` process for the production tests (tools.proxy starts it), with
helpers to call it and read its JSON log."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tools.proxy import ROOT, Replica, free_port, replica_env, start_replica

__all__ = ["ROOT", "AppServer", "base_env", "free_port", "start"]


class AppServer(Replica):
    """One running replica, with an HTTP GET and its log lines."""

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One HTTP GET: status, headers (lower-case names), body."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines the replica logged so far (other lines, e.g. Streamlit's banner, skipped)."""
        lines = []
        for raw in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except json.JSONDecodeError:
                    continue
        return lines


def base_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a development replica on `database_url`, plus `extra`."""
    return replica_env(tmp, database_url, **extra)


def start(tmp: Path, env: dict[str, str], *, wait: bool = True, port: int | None = None) -> AppServer:
    """`python manage.py serve` on 127.0.0.1; waits for /healthz/live unless `wait` is False."""
    replica = start_replica(tmp, env, wait=wait, port=port)
    return AppServer(replica.url, replica.port, replica.process, replica.log)
