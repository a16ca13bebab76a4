"""`manage.py check_migrations` fails the deploy when any schema is behind."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_all_schemas_current_passes(capsys):
    call_command("check_migrations", no_progress=True)
    assert "up to date" in capsys.readouterr().out


def test_a_union_behind_fails_and_is_named(union_b):
    with tenant_context(union_b), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'membership' AND name = "
            "(SELECT max(name) FROM django_migrations WHERE app = 'membership')"
        )
    connection.set_schema_to_public()
    with pytest.raises(CommandError, match="1 of"):
        call_command("check_migrations", no_progress=True, stderr=open("/dev/null", "w"))  # noqa: SIM115


def test_the_template_behind_fails_too():
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM union_template.django_migrations WHERE app = 'users' AND name = "
            "(SELECT max(name) FROM union_template.django_migrations WHERE app = 'users')"
        )
    with pytest.raises(CommandError):
        call_command("check_migrations", no_progress=True, stderr=open("/dev/null", "w"))  # noqa: SIM115
