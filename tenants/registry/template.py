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


def template_current() -> bool:
    """Whether the template exists and its snapshot was made at the code's migration state."""
    from .snapshot import template_snapshot_head
    from .state import code_fingerprint

    if not schema_exists(template_schema_name()):
        return False
    head = template_snapshot_head()
    return head is not None and head[1] == code_fingerprint()


def template_migrate(*, verbosity: int = 0, force: bool = False) -> bool:
    """Create the template schema if missing, bring it to the latest migrations, seed it and
    dump its snapshot; returns False (and does nothing) when it is current already.

    Holds the template lock all along, so no union is provisioned from a half-migrated template
    (provisioning waits for it; see ``locks.py``). Spares made from an older snapshot are dropped.
    """
    from .locks import template_lock_exclusive
    from .snapshot import template_snapshot_build
    from .spares import spare_schemas_drop_stale
    from .state import code_fingerprint

    with template_lock_exclusive():
        if not force and template_current():
            return False
        name = template_schema_name()
        if not schema_exists(name):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{name}"')
        call_command("migrate_schemas", schema_name=name, tenant=True, interactive=False, verbosity=verbosity)
        with schema_context(name):
            template_seed()
        template_snapshot_build(state=code_fingerprint())
        spare_schemas_drop_stale()
    return True


@transaction.atomic
def template_seed() -> None:
    """What every union starts with; idempotent, run in the template schema."""
    from cms.services import site_root_ensure
    from tenants.users.roles import role_groups_ensure

    site_root_ensure(title="职工之家", hostname="union-template.invalid")
    role_groups_ensure()
