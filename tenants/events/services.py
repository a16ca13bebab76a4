"""Writing federation events."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent

# Keys a payload may never carry: the federation counts, it does not know people.
_PERSONAL_KEYS = frozenset(
    {"name", "mobile", "email", "requester", "account", "user", "ip", "text", "description"}
)


def event_emit(
    *, name: str, payload: dict[str, Any] | None = None, at: datetime.datetime | None = None
) -> OutboxEvent:
    """Record ``name`` in the union's outbox, inside the caller's transaction.

    Raises ``ValueError`` for a payload key that could carry personal data; that is a
    programming error, never user input.
    """
    payload = payload or {}
    leaked = _PERSONAL_KEYS & set(payload)
    if leaked:
        raise ValueError(f"personal data in event payload: {sorted(leaked)}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_emit must run inside the transaction of the change it records")
    return OutboxEvent.objects.create(name=name, payload=payload, occurred_at=at or timezone.now())
