"""The restore drill: export a union, restore it into an empty database, and see it answer.

Export runs here, on the test database (the session's unions are committed); the empty
database is prepared and the archive restored by ``manage.py`` in subprocesses, exactly as an
operator would do it (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tenants.registry.transfer import union_export
from tests.browser.conftest import database_url
from tests.conftest import host_of
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.test import Client
from django_tenants.utils import tenant_context
from tenants.registry.models import Union
union = Union.objects.get(slug={slug!r})
client = Client(HTTP_HOST={host!r})
home = client.get("/")
signed_in = client.post("/accounts/login/", {{"username": {mobile!r}, "password": {password!r}}})
with tenant_context(union):
    from tenants.users.models import User
    users = User.objects.count()
    officer = User.objects.get(pk=client.session.get("_auth_user_id")) if signed_in.status_code == 302 else None
print(json.dumps({{"status": home.status_code, "named": {name!r} in home.content.decode(),
                  "users": users, "officer": getattr(officer, "name", None)}}))
"""


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def empty_database(django_db_blocker):
    with django_db_blocker.unblock():
        source = database_url(connection.settings_dict)
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = _admin_url(source)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield source.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db
def test_a_union_exported_and_restored_into_an_empty_database_answers_with_its_data(
    union_a, empty_database, tmp_path, media_root
):
    # Given union A with an uploaded file and its first officer (provisioned by the session)
    from django_tenants.utils import tenant_context

    from tenants.users.models import User

    upload = media_root / union_a.schema_name / "original_images" / "home.txt"
    upload.parent.mkdir(parents=True)
    upload.write_text("家的照片")
    with tenant_context(union_a):
        users_before = User.objects.count()
        officer = User.objects.exclude(account=None).select_related("account").order_by("pk").first()
    archive = tmp_path / "xinghe.tar.gz"

    # When it is exported
    union_export(union=union_a, path=archive)
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
        manifest = json.load(opened.extractfile("manifest.json"))
    expected = {"manifest.json", "accounts.json", "tables/users_user.copy", "media/original_images/home.txt"}
    assert expected <= names
    assert {"table": "users_user", "column": "account_id", "references": "accounts_account"} in manifest[
        "public_references"
    ]

    # ... and restored into an empty database, migrated by the same code
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workershome.settings.test",
        "DATABASE_URL": empty_database,
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    migrated = _manage(env, "migrate_schemas", "--shared", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    restored = _manage(env, "union_restore", str(archive), "--no-input")
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "restored" in restored.stdout

    # Then its site answers on its host, with its name, its users, and the officer's own password
    probe = _manage(
        env, "shell", "-c",
        PROBE.format(slug=union_a.slug, host=host_of(union_a), name=union_a.name, mobile=officer.account.mobile,
                     password=PASSWORD),
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr[-3000:]
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen == {"status": 200, "named": True, "users": users_before, "officer": officer.name}
    assert (
        tmp_path / "restored-media" / union_a.schema_name / "original_images" / "home.txt"
    ).read_text() == "家的照片"

    # And a second restore of the same archive is refused with a clear message, changing nothing
    again = _manage(env, "union_restore", str(archive), "--no-input")
    assert again.returncode != 0
    assert union_a.schema_name in again.stderr and "Traceback" not in again.stderr


@pytest.mark.django_db
def test_a_file_that_is_no_archive_is_refused_clearly(tmp_path):
    from django.core.management import CommandError, call_command

    bogus = tmp_path / "not-an-archive.tar.gz"
    bogus.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(CommandError) as refused:
        call_command("union_restore", str(bogus), "--no-input")
    assert "archive" in str(refused.value) or "档案" in str(refused.value)
