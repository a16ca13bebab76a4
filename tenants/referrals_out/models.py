"""Referrals a union sends across the three levels (转介), as the sending union keeps them.

An ``OutgoingReferral`` is the sender's side of a work order: which case (of any kind; a
mediation case once it failed), who receives it (the union's street service station, its
district's or the city's service centre, or a sister union), the worker's consent to share,
what the sender chose to share, the difficulty, and the status as the receiver last reported
it (a task in the union's schema copies it from the public ``stations.StationReferral``), with
the worker's rating at the end. A declined referral may be re-sent once: the new one points
at it (``previous``), so the history stays visible.

What sister unions refer *to* this union is not stored here: the receiving union reads the
public record, which holds only what the sender shared (see ``received_views``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stations.models import Difficulty, ReceiverKind, ReferralStatus
from tenants.cases.models import Case
from tenants.privacy.fields import EncryptedTextField
from tenants.privacy.models import Consent
from workershome.deletion import SET_NULL_IN_UNIONS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SharedItem(models.TextChoices):
    """What the sender may choose to share (the kind of case always goes). The last four exist
    for mediation cases only (``MEDIATION_ITEMS``)."""

    WORKER_NAME = "worker_name", _("The worker's name")
    CONTACT = "contact", _("The worker's contact")
    SUBJECT = "subject", _("The subject of the case")
    DETAILS = "details", _("The details of the case")
    RESPONDENT = "respondent", _("The respondent")
    CLAIM = "claim", _("The dispute and what the worker asks for")
    AMOUNT = "amount", _("Amount claimed")
    MEDIATION_NOTE = "mediation_note", _("Why the mediation failed")


MEDIATION_ITEMS = (SharedItem.RESPONDENT, SharedItem.CLAIM, SharedItem.AMOUNT, SharedItem.MEDIATION_NOTE)


def items_for(case_kind: str) -> list[tuple[str, StrOrPromise]]:
    """The items a case of ``case_kind`` can share."""
    return [
        (value, label)
        for value, label in SharedItem.choices
        if case_kind == "mediation" or value not in MEDIATION_ITEMS
    ]


class OutgoingReferral(models.Model):
    """One case this union referred to a receiver at some level, and where it stands there."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="outgoing_referrals", verbose_name=_("case")
    )
    receiver_kind = models.CharField(
        _("sent to"), max_length=10, choices=ReceiverKind.choices, default=ReceiverKind.STATION
    )
    # The sister union's schema, when the receiver is a sister union (the registry's key).
    receiver_union_schema = models.CharField(_("sister union"), max_length=63, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resent_as",
        verbose_name=_("re-sends the declined referral"),
    )  # fmt: skip
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    shared = models.JSONField(_("shared with the receiver"), default=list)
    difficulty = models.CharField(_("difficulty"), max_length=10, choices=Difficulty.choices)
    note = EncryptedTextField(_("note to the receiver"), blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    status_note = models.TextField(_("receiver's note"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("sent by"),
    )  # fmt: skip
    rating = models.PositiveSmallIntegerField(_("worker's rating"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("outgoing referral")
        verbose_name_plural = _("outgoing referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(status="closed") & Q(rating__gte=1) & Q(rating__lte=5)),
                name="outgoing_referral_rating_when_closed",
            ),
            models.CheckConstraint(
                condition=(Q(receiver_kind="union") & ~Q(receiver_union_schema=""))
                | (~Q(receiver_kind="union") & Q(receiver_union_schema="")),
                name="outgoing_referral_sister_union_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.receiver_name}"

    @property
    def reference(self) -> str:
        return self.case.reference

    @property
    def shared_labels(self) -> list[str]:
        return [str(SharedItem(item).label) for item in self.shared if item in SharedItem.values]

    @property
    def history(self) -> list[OutgoingReferral]:
        """The declined referrals this one re-sends, newest first."""
        chain: list[OutgoingReferral] = []
        current = self.previous
        while current is not None and len(chain) < 20:
            chain.append(current)
            current = current.previous
        return chain
