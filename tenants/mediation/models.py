"""Labour-dispute mediation (劳动争议调解): legal consultations and mediation cases.

A ``Consultation`` (法律咨询) is a worker's legal question and the answer a mediator or officer
gives, with the law cited: asked online by a signed-in member or logged from a visit or a call.
A ``MediationCase`` is a dispute the union's mediation committee mediates between a worker and
the employer (or one of its departments); it is a restricted case of kind ``mediation`` on the
case engine, so it runs the published procedure, but the case itself never holds the dispute's
details: they live here, encrypted at rest (``tenants.privacy.fields``), read only by mediators
and the chairman, every read written to the privacy audit log.

The statutory limit (《劳动争议调解仲裁法》第十四条): the mediation ends within 15 days of
acceptance, unless the parties agree to extend it (``LimitExtension``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.cases.models import Case
from tenants.privacy.fields import EncryptedTextField
from tenants.privacy.models import Consent
from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS

# The most a claim or an agreement can be worth; more is taken for a typing error.
MAX_AMOUNT = 10_000_000


class ClaimKind(models.TextChoices):
    """What the dispute (or the question) is about."""

    WAGES = "wages", _("Wages")
    CONTRACT = "contract", _("Labour contract")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    WORK_INJURY = "work_injury", _("Work injury")
    WORKING_HOURS = "working_hours", _("Working hours and overtime")
    DISMISSAL = "dismissal", _("Dismissal")
    OTHER = "other", _("Other")


class Consultation(models.Model):
    """A legal consultation (法律咨询): a worker's question, and the answer with the law cited."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Asked online")
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone call")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="consultations",
        verbose_name=_("worker"),
    )  # fmt: skip
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    claim_kind = models.CharField(_("topic"), max_length=20, choices=ClaimKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    question = EncryptedTextField(_("question"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    answer = models.TextField(_("answer"), blank=True)
    law_cited = models.CharField(_("law cited"), max_length=300, blank=True)
    asked_at = models.DateTimeField(_("asked"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("logged by"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("legal consultation")
        verbose_name_plural = _("legal consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="consultation_answered_has_answer",
            )
        ]

    def __str__(self) -> str:
        return f"ZX-{self.asked_at:%Y}-{self.pk or 0:06d}"

    @property
    def reference(self) -> str:
        return str(self)


class MediationCase(models.Model):
    """A labour dispute the union mediates: the parties, the claim, the amounts, the statutory
    limit, the sessions held and how it ended (agreement, referral or withdrawal)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Being mediated")
        CLOSED = "closed", _("Closed")

    class RespondentKind(models.TextChoices):
        EMPLOYER = "employer", _("The employer")
        DEPARTMENT = "department", _("A department of the employer")

    class Outcome(models.TextChoices):
        SETTLED = "settled", _("Settled by agreement")
        FAILED = "failed", _("Mediation failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class ReferralTarget(models.TextChoices):
        ARBITRATION = "arbitration", _("Labour arbitration")
        LEGAL_AID = "legal_aid", _("Legal aid")
        SERVICE_STATION = "service_station", _("Street union service station")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="mediation")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="mediation_cases",
        verbose_name=_("applicant"),
    )  # fmt: skip
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
        verbose_name=_("from the consultation"),
    )  # fmt: skip
    respondent_kind = models.CharField(_("respondent"), max_length=20, choices=RespondentKind.choices)
    respondent_name = models.CharField(_("respondent's name"), max_length=200)
    claim_kind = models.CharField(_("claim"), max_length=20, choices=ClaimKind.choices)
    claim = EncryptedTextField(_("the dispute and what the worker asks for"))
    amount_claimed = models.DecimalField(
        _("amount claimed (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("mediator in charge"),
    )  # fmt: skip
    applied_at = models.DateTimeField(_("applied"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # The day the mediation must end: acceptance + 15 days, or the extended day.
    ends_on = models.DateField(_("mediation ends by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    within_limit = models.BooleanField(_("ended within the limit"), null=True, blank=True)
    amount_agreed = models.DecimalField(
        _("amount agreed (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    agreement_terms = EncryptedTextField(_("terms of the agreement"), blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_pdf = models.FileField(_("mediation agreement (PDF)"), max_length=200, blank=True)
    referral_target = models.CharField(
        _("referred to"), max_length=20, choices=ReferralTarget.choices, blank=True
    )
    closing_note = EncryptedTextField(_("note on the outcome"), blank=True)
    # The scan's memory (idempotent): the end day already reminded about, and flagged as passed.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    overdue_flagged_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        indexes = [models.Index(fields=["ends_on"], name="mediation_ends_on", condition=Q(status="accepted"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_claimed__gte=0) & Q(amount_claimed__lte=MAX_AMOUNT),
                name="mediation_amount_claimed_bounds",
            ),
            models.CheckConstraint(
                condition=Q(amount_agreed__isnull=True)
                | (Q(amount_agreed__gte=0) & Q(amount_agreed__lte=MAX_AMOUNT)),
                name="mediation_amount_agreed_bounds",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | (Q(accepted_at__isnull=False) & Q(ends_on__isnull=False)),
                name="mediation_accepted_has_limit",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="mediation_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="failed") | ~Q(referral_target=""), name="mediation_failed_is_referred"
            ),
        ]

    def __str__(self) -> str:
        return self.case.reference if self.case_id else f"mediation case {self.pk}"

    @property
    def reference(self) -> str:
        return self.case.reference


class LimitExtension(models.Model):
    """The parties agreed to extend the mediation beyond its end day: why, and until when."""

    mediation = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField(_("previous end day"))
    new_end = models.DateField(_("new end day"))
    reason = EncryptedTextField(_("reason agreed by the parties"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("extension of the limit")
        verbose_name_plural = _("extensions of the limit")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end__gt=models.F("previous_end")), name="extension_is_later"
            )
        ]

    def __str__(self) -> str:
        return f"{self.previous_end:%Y-%m-%d} → {self.new_end:%Y-%m-%d}"


class MediationSession(models.Model):
    """One mediation session (调解): when, where, who attended, and the minutes (调解笔录)."""

    mediation = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    attendees = EncryptedTextField(_("attendees"))
    minutes = EncryptedTextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        constraints = [
            models.UniqueConstraint(fields=["mediation", "number"], name="mediation_session_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.held_on:%Y-%m-%d}"


def agreement_path(case: MediationCase) -> str:
    """Private media: never served from /media/, only through the permission-checked views."""
    return f"private/mediation/{case.pk}/{uuid.uuid4().hex}.pdf"


def agreement_filename(case: MediationCase) -> str:
    return f"{case.reference}-调解协议书.pdf"
