"""Production settings, probes, metrics, the content security policy and the logs."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.browser.conftest import free_port
from tests.conftest import host_of

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
        "DJANGO_SETTINGS_MODULE": "workershome.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "BASE_DOMAIN": "ghzj.example.cn",
        "SENSITIVE_DATA_KEYS": "uNttCzxXKLcgTl72BxvMjV8wc0PydCpnXy6txaNVg5g=",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_on_production_settings():
    env = production_env()
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is not valid"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL is not valid"),
        ({"BASE_DOMAIN": ""}, "BASE_DOMAIN is not set"),
        ({"SENSITIVE_DATA_KEYS": "not-a-key"}, "SENSITIVE_DATA_KEYS is not valid"),
    ],
)
def test_a_missing_setting_stops_start_up_with_one_line_naming_it(overrides, named):
    result = manage(production_env(**overrides), "check")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr


@pytest.mark.django_db
def test_probes_answer_on_any_host_before_a_union_is_chosen():
    client = Client(HTTP_HOST="10.42.0.17:8000")  # what a kubelet sends: the pod's address
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    # The search engine is checked too where one is configured (a search test may have set it).
    assert {"database", "redis"} <= set(ready.json()["checks"]) <= {"database", "redis", "search"}
    assert ready["Cache-Control"] == "no-store"
    # Anything else on that host is still the unknown-host page.
    assert client.get("/").status_code == 404


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, which the test can stop."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing (tests/run.sh installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    if process.poll() is None:
        process.kill()
    process.wait()


@pytest.mark.django_db
def test_readiness_reports_a_stopped_redis(settings, own_redis):
    process, url = own_redis
    settings.REDIS_URL = url
    client = Client(HTTP_HOST="10.42.0.17:8000")
    assert client.get("/readyz").status_code == 200

    process.terminate()
    process.wait(timeout=10)

    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["database"]["ok"] is True
    assert client.get("/healthz").status_code == 200  # alive, just not ready: no restart


@pytest.mark.django_db
def test_metrics_need_the_token(settings, union_a):
    client = Client(HTTP_HOST="10.42.0.17:8000")
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    Client(HTTP_HOST=host_of(union_a)).get("/")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content


@pytest.mark.django_db
def test_the_content_security_policy_allows_no_inline_script_on_the_site(union_a, client_for):
    site = client_for(union_a).get("/")
    policy = site["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert b"<script>" not in site.content and b" onchange=" not in site.content
    admin = client_for(union_a).get("/admin/login/")
    assert "script-src 'self' 'unsafe-inline'" in admin["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_access_log_has_the_union_and_the_url_pattern_never_the_path_or_an_address(
    union_a, client_for, caplog
):
    from workershome.logs import PersonalDataFilter, UnionFilter

    caplog.set_level(logging.INFO, logger="workershome.access")
    client_for(union_a).get("/appeals/follow/?code=ABCD-1234", REMOTE_ADDR="203.0.113.9")
    [record] = [r for r in caplog.records if r.name == "workershome.access"]
    UnionFilter().filter(record)
    assert record.union == union_a.schema_name
    line = record.getMessage()
    assert "ABCD" not in line and "203.0.113.9" not in line and "code=" not in line
    assert record.route == "appeals/follow/" and record.method == "GET"

    personal = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "sent to %s, id %s", ("13912345678", "11010519491231002X"), None
    )
    PersonalDataFilter().filter(personal)
    assert personal.getMessage() == "sent to [mobile], id [id-number]"


def test_json_logs_carry_the_union_on_each_line():
    env = production_env(LOG_LEVEL="INFO")
    script = "import logging; logging.getLogger('workershome.test').info('hello 13912345678')"
    result = manage(env, "shell", "-c", script)
    line = [json.loads(line) for line in result.stderr.strip().splitlines() if line.startswith("{")][-1]
    assert line["message"] == "hello [mobile]"
    assert line["level"] == "INFO" and line["logger"] == "workershome.test" and line["union"] == "public"


@pytest.mark.django_db
def test_media_is_handed_to_nginx_when_it_sits_in_front(settings, union_a, client_for, media_root):
    image = media_root / union_a.schema_name / "original_images" / "门牌.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    url = f"/media/{union_a.schema_name}/original_images/门牌.png"
    assert client_for(union_a).get(url).status_code == 200
    settings.MEDIA_X_ACCEL_PREFIX = "/protected-media/"
    response = client_for(union_a).get(url)
    assert response.status_code == 200 and response.content == b""
    assert (
        response["X-Accel-Redirect"]
        == f"/protected-media/{union_a.schema_name}/original_images/%E9%97%A8%E7%89%8C.png"
    )
    assert response["Content-Type"] == "image/png"
