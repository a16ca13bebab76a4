"""Unions on more than one database: the directory and its shards (docs/scaling.md).

The *directory* is the platform's database as it always was: the public schema with the
registry, accounts, federation roles, facts and the portal, and every union made before any
shard existed. A *shard* is another platform database (its own public schema, migrated like the
directory's) holding further unions' schemas; ``Union.database`` names the alias a union's
schema lives in (``DATABASE_SHARDS`` configures them). Nothing changes while no shard is
configured: the router below then answers nothing and every query goes to ``default`` as before.

How a union on a shard is reached, without touching the code that runs in it:

- **The default connection follows the union.** django-tenants calls ``EXTRA_SET_TENANT_METHOD``
  on every schema switch (request middleware, ``schema_context``, tenant-schemas-celery's task
  start); ``connection_retarget`` then points the ``default`` connection's settings at the
  union's database, closing the old physical connection first. So a union's own code -- the
  ORM, ``transaction.atomic()``, ``select_for_update``, raw cursors, ``on_commit`` -- runs on its
  database unchanged. Switching database inside an open transaction is refused
  (``ShardSwitchError``): that would silently leave the transaction behind.
- **Public-only models stay in the directory.** While the default connection is on a union of a
  shard, ``ShardRouter`` sends the models of apps that live only in the public schema (registry,
  accounts, federation, stations, docking, search…) to the ``directory`` alias, a second
  connection to the directory. On the shard's own public schema (migrations of the shard) every
  model stays on the shard.
- **Facts** are written through ``shared_alias()`` (federation/facts.py), so a shard's unions are
  counted in the directory's fact table like every other union.

- **Public-only writes have their own transaction.** The services of public-only apps open their
  transactions with ``shared_atomic`` and queue after-commit work with ``using=shared_alias()``:
  on one database that is ``transaction.atomic()`` as before; in a shard's union it is a
  transaction on the directory, so their row locks (``select_for_update``) and all-or-nothing
  writes hold there. It commits on its own, before the union's transaction around it: every such
  write is idempotent (keyed on the outbox event id, or a get-or-create), so a union transaction
  that rolls back afterwards and is repeated changes nothing twice.

What is not covered (docs/scaling.md "Past one database"): a join in one SQL statement between a
union's rows and public-only tables would read the shard's own (empty) public tables; no query
does that today (union rows refer to accounts and unions by id, ``db_constraint=False``, checked
by tests/scale/test_second_database.py), and the design fills those tables by logical replication
from the directory should one ever need to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ContextDecorator, contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from workershome.shard_settings import DIRECTORY_ALIAS

_SHARD_OF_TTL = 5.0  # seconds between reloads of the schema → database map

_shard_of: dict[str, str] = {}
_shard_of_loaded = 0.0
_public_database: list[str] = []  # a stack: on_database() points the public schema elsewhere


class ShardSwitchError(RuntimeError):
    """The default connection was asked to move to another database inside a transaction."""


def shards() -> dict[str, str]:
    """The configured shard aliases and their URLs (``DATABASE_SHARDS``); empty on one database."""
    return dict(getattr(settings, "DATABASE_SHARDS", {}) or {})


def sharded() -> bool:
    return bool(shards())


def database_names() -> list[str]:
    """Every database a union may live in: ``default`` (the directory) and the shards."""
    return [DEFAULT_DB_ALIAS, *shards()]


FEWEST = "fewest"


def database_for_new_union() -> str:
    """Where a new union goes: ``UNION_NEW_DATABASE`` names a database, or is ``fewest`` for the
    database holding the fewest unions now (the directory first on a tie). Read from the
    registry in the directory; two unions made at the same moment may both land on the same
    database, which only evens out a little later."""
    choice = getattr(settings, "UNION_NEW_DATABASE", DEFAULT_DB_ALIAS) or DEFAULT_DB_ALIAS
    if choice != FEWEST:
        return choice
    names = database_names()
    alias = DIRECTORY_ALIAS if DIRECTORY_ALIAS in connections.settings else DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT database, count(*) FROM public.registry_union WHERE schema_name <> %s GROUP BY database",
            [_public()],
        )
        counts = dict(cursor.fetchall())
    return min(names, key=lambda name: (counts.get(name, 0), names.index(name)))


# -- which database a schema lives in ---------------------------------------------------------


def _public() -> str:
    return getattr(settings, "PUBLIC_SCHEMA_NAME", "public")


def database_of_schema(schema_name: str) -> str:
    """The alias of the database holding ``schema_name``: the public schema is the directory's
    (or the one ``on_database`` chose); a union's comes from the registry, cached per process
    and read again at most every few seconds, so a union moved to another database
    (``union_move``, done while it is suspended) is followed everywhere within seconds."""
    global _shard_of_loaded
    if schema_name == _public():
        return _public_database[-1] if _public_database else DEFAULT_DB_ALIAS
    if not sharded():
        return DEFAULT_DB_ALIAS
    found = _shard_of.get(schema_name)
    if time.monotonic() - _shard_of_loaded > _SHARD_OF_TTL:
        with connections[DIRECTORY_ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT schema_name, database FROM registry_union WHERE database <> %s", ["default"]
            )
            rows = dict(cursor.fetchall())
        _shard_of.clear()
        _shard_of.update(rows)
        _shard_of_loaded = time.monotonic()
        found = _shard_of.get(schema_name)
    return found or DEFAULT_DB_ALIAS


def database_forget() -> None:
    """Drop the cached schema → database map (tests; after moving a union)."""
    global _shard_of_loaded
    _shard_of.clear()
    _shard_of_loaded = 0.0


@contextmanager
def on_database(alias: str) -> Iterator[None]:
    """Point the default connection at ``alias``'s public schema (to migrate or inspect a shard's
    own public schema); back to where it was afterwards."""
    connection: Any = connections[DEFAULT_DB_ALIAS]
    previous = connection.tenant
    _public_database.append(alias)
    try:
        connection.set_schema_to_public()
        yield
    finally:
        _public_database.pop()
        if previous is None or previous.schema_name == _public():
            connection.set_schema_to_public()
        else:
            connection.set_tenant(previous)


# -- the default connection follows the union -------------------------------------------------


def connection_database(wrapper: Any = None) -> str:
    """The alias whose database the default connection is pointed at now."""
    wrapper = wrapper if wrapper is not None else connections[DEFAULT_DB_ALIAS]
    return getattr(wrapper, "_workershome_database", DEFAULT_DB_ALIAS)


def connection_retarget(wrapper: Any, tenant: Any) -> None:
    """Called on every schema switch of a connection (``connections.schema_switched``): point the
    default connection at the database of ``tenant``'s schema."""
    if wrapper.alias != DEFAULT_DB_ALIAS or not (sharded() or _public_database):
        return
    target = getattr(tenant, "database", None) or database_of_schema(tenant.schema_name)
    if hasattr(tenant, "database") and tenant.schema_name != _public():
        _shard_of[tenant.schema_name] = tenant.database  # a registry row: the truth, remember it
    current = connection_database(wrapper)
    if target == current:
        return
    if wrapper.in_atomic_block:
        raise ShardSwitchError(
            f"cannot switch to schema {tenant.schema_name!r} on database {target!r} inside a "
            f"transaction on {current!r}"
        )
    if not hasattr(wrapper, "_workershome_directory_settings"):
        wrapper._workershome_directory_settings = dict(wrapper.settings_dict)
    source = (
        wrapper._workershome_directory_settings
        if target == DEFAULT_DB_ALIAS
        else connections.settings[target]
    )
    wrapper.close()
    schema = wrapper.settings_dict.get("SCHEMA")
    wrapper.settings_dict = {**source, "SCHEMA": schema}
    wrapper._workershome_database = target


def shared_alias() -> str:
    """The alias to use for public-only tables now: ``directory`` while the default connection
    is on a union of a shard, ``default`` otherwise (federation/facts.py writes facts with it)."""
    wrapper: Any = connections[DEFAULT_DB_ALIAS]
    if connection_database(wrapper) != DEFAULT_DB_ALIAS and wrapper.schema_name != _public():
        return DIRECTORY_ALIAS
    return DEFAULT_DB_ALIAS


class _SharedAtomic(ContextDecorator):
    """``transaction.atomic`` on ``shared_alias()``, chosen when the block is entered (a
    decorator is applied at import, long before any union is being served)."""

    def __init__(self, *, savepoint: bool = True) -> None:
        self.savepoint = savepoint
        self._atomic: Any = None

    def _recreate_cm(self) -> _SharedAtomic:
        return _SharedAtomic(savepoint=self.savepoint)  # one per call: decorated code may nest

    def __enter__(self) -> None:
        self._atomic = transaction.atomic(using=shared_alias(), savepoint=self.savepoint)
        self._atomic.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._atomic.__exit__(*exc)


F = TypeVar("F", bound=Callable[..., Any])


def shared_atomic(func: F | None = None, *, savepoint: bool = True) -> Any:
    """A transaction for public-only tables: ``@shared_atomic``, ``@shared_atomic(savepoint=False)``
    or ``with shared_atomic():``. On one database (or on the portal) exactly
    ``transaction.atomic()``; in a shard's union, a transaction on the directory's connection.
    ``savepoint=False`` suits handlers that run inside the union's outbox delivery: on one
    database they join its transaction as before, without a savepoint per event."""
    if func is not None:
        return _SharedAtomic(savepoint=savepoint)(func)
    return _SharedAtomic(savepoint=savepoint)


_public_only_labels: frozenset[str] | None = None


def public_only_labels() -> frozenset[str]:
    """App labels of the apps that live only in the public schema (SHARED_APPS minus TENANT_APPS)."""
    global _public_only_labels
    if _public_only_labels is None:
        from django.apps import apps

        tenant = set(settings.TENANT_APPS)
        _public_only_labels = frozenset(
            config.label
            for config in apps.get_app_configs()
            if config.name in settings.SHARED_APPS and config.name not in tenant
        )
    return _public_only_labels


class ShardRouter:
    """Routes public-only models to the directory while a shard's union is being served.

    Answers nothing on one database (the routers after it and Django's default decide, as
    before). With shards it always answers, so an object read from the directory never drags a
    union model's query onto the directory connection by Django's "same database as the
    instance" fallback.
    """

    def _route(self, model: Any) -> str | None:
        if not sharded():
            return None
        if model._meta.app_label in public_only_labels():
            return shared_alias()
        return DEFAULT_DB_ALIAS

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # A union's row refers to public rows by id without a database constraint.
        return True if sharded() else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return None  # django-tenants' router decides (it migrates through ``default`` only)
