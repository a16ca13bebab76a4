"""Writes of the portal's notifications: telling portal staff, marking read, and retention."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from workershome.shards import shared_atomic
from workershome.tenancy import on_portal

from .models import NotificationKind, PortalNotification

# Read notifications older than this many days are deleted by the daily sweep (setting
# ``PORTAL_NOTIFICATIONS_KEEP_READ_DAYS``); unread ones are kept.
DEFAULT_KEEP_READ_DAYS = 180


def portal_notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    key: str = "",
    replaces: str = "",
) -> int:
    """Write one in-site notification to each recipient: portal users (public schema) holding a
    federation role, active. With ``key``, a recipient already told of that event is not told
    again (a repeated task, a re-queued notice). With ``replaces`` (a key prefix), each
    recipient's earlier *unread* notifications whose key starts with it (other than ``key``
    itself) are deleted in the same transaction, before the new one is written: a reminder
    replaces the reminders still unread, read ones stay. Runs on the public schema whatever the
    caller's; returns how many recipients it addressed."""
    from tenants.users.models import User

    if kind not in NotificationKind.values:
        raise ValueError(f"unknown portal notification kind {kind!r}")
    ids = sorted({person.pk for person in recipients if person is not None and person.pk is not None})
    if not ids:
        return 0
    key = str(key or "")[:100]
    with schema_context(get_public_schema_name()), shared_atomic():
        # Only staff of the portal: a union's user id (another table) never gets a portal row.
        staff = list(
            User.objects.filter(pk__in=ids, is_active=True, federation_roles__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        )
        if replaces and staff:
            PortalNotification.objects.filter(
                recipient_id__in=staff, read_at__isnull=True, key__startswith=str(replaces)
            ).exclude(key=key).delete()
        rows = [
            PortalNotification(
                recipient_id=pk, kind=kind, title=str(title)[:200], body=str(body or ""), link=str(link or "")[:300],
                key=key,
            )
            for pk in staff
        ]  # fmt: skip
        PortalNotification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    return len(rows)


def portal_notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own unread notifications read (all, or those of ``ids``); returns how
    many. Someone else's ids change nothing. Only on the portal."""
    if not (on_portal() and getattr(user, "is_authenticated", False)):
        return 0
    unread = PortalNotification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def portal_notifications_purge(*, now: datetime.datetime | None = None, batch: int = 5000) -> int:
    """Retention: delete read notifications created more than the kept number of days ago, in
    batches (short transactions on a large table). Unread ones stay. Idempotent; returns how
    many were deleted."""
    days = int(getattr(settings, "PORTAL_NOTIFICATIONS_KEEP_READ_DAYS", DEFAULT_KEEP_READ_DAYS))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted = 0
    with schema_context(get_public_schema_name()):
        old = PortalNotification.objects.filter(read_at__isnull=False, created_at__lt=cutoff)
        while True:
            pks = list(old.order_by("pk").values_list("pk", flat=True)[:batch])
            if not pks:
                return deleted
            deleted += PortalNotification.objects.filter(pk__in=pks).delete()[0]
