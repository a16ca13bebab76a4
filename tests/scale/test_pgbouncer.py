"""The site behind Debian's PgBouncer in session pooling, two unions' pages through two server
connections, and no union's rows ever on another's page.

PgBouncer runs on a free port in front of the test PostgreSQL with a pool of two server
connections (so each is handed from one union's request to the other's), and a real server
process (``manage.py runserver``, ``TENANT_LIMIT_SET_CALLS`` on, as in production) connects
through it. Session pooling is what django-tenants needs: the search path is a session setting,
set once per connection (docs/scaling.md).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from django.db import connection, connections
from django_tenants.utils import tenant_context

from tests.browser.conftest import database_url, free_port
from tests.conftest import end_other_sessions, host_of

ROOT = Path(__file__).resolve().parents[2]
POOL_SIZE = 2
REQUESTS = 24


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if Path(path).exists()), None
    )


def _wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"{what} exited: {out[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not start")


def _committed(work):
    """Run ``work`` on a connection of its own and commit (the server is another process)."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result.get("value")


@pytest.fixture
def pgbouncer(tmp_path, django_db_blocker):
    """PgBouncer in session pooling in front of the test database; yields (port, admin)."""
    binary = pgbouncer_binary()
    if binary is None:
        pytest.skip(
            "pgbouncer is not installed: tests/run.sh installs it (deploy/system-packages.sh --pgbouncer)"
        )
    with django_db_blocker.unblock():
        db = connection.settings_dict
    port = free_port()
    folder = tmp_path / "pgbouncer"
    folder.mkdir()
    user = db.get("USER") or "postgres"
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={db.get('HOST') or '127.0.0.1'} port={db.get('PORT') or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\nadmin_users = {user}\n"
        f"pool_mode = session\ndefault_pool_size = {POOL_SIZE}\nmax_client_conn = 200\n"
        "server_reset_query = DISCARD ALL\nserver_lifetime = 600\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )
    for path in (folder, *folder.iterdir()):  # PgBouncer drops root for the postgres user
        path.chmod(0o755 if path.is_dir() else 0o644)
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, "pgbouncer")

        def admin(query: str) -> list[list[str]]:
            out = subprocess.run(
                ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", "pgbouncer", "-AtF", "|", "-c", query],
                capture_output=True, text=True, timeout=30, check=True,
            ).stdout  # fmt: skip
            return [line.split("|") for line in out.splitlines() if line]

        yield port, admin
    finally:
        process.terminate()
        process.wait(timeout=30)
        end_other_sessions(django_db_blocker)


@pytest.mark.django_db
def test_two_unions_served_through_pgbouncer_never_see_each_others_rows(
    union_a, union_b, pgbouncer, django_db_blocker
):
    port, admin = pgbouncer
    markers = {union_a.pk: f"星河独有-{uuid.uuid4().hex[:8]}", union_b.pk: f"恒通独有-{uuid.uuid4().hex[:8]}"}

    def mark(values):
        """Set each union's home page introduction (its own schema's row); returns the old ones."""
        from cms.models import HomePage

        before = {}
        for union in (union_a, union_b):
            with tenant_context(union):
                home = HomePage.objects.get()
                before[union.pk] = home.intro
                HomePage.objects.filter(pk=home.pk).update(intro=values[union.pk])
        return before

    intros = _committed(lambda: mark({pk: f"<p>{marker}</p>" for pk, marker in markers.items()}))
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    through_bouncer = url.rsplit("/", 1)[0].rsplit(":", 1)[0] + f":{port}/" + url.rsplit("/", 1)[1]
    server_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.test",
        "DATABASE_URL": through_bouncer,
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{server_port}", "--noreload", "--insecure"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(server_port, server, "runserver")

        def fetch(union) -> tuple[int, str]:
            request = Request(f"http://127.0.0.1:{server_port}/", headers={"Host": host_of(union)})
            with urlopen(request, timeout=60) as response:
                return union.pk, response.read().decode()

        order = [union_a, union_b] * (REQUESTS // 2)
        with ThreadPoolExecutor(max_workers=4) as pool:
            pages = list(pool.map(fetch, order))
        servers = admin("SHOW SERVERS")
        pools = {row[0]: row for row in admin("SHOW POOLS")}
    finally:
        server.terminate()
        server.wait(timeout=30)
        _committed(lambda: mark(intros))

    assert len(pages) == REQUESTS
    for union_pk, page in pages:
        other = union_b.pk if union_pk == union_a.pk else union_a.pk
        own_name = union_a.name if union_pk == union_a.pk else union_b.name
        assert markers[union_pk] in page and own_name in page
        assert markers[other] not in page
    # Every request went through PgBouncer, which never held more than its two server connections.
    database = url.rsplit("/", 1)[1]
    assert database in pools and pools[database][-1] == "session"
    assert 1 <= len([row for row in servers if row[2] == database]) <= POOL_SIZE
