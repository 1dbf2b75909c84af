"""The sample nginx configuration for replicas is valid (nginx -t), when nginx is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.backends import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]


def test_sample_nginx_configuration_parses(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but nginx is missing (make e2e-deps installs it)")
        pytest.skip("nginx is not installed: run `make e2e-deps`")
    result = subprocess.run(
        [nginx, "-t", "-c", str(ROOT / "deploy" / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
