"""Writes for a worker's private calendar feed: turning it on, renewing its address, turning
it off. The address carries a secret token (``CalendarToken``); a new one makes the old address
stop working at once, which is how a worker shuts out anyone they shared it with by mistake."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workershome.errors import ServiceError

from .models import CalendarToken, _calendar_token


def _check_user(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError("not_signed_in", _("Sign in to subscribe to your calendar."), status=403)


@transaction.atomic
def calendar_token_issue(*, user) -> CalendarToken:
    """The worker's token, made on first use (the same one on later calls)."""
    _check_user(user)
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def calendar_token_renew(*, user) -> CalendarToken:
    """A new token for the worker: the old address stops working."""
    _check_user(user)
    token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        token.token = _calendar_token()
        token.save(update_fields=["token"])
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> bool:
    """Turn the private feed off; ``True`` if there was one."""
    _check_user(user)
    deleted, _ = CalendarToken.objects.filter(user=user).delete()
    return bool(deleted)
