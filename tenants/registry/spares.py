"""A small pool of schemas made ahead of time from the template snapshot.

Replaying the snapshot creates about 180 tables and 700 indexes; on PostgreSQL 15 every btree
index build ends with an fsync of its file, so the replay costs 0.2 s on an idle disk and several
seconds on a busy one, whatever the CPU does. Provisioning therefore renames a spare schema
(``ALTER SCHEMA … RENAME``: one catalog row, constant time however many unions there are) inside
its transaction and queues ``spare_schemas_fill`` after commit to make a new spare. With the pool
empty it replays the snapshot itself, as before. A spare is used only while its snapshot is the
current one; ``template_migrate`` drops older spares.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import connection, transaction

from workershome.tenancy import use_public_schema

from .models import SpareSchema

logger = logging.getLogger(__name__)


def spare_target() -> int:
    """How many spares to keep (``UNION_SPARE_SCHEMAS``, default 2; 0 turns the pool off)."""
    return max(0, int(settings.UNION_SPARE_SCHEMAS))


def spare_schema_take(*, snapshot: str) -> str | None:
    """Claim a spare made from ``snapshot`` for the current transaction; None if there is none.

    The row is deleted in the caller's transaction (``SKIP LOCKED``: concurrent provisionings
    take different spares), so a rollback puts it back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM registry_spareschema WHERE schema_name = ("
            "  SELECT schema_name FROM registry_spareschema WHERE snapshot = %s"
            "  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED"
            ") RETURNING schema_name",
            [snapshot],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def spare_schemas_drop_stale() -> int:
    """Drop the spares made from a snapshot that is no longer the current one."""
    from .models import TemplateSnapshot

    current = set(TemplateSnapshot.objects.values_list("fingerprint", flat=True))
    dropped = 0
    for spare in SpareSchema.objects.exclude(snapshot__in=current):
        with transaction.atomic():
            if SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=spare.pk).delete()[0]:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
                dropped += 1
    return dropped


def spare_schemas_fill(*, target: int | None = None) -> int:
    """Make spares until there are ``target`` of the current snapshot; returns how many were
    made. Each spare is made in its own transaction; a second filler running at the same time
    returns at once."""
    from .snapshot import schema_create_from_snapshot, template_snapshot_current

    target = spare_target() if target is None else target
    made = 0
    use_public_schema()
    spare_schemas_drop_stale()
    while True:
        with transaction.atomic():
            from .locks import spares_lock_try

            if not spares_lock_try():
                return made
            snapshot = template_snapshot_current()
            if SpareSchema.objects.filter(snapshot=snapshot.fingerprint).count() >= target:
                return made
            name = f"spare_{secrets.token_hex(6)}"
            schema_create_from_snapshot(name)
            with connection.cursor() as cursor:
                cursor.execute("SELECT public.workershome_audit_protect(%s)", [name])
            SpareSchema.objects.create(schema_name=name, snapshot=snapshot.fingerprint)
            use_public_schema()
        made += 1
        logger.info("made spare schema %s", name)
