"""What the federation portal's staff are told, kept until read (and a while after).

Unions have in-site notifications in their own schemas (``tenants.notifications``); the portal's
staff — service-station staff, district and city administrators, who are users of the public
schema — had only email and SMS. A ``PortalNotification`` is one message to one portal user:
a referral that arrived for them, one escalated to them, a booking of their station's resource
or a decision on their station's booking, a collective-incident warning of their district, a
union's request for the district's approval (上级审批).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workershome.deletion import CASCADE_ON_PORTAL


class NotificationKind(models.TextChoices):
    """What the notification is about (the list page filters and labels by it)."""

    REFERRAL = "referral", _("New referral")
    ESCALATION = "escalation", _("Referral escalated")
    BOOKING = "booking", _("Shared resource booking")
    WARNING = "warning", _("Collective-incident warning")
    APPROVAL = "approval", _("Approval requested")


class PortalNotification(models.Model):
    """A message to one portal user, shown in the portal's admin (the bell) and by the API.

    ``key`` names the event the message is about (for example ``referral:12:arrived``): one
    recipient gets one notification per key, so a repeated task never tells anyone twice."""

    recipient = models.ForeignKey(
        # Only a portal user's deletion cascades: a union's user with the same id is another person.
        settings.AUTH_USER_MODEL,
        on_delete=CASCADE_ON_PORTAL,
        related_name="portal_notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("event"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("portal notification")
        verbose_name_plural = _("portal notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="portal_notification_inbox"),
            models.Index(
                fields=["recipient"], name="portal_notification_unread", condition=Q(read_at__isnull=True)
            ),
            # The retention sweep deletes read notifications by age.
            models.Index(
                fields=["created_at"], name="portal_notification_read_age", condition=Q(read_at__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="portal_notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
