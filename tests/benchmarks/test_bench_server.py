"""The production web server on this machine, beside Django's development server (issue 8).

Both serve the test database's union A: gunicorn with the production settings (deploy/
gunicorn.conf.py, WhiteNoise, the Redis page cache) and ``manage.py runserver`` with the test
settings. wrk drives each with 50 concurrent connections for 60 seconds (BENCH_SERVER_SECONDS
to change) on two URLs:

- the union's home page, as an anonymous visitor behind the ingress (X-Forwarded-Proto: https);
- the case list of the API, as 50 different officers (a token each: the API's per-user
  throttle would otherwise answer 429 to one very busy user).

Goal: zero errors (non-2xx/3xx or socket errors) on the production server; requests per second
and p99 are reported, the development server as the baseline.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django_tenants.utils import tenant_context

from tests.benchmarks.conftest import bench_line
from tests.browser.conftest import database_url, free_port
from tests.conftest import end_other_sessions, host_of

ROOT = Path(__file__).resolve().parents[2]
SECONDS = int(os.environ.get("BENCH_SERVER_SECONDS", "60"))
CONNECTIONS = 50
OFFICERS = 50
CASES = 200

TOKENS_LUA = """
local tokens = {%s}
local i = 0
request = function()
  i = i + 1
  wrk.headers["Authorization"] = "Token " .. tokens[(i %% #tokens) + 1]
  return wrk.format("GET", "/api/v1/cases/")
end
"""


def _wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited: {process.stdout.read().decode()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not start")


def _wrk(port: int, host: str, *, script: Path | None = None, path: str = "/") -> dict[str, float]:
    command = [
        "wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency", "--timeout", "10s",
        "-H", f"Host: {host}", "-H", "X-Forwarded-Proto: https",
    ]  # fmt: skip
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=SECONDS + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99_value, p99_unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    p99 = float(p99_value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99_unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    print(output, flush=True)
    return {"rps": rps, "p99_ms": p99, "errors": errors}


def _committed(work):
    """Run ``work`` in its own connection and commit (the servers are other processes)."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


@pytest.mark.django_db
def test_bench_production_server(union_a, django_db_blocker, tmp_path):
    if shutil.which("wrk") is None:
        pytest.skip("wrk is missing: apt-get install wrk")
    from rest_framework.authtoken.models import Token

    from tenants.cases.services import case_open
    from tests.factories import make_person

    def setup():
        officers = [make_person(union_a, "officer", name=f"压测干事{i}")[1] for i in range(OFFICERS)]
        with tenant_context(union_a):
            for n in range(CASES):
                case_open(
                    kind="appeal", title=f"食堂晚餐时间延长的建议 {n}", description="夜班职工下班后食堂已关门。",
                    channel="web_form", requester_type="member", requester=officers[n % OFFICERS],
                    by=officers[n % OFFICERS],
                )  # fmt: skip
            return [Token.objects.create(user=officer).key for officer in officers], [o.pk for o in officers]

    tokens, officer_ids = _committed(setup)
    script = tmp_path / "tokens.lua"
    script.write_text(TOKENS_LUA % ", ".join(f'"{t}"' for t in tokens))
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    host = host_of(union_a)
    static_root = tmp_path / "static"
    base_env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}", "DATABASE_URL": url}
    production = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "REDIS_URL": os.environ["REDIS_URL"],
        "BASE_DOMAIN": "localhost.test",
        "SENSITIVE_DATA_KEYS": "uNttCzxXKLcgTl72BxvMjV8wc0PydCpnXy6txaNVg5g=",
        "STATIC_ROOT": str(static_root),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "WEB_CONCURRENCY": "3",
        "LOG_LEVEL": "WARNING",
        "PAGE_CACHE_SECONDS": "60",
    }
    (tmp_path / "metrics").mkdir()
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=production,
        capture_output=True, text=True,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr[-2000:]

    results: dict[str, dict[str, dict[str, float]]] = {}
    servers = {
        "gunicorn": (
            [sys.executable, "-m", "gunicorn", "workershome.wsgi:application", "--config", "deploy/gunicorn.conf.py",
             "--bind", "127.0.0.1:{port}"],
            production,
        ),
        "runserver": (
            [sys.executable, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload", "--insecure"],
            {**base_env, "DJANGO_SETTINGS_MODULE": "workershome.settings.test"},
        ),
    }  # fmt: skip
    try:
        for name, (command, env) in servers.items():
            port = free_port()
            process = subprocess.Popen(
                [part.format(port=port) for part in command], cwd=ROOT, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                _wait_for(port, process, name)
                results[name] = {
                    "home": _wrk(port, host),
                    "api": _wrk(port, host, script=script),
                }
            finally:
                process.terminate()
                process.wait(timeout=30)
        end_other_sessions(django_db_blocker)
    finally:

        def cleanup():
            from tenants.cases.models import Case
            from tenants.users.models import User

            with tenant_context(union_a):
                Case.objects.filter(title__startswith="食堂晚餐时间延长的建议").delete()
                User.objects.filter(pk__in=officer_ids).delete()

        _committed(cleanup)

    prod, dev = results["gunicorn"], results["runserver"]
    print(f"gunicorn {prod}\nrunserver {dev}", flush=True)
    for page in ("home", "api"):
        met = prod[page]["errors"] == 0
        speedup = prod[page]["rps"] / dev[page]["rps"] if dev[page]["rps"] else float("inf")
        # Throughput: higher is better, so the ratio is production over development.
        print(
            f"BENCH server_{page}_rps {prod[page]['rps']:.1f} req/s baseline {dev[page]['rps']:.1f} "
            f"ratio {speedup:.1f}x goal zero_errors_at_{CONNECTIONS}_clients_{SECONDS}s {'met' if met else 'missed'}",
            flush=True,
        )
        bench_line(f"server_{page}_p99", prod[page]["p99_ms"], "ms", dev[page]["p99_ms"], "reported", met)
