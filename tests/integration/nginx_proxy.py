"""The suite's side of tools.proxy: nginx is required in CI (REQUIRE_SERVICES=1), else skipped."""

from __future__ import annotations

import pytest

from tests.backends import REQUIRE_SERVICES
from tools.proxy import Nginx, nginx_binary, render, start_nginx

__all__ = ["Nginx", "render", "require_nginx", "start_nginx"]


def require_nginx() -> str:
    """The nginx binary, or fail (REQUIRE_SERVICES=1) / skip with the way to get it."""
    found = nginx_binary()
    if found is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but nginx is missing (.ci/install-system-packages installs it)")
        pytest.skip("nginx is not installed: run `make e2e-deps`")
    return found
