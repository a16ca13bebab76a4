"""Notify people through the configured channels."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from workershome.tenancy import on_commit_in_schema

from .channels import Message

ALL_CHANNELS = ("site", "sms", "email")


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    channels: Iterable[str] = ALL_CHANNELS,
    at: datetime.datetime | None = None,
) -> None:
    """Tell each recipient (local users) on each channel.

    The in-site notification is written now, in the caller's transaction; SMS and email go out
    from a task after commit, so a rolled-back change never sends a message.
    """
    message = Message(title=str(title), body=str(body), url=url, at=at)
    people = [person for person in recipients if person is not None]
    channels = tuple(channels)
    if "site" in channels:
        site = import_string(settings.NOTIFICATION_CHANNELS["site"])()
        for person in people:
            site.send(person, message)
    outbound = tuple(name for name in channels if name != "site")
    if outbound and people:
        from .tasks import notification_deliver

        ids = [person.pk for person in people]
        payload = {"title": message.title, "body": message.body, "url": message.url}
        on_commit_in_schema(
            lambda: notification_deliver.delay(user_ids=ids, message=payload, channels=list(outbound))
        )


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    from .models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
