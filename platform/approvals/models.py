"""Upward approvals (上级工会审批): what a union asks its district federation to approve.

A union app sends a request up through its outbox; the delivery handler calls
``services.approval_request_receive`` inside the union's delivery transaction, keyed by the
outbox event's id, so delivering the same event twice changes nothing. The administrators of the
union's district (the city's when it has none) are told in their portal notifications after
commit (``approval_arrival_tell``, once per request). District administrators of the union's
district (or city administrators) approve or return it on the portal; the
decision is carried back into the union's schema by the task the requesting app registered for
its kind (``registry.approval_kind_register``). Generic: elections use it for the election plan
and the election result; other upward approvals can register their own kinds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workershome.deletion import SET_NULL_ON_PORTAL


class ApprovalRequest(models.Model):
    """One request a union sent up for approval, as the federation received it: which union and
    district, what kind of thing, the union-side object's uuid, the summary the district needs
    to decide (label/value pairs the union wrote), and the decision with its comment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", pgettext_lazy("approval status", "Returned")

    event_id = models.UUIDField(unique=True, editable=False)
    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="approval_requests", verbose_name=_("union")
    )
    district = models.ForeignKey(
        "federation.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("district"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=40)
    object_uuid = models.UUIDField(_("object"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.JSONField(_("summary"), default=list)
    submitted_at = models.DateTimeField(_("submitted"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_ON_PORTAL, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_by_name = models.CharField(_("decided by"), max_length=50, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [
            models.Index(fields=["district", "status"], name="approval_district_status"),
            models.Index(fields=["union", "kind", "object_uuid"], name="approval_object"),
        ]
        constraints = [
            models.CheckConstraint(
                name="approval_decided_when_not_pending",
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return self.title
