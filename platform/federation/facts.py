"""The facts pipeline: every union's outbox, copied into the federation's ``Fact`` table.

``facts_receive`` is the outbox's fact sink (registered in ``apps``): the union's delivery calls
it inside its transaction, in the union's schema, whose search path reaches the public tables.
The facts and the outbox rows' "dispatched" marks commit together or not at all, and
``Fact.event_id`` is unique with conflicts ignored, so a repeated delivery changes nothing; the
facts that were new are counted into the monthly rollup (``rollup``) in the same transaction.

A few facts also keep the registry up to date (``fact_reaction_register``): the roster's counts
set the union's member count. Reactions read the facts, never the union's tables.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tenants.events.models import OutboxEvent
from tenants.registry.models import Union
from workershome.shards import shared_alias
from workershome.tenancy import current_schema

from .models import Fact
from .rollup import rollup_add

Reaction = Callable[[Union], None]
_reactions: dict[str, Reaction] = {}


def fact_reaction_register(name: str, reaction: Reaction) -> None:
    """Run ``reaction(union)`` after facts called ``name`` arrive from ``union`` (in the same
    transaction); it must derive its result from the facts, so that it is idempotent."""
    _reactions[name] = reaction


def facts_receive(events: list[OutboxEvent]) -> int:
    """Copy ``events`` of the current union into the fact table; returns how many were new."""
    if not events:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("facts_receive must run inside the outbox delivery's transaction")
    # The fact table is the directory's; a union on a shard writes it through the directory's
    # connection, facts and rollup in one transaction there (replays are ignored by event id).
    using = shared_alias()
    if using == DEFAULT_DB_ALIAS:
        return _facts_receive(events, using=using)
    with transaction.atomic(using=using):
        return _facts_receive(events, using=using)


def _facts_receive(events: list[OutboxEvent], *, using: str) -> int:
    union = Union.objects.only("pk", "district_id", "street_id").get(schema_name=current_schema())
    now = timezone.now()
    facts = [
        Fact(
            event_id=event.pk,
            union_id=union.pk,
            district_id=union.district_id,
            street_id=union.street_id,
            name=event.name,
            occurred_at=event.occurred_at,
            received_at=now,
            payload=event.payload,
        )
        for event in events
    ]
    new = _facts_insert(facts, using=using)
    rollup_add((fact for fact in facts if fact.event_id in new), using=using)
    for name in {event.name for event in events} & set(_reactions):
        _reactions[name](union)
    return len(new)


def _facts_insert(facts: list[Fact], *, using: str = DEFAULT_DB_ALIAS) -> set:
    """Insert ``facts``, skipping those already received; returns the event ids that were new
    (``INSERT … ON CONFLICT DO NOTHING RETURNING``: exact even if two deliveries race)."""
    table = Fact._meta.db_table
    fields = [
        "event_id",
        "union_id",
        "district_id",
        "street_id",
        "name",
        "occurred_at",
        "received_at",
        "payload",
    ]
    row = "(%s, %s, %s, %s, %s, %s, %s, %s::jsonb)"
    params: list[Any] = []
    for fact in facts:
        params += [fact.event_id, fact.union_id, fact.district_id, fact.street_id, fact.name,
                   fact.occurred_at, fact.received_at, json.dumps(fact.payload, cls=DjangoJSONEncoder)]  # fmt: skip
    columns_sql = ", ".join(f'"{f}"' for f in fields)
    sql = (
        f'INSERT INTO "{table}" ({columns_sql}) VALUES '
        + ", ".join([row] * len(facts))
        + ' ON CONFLICT ("event_id") DO NOTHING RETURNING "event_id"'
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return {event_id for (event_id,) in cursor.fetchall()}


def union_member_count_sync(union: Union) -> None:
    """The registry's member count is the active members of the union's latest roster count."""
    latest = (
        Fact.objects.filter(union_id=union.pk, name="membership.roster_counted")
        .order_by("-occurred_at", "-pk")
        .values_list("payload", flat=True)
        .first()
    )
    if latest is not None and isinstance(latest.get("active"), int):
        Union.objects.filter(pk=union.pk).exclude(member_count=latest["active"]).update(
            member_count=latest["active"]
        )


# --- Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineLag:
    """How fast facts reach the federation, over the facts received in a window."""

    facts: int
    p50: datetime.timedelta | None
    p95: datetime.timedelta | None
    worst: datetime.timedelta | None
    last_received_at: datetime.datetime | None


def facts_lag(*, since: datetime.datetime | None = None) -> PipelineLag:
    """The delivery lag (received − occurred) of the facts received since ``since`` (default:
    the last hour), as percentiles computed by PostgreSQL."""
    since = since or timezone.now() - datetime.timedelta(hours=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY received_at - occurred_at),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY received_at - occurred_at),
                   max(received_at - occurred_at),
                   (SELECT max(received_at) FROM {Fact._meta.db_table})
              FROM {Fact._meta.db_table} WHERE received_at >= %s
            """,
            [since],
        )
        count, p50, p95, worst, last = cursor.fetchone()
    return PipelineLag(facts=count, p50=p50, p95=p95, worst=worst, last_received_at=last)


def facts_of(*, name: str, since: datetime.datetime | None = None) -> QuerySet[Fact]:
    facts = Fact.objects.filter(name=name)
    return facts.filter(occurred_at__gte=since) if since is not None else facts
