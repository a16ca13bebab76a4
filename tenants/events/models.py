"""The union's outbox: domain events for the federation, written in the same transaction."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """One thing that happened in this union that the federation counts (数据上报).

    Written in the same transaction as the change it records, so it exists exactly when the
    change does. The payload holds counted facts only (kinds, levels, dates, numbers), never a
    name, a mobile number or free text about a person. The federation layer copies rows into its
    fact tables, idempotent on ``id``, and marks them dispatched.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("event"), max_length=50)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["occurred_at"]
        verbose_name = _("federation event")
        verbose_name_plural = _("federation events")
        indexes = [
            models.Index(
                fields=["occurred_at"], name="outbox_pending", condition=models.Q(dispatched_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.occurred_at:%Y-%m-%d %H:%M}"
