"""Periodic work across unions: fan a task out to every active union, each in its own schema.

Beat sends one task per schedule entry on the public schema; that task queues the real task
once per active union inside ``schema_context`` so tenant-schemas-celery carries the schema.
A union that fails does not stop the others, and each union's task is idempotent.
"""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context


def for_each_union(task, **kwargs) -> int:
    """Queue ``task`` with ``kwargs`` in every active union's schema; returns how many."""
    from tenants.registry.models import Union

    schemas = list(
        Union.objects.filter(status=Union.Status.ACTIVE)
        .exclude(schema_name=get_public_schema_name())
        .values_list("schema_name", flat=True)
    )
    for schema in schemas:
        with schema_context(schema):
            task.delay(**kwargs)
    return len(schemas)
