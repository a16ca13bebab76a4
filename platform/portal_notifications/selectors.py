"""What a portal user reads of the portal's notifications: their own, on the portal only.

A union's host never shows them: there the signed-in user is a union's user, whose id may equal
a portal user's, so every read starts from ``on_portal()``."""

from __future__ import annotations

from django.db.models import QuerySet

from workershome.tenancy import on_portal

from .models import PortalNotification


def _signed_in_on_portal(user) -> bool:
    return bool(on_portal() and getattr(user, "is_authenticated", False) and user.is_active)


def portal_notifications_for(user, *, unread_only: bool = False) -> QuerySet[PortalNotification]:
    """The signed-in portal user's notifications, newest first; none anywhere else."""
    if not _signed_in_on_portal(user):
        return PortalNotification.objects.none()
    notifications = PortalNotification.objects.filter(recipient=user)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def portal_unread_count(user) -> int:
    """The number on the bell."""
    if not _signed_in_on_portal(user):
        return 0
    return PortalNotification.objects.filter(recipient=user, read_at__isnull=True).count()
