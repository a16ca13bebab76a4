"""The template schema every new union is cloned from.

It is migrated like any union and seeded with what every union starts with (role groups, the
site's home page), so provisioning copies tables and rows in one statement instead of running
every migration again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists


def template_schema_name() -> str:
    return settings.UNION_TEMPLATE_SCHEMA


def template_migrate(*, verbosity: int = 0) -> None:
    """Create the template schema if missing, bring it to the latest migrations and seed it."""
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command("migrate_schemas", schema_name=name, tenant=True, interactive=False, verbosity=verbosity)
    with schema_context(name):
        template_seed()
    from .snapshot import template_snapshot_build

    template_snapshot_build()


@transaction.atomic
def template_seed() -> None:
    """What every union starts with; idempotent, run in the template schema."""
    from cms.services import site_root_ensure
    from tenants.users.roles import role_groups_ensure

    site_root_ensure(title="职工之家", hostname="union-template.invalid")
    role_groups_ensure()
