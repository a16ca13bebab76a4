"""Delivering the union's outbox to the federation layer, exactly once in effect.

Each event name that the federation takes has a handler, registered by the app that owns the
event (``handler_register`` in its ``AppConfig.ready``). Delivery runs in the union's schema:
it locks one undelivered row with ``SELECT … FOR UPDATE SKIP LOCKED``, runs its handler and
marks the row dispatched, all in one transaction. So:

- a worker that dies half-way leaves nothing behind (its transaction rolls back, the row lock
  goes with its connection) and the next run delivers the event again;
- two runs at once never deliver the same event (the second skips the locked row, and once the
  first commits the row is no longer undelivered);
- handlers write idempotently, keyed on the event id, so even a delivery repeated after a lost
  commit acknowledgement changes nothing.

Every event is also a counted fact for the federation: a *fact sink* (registered by the
federation layer with ``fact_sink_register``) receives every delivered event in the same
transaction. Events with a handler of their own are delivered one per transaction (the sink and
then the handler); events that are facts only (``case.opened`` and most others) are delivered
in batches, many rows per transaction, which is what keeps the minute's sweep cheap. Without a
sink (never in a configured platform) events without a handler are left undispatched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from workershome.tenancy import on_commit_in_schema

from .models import OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], object]
FactSink = Callable[[list[OutboxEvent]], object]
_handlers: dict[str, Handler] = {}
_fact_sinks: list[FactSink] = []

FACT_BATCH_SIZE = 200


def fact_sink_register(sink: FactSink) -> None:
    """Give every delivered event to ``sink(events)`` too, inside the delivery's transaction, in
    the union's schema; it must be idempotent on the events' ids."""
    if sink not in _fact_sinks:
        _fact_sinks.append(sink)


def _sink(events: list[OutboxEvent]) -> None:
    for sink in _fact_sinks:
        sink(events)


def handler_register(name: str, handler: Handler) -> None:
    """Deliver events called ``name`` with ``handler(event)``; it runs inside the delivery's
    transaction, in the union's schema, and must be idempotent on ``event.id``."""
    _handlers[name] = handler


def handler_for(name: str) -> Handler | None:
    return _handlers.get(name)


def handled_names() -> list[str]:
    return sorted(_handlers)


class OutboxDeliveryError(Exception):
    """Some events could not be delivered this time; they stay undelivered for the next run."""


@dataclass
class DeliveryResult:
    delivered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _test_barrier() -> None:
    """Tests only (``OUTBOX_TEST_BARRIER``): wait on a PostgreSQL advisory lock the test holds,
    inside the delivery's transaction after the handler ran, so a test can kill the worker at
    exactly that point. Unset in every real deployment."""
    key = getattr(settings, "OUTBOX_TEST_BARRIER", None)
    if key is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key)])


def _deliver_next(*, event_id: str | None, skip: list[str], picked: list[str]) -> OutboxEvent | None:
    """Deliver one undelivered event (the oldest, or ``event_id``) in one transaction; the id of
    the event it picked is appended to ``picked`` before its handler runs."""
    with transaction.atomic():
        rows = OutboxEvent.objects.select_for_update(skip_locked=True).filter(
            dispatched_at__isnull=True, name__in=handled_names()
        )
        if event_id is not None:
            rows = rows.filter(pk=event_id)
        if skip:
            rows = rows.exclude(pk__in=skip)
        event = rows.order_by("occurred_at", "pk").first()
        if event is None:
            return None
        picked.append(str(event.pk))
        handler = handler_for(event.name)
        assert handler is not None
        _sink([event])
        handler(event)
        _test_barrier()
        event.dispatched_at = timezone.now()
        event.attempts += 1
        event.save(update_fields=["dispatched_at", "attempts"])
        return event


def _deliver_facts_batch(*, event_id: str | None, size: int) -> list[str]:
    """Deliver up to ``size`` undelivered facts-only events (no handler of their own) in one
    transaction: the sink takes them all, then they are marked dispatched together."""
    if not _fact_sinks:
        return []
    with transaction.atomic():
        rows = OutboxEvent.objects.select_for_update(skip_locked=True).filter(dispatched_at__isnull=True)
        rows = rows.exclude(name__in=handled_names())
        if event_id is not None:
            rows = rows.filter(pk=event_id)
        events = list(rows.order_by("occurred_at", "pk")[:size])
        if not events:
            return []
        _sink(events)
        _test_barrier()
        OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(
            dispatched_at=timezone.now(), attempts=F("attempts") + 1
        )
        return [str(event.pk) for event in events]


def outbox_deliver_pending(*, event_id: str | None = None, limit: int = 500) -> DeliveryResult:
    """Deliver this union's undelivered events (or only ``event_id``): facts-only events in
    batches, then events with a handler one at a time.

    A failing handler rolls back its own event only: the failure is counted on the row
    (``attempts``) and the other events are still delivered. A failing sink fails its batch,
    which stays undelivered for the next run.
    """
    result = DeliveryResult()
    while len(result.delivered) < limit:
        batch = _deliver_facts_batch(
            event_id=event_id, size=min(FACT_BATCH_SIZE, limit - len(result.delivered))
        )
        result.delivered.extend(batch)
        if len(batch) < FACT_BATCH_SIZE or event_id is not None:
            break
    if event_id is not None and result.delivered:
        return result
    while len(result.delivered) + len(result.failed) < limit:
        picked: list[str] = []
        try:
            event = _deliver_next(event_id=event_id, skip=result.failed, picked=picked)
        except Exception:
            if not picked:
                raise  # the database itself failed, not one event's handler
            logger.exception("outbox event %s not delivered", picked[0])
            OutboxEvent.objects.filter(pk=picked[0]).update(attempts=F("attempts") + 1)
            result.failed.append(picked[0])
            if event_id is not None:
                break
            continue
        if event is None:
            break
        result.delivered.append(str(event.pk))
        if event_id is not None:
            break
    return result


def outbox_deliver_on_commit(event: OutboxEvent) -> None:
    """Queue the delivery of ``event`` once the transaction that wrote it commits, in this
    union's schema. If the queueing is lost too, the periodic sweep still delivers it."""
    from .tasks import outbox_deliver

    event_id = str(event.pk)
    # robust: a broker that is down must not turn the committed report into an error page;
    # the sweep delivers the event once the broker is back.
    on_commit_in_schema(lambda: outbox_deliver.delay(event_id=event_id), robust=True)
