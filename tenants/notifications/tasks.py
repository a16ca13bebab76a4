from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string

from tenants.users.models import User

from .channels import Message


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_deliver(*, user_ids: list[int], message: dict, channels: list[str]) -> None:
    """Send one message to users on the outbound channels (SMS, email), in the union's schema."""
    text = Message(**message)
    for name in channels:
        channel = import_string(settings.NOTIFICATION_CHANNELS[name])()
        for user in User.objects.filter(pk__in=user_ids, is_active=True):
            channel.send(user, text)
