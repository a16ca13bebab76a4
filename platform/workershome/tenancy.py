"""The current schema and union, typed: one place that reads django-tenants' connection state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django_tenants.utils import get_public_schema_name

_tenant_connection: Any = connection  # django-tenants adds schema_name, tenant, set_* at run time


def current_schema() -> str:
    return _tenant_connection.schema_name


def current_tenant() -> Any:
    """The ``registry.Union`` the connection is set to (a stand-in under ``schema_context``)."""
    return _tenant_connection.tenant


def on_portal() -> bool:
    """Whether the connection is on the public schema: the federation portal."""
    return current_schema() == get_public_schema_name()


def use_public_schema() -> None:
    _tenant_connection.set_schema_to_public()


def on_commit_in_schema(
    callback: Callable[[], object],
    *,
    schema: str | None = None,
    robust: bool = False,
    using: str | None = None,
) -> None:
    """Run ``callback`` after the current transaction commits, in ``schema`` (by default the
    schema the connection is set to *now*). ``using``: the connection whose transaction it is
    (public-only services pass ``shards.shared_alias()``; default: the default connection).

    ``transaction.on_commit`` runs its callbacks in whatever schema the connection is set to at
    commit time, which may be another union's or public; a task queued there would carry the
    wrong schema (tenant-schemas-celery takes it from the connection).
    """
    from django.db import transaction
    from django_tenants.utils import schema_context

    target = schema or current_schema()

    def run() -> None:
        with schema_context(target):
            callback()

    if using is None or using == DEFAULT_DB_ALIAS:
        transaction.on_commit(run, robust=robust)
        return

    def run_when_free() -> None:
        # The directory's transaction committed inside a shard union's open transaction (an
        # outbox delivery): the default connection cannot change database until that one ends.
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(run, robust=robust)
        else:
            run()

    transaction.on_commit(run_when_free, using=using, robust=robust)
