"""Writing federation events."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from workershome.tenancy import current_schema

from .models import OutboxEvent

# Keys a payload may never carry: the federation counts, it does not know people.
_PERSONAL_KEYS = frozenset(
    {"name", "mobile", "email", "requester", "account", "user", "ip", "text", "description"}
)


def event_emit(
    *,
    name: str,
    payload: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> OutboxEvent:
    """Record ``name`` in the union's outbox, inside the caller's transaction.

    ``event_id``: a deterministic id for an event that a repeated task could emit twice (derive
    it with ``uuid.uuid5`` from what the event is about); an event with that id already in the
    outbox is returned instead of a second one, and the federation counts an id once.

    Raises ``ValueError`` for a payload key that could carry personal data; that is a
    programming error, never user input.
    """
    payload = payload or {}
    leaked = _PERSONAL_KEYS & set(payload)
    if leaked:
        raise ValueError(f"personal data in event payload: {sorted(leaked)}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_emit must run inside the transaction of the change it records")
    if event_id is not None:
        existing = OutboxEvent.objects.filter(pk=event_id).first()
        if existing is not None:
            return existing
        event = OutboxEvent.objects.create(
            id=event_id, name=name, payload=payload, occurred_at=at or timezone.now()
        )
    else:
        event = OutboxEvent.objects.create(name=name, payload=payload, occurred_at=at or timezone.now())
    _delivery_schedule()
    return event


def _delivery_schedule() -> None:
    """Deliver the union's outbox once the current transaction commits: one task per
    transaction, however many events it wrote (the minute's sweep delivers anything whose task
    is lost). Pending commit hooks are searched for ours, so a rolled-back transaction or
    savepoint, which drops its hooks, leaves nothing stale behind."""
    connection = transaction.get_connection()
    schema = current_schema()
    if any(
        getattr(hook, "outbox_schema", None) == schema for _sids, hook, _robust in connection.run_on_commit
    ):
        return

    def deliver() -> None:
        from .tasks import outbox_deliver

        with schema_context(schema):
            outbox_deliver.delay()

    deliver.outbox_schema = schema  # type: ignore[attr-defined]
    # robust: a broker that is down must not turn the committed change into an error page.
    transaction.on_commit(deliver, robust=True)
