"""Connection recycling: a database connection is closed once it has served N union schemas.

A PostgreSQL backend keeps the catalog entries (tables, columns, indexes) of every relation it
has touched in its cache for as long as it lives, and every union has its own copy of some 400
relations: a connection grew by about 0.27 MB per union it served (272 MB after 1,000, issue 10).
A web process keeps its connection for ``CONN_MAX_AGE`` seconds and a Celery worker runs one
union's task after another, so without a limit each backend would end up caching the catalog of
every union. Closing the connection after it has been set to ``DATABASE_RECYCLE_AFTER_SCHEMAS``
different union schemas bounds that memory; the next query opens a fresh backend (a few
milliseconds, less behind PgBouncer).

How it works: django-tenants calls ``EXTRA_SET_TENANT_METHOD`` (``schema_switched``) on every
schema switch, which records the schema on the connection; ``connection_recycle`` closes the
connection at a safe point -- the end of a request, the end of a Celery task, between unions in a
loop -- when the count has reached the limit and no transaction is open. A switch that is
followed by no query is counted too, which only ever closes a connection a little early.
"""

from __future__ import annotations

from typing import Any

from celery.signals import task_postrun
from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_TOUCHED = "_workershome_schemas_touched"


def _public_schema() -> str:
    return getattr(settings, "PUBLIC_SCHEMA_NAME", "public")


def schema_switched(wrapper: Any, tenant: Any) -> None:
    """django-tenants' ``EXTRA_SET_TENANT_METHOD``: remember the union schemas this connection
    has been set to (the public schema is shared by all and not counted)."""
    if tenant.schema_name != _public_schema():
        touched = getattr(wrapper, _TOUCHED, None)
        if touched is None:
            touched = set()
            setattr(wrapper, _TOUCHED, touched)
        touched.add(tenant.schema_name)


@receiver(connection_created)
def _count_from_here(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A new backend has cached nothing yet: count from the schema it is opened in."""
    schema = getattr(connection, "schema_name", None)
    setattr(connection, _TOUCHED, {schema} if schema and schema != _public_schema() else set())


def schemas_touched(wrapper: Any = None) -> int:
    """How many union schemas the connection (the default one unless given) has been set to."""
    wrapper = wrapper if wrapper is not None else connections[DEFAULT_DB_ALIAS]
    return len(getattr(wrapper, _TOUCHED, ()))


def connection_recycle(*, wrapper: Any = None, after: int | None = None) -> bool:
    """Close the connection if it has served ``after`` union schemas or more (by default the
    ``DATABASE_RECYCLE_AFTER_SCHEMAS`` setting; 0 turns recycling off) and no transaction is
    open on it. Without ``wrapper``, every open connection of this thread is checked. Returns
    whether one was closed."""
    limit = settings.DATABASE_RECYCLE_AFTER_SCHEMAS if after is None else after
    if not limit:
        return False
    wrappers = [wrapper] if wrapper is not None else connections.all(initialized_only=True)
    closed = False
    for each in wrappers:
        if each.connection is None or schemas_touched(each) < limit:
            continue
        if each.in_atomic_block:  # a request or test transaction: the caller's work is not done
            continue
        each.close()
        setattr(each, _TOUCHED, set())
        closed = True
    return closed


@receiver(request_finished, dispatch_uid="workershome.connection_recycle")
def _recycle_after_request(sender: Any, **kwargs: Any) -> None:
    connection_recycle()


def _recycle_after_task(sender: Any = None, **kwargs: Any) -> None:
    connection_recycle()


# Celery workers run one union's task after another (workershome.periodic.for_each_union fans a
# task out to every union): recycle between tasks. Connected here, not in an AppConfig, because
# this module is loaded with the database backend, in every process that has a connection.
task_postrun.connect(_recycle_after_task, dispatch_uid="workershome.connection_recycle", weak=False)
