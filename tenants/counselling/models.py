"""Counselling (心理疏导：缓解压力，疏导情绪): counsellors, their slots, workers' appointments,
session notes that only their author reads, and counselling lectures held as activities.

Appointments are not cases of the case engine: the engine shows every case to the chairman and
in timelines, and that a worker sees a counsellor is itself health data. The ``counselling``
kind of case is registered only to publish the procedure as a flowchart (亮程序, ``kinds.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.privacy.fields import EncryptedTextField
from tenants.privacy.models import Consent
from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


class Counsellor(models.Model):
    """A person who holds counselling sessions for the union's workers: a union staff member with
    the ``counsellor`` role, or a hired professional (外聘心理咨询师).

    ``user`` is their account in this union, when they have one. Only a counsellor with an
    account can take appointments: appointments and notes are shown to the counsellor alone, so
    the counsellor must be able to sign in to see them.
    """

    name = models.CharField(_("name"), max_length=50)
    qualification = models.CharField(
        _("qualification"),
        max_length=200,
        help_text=_("For example: National psychological counsellor, level 2."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("photo"),
    )  # fmt: skip
    hired = models.BooleanField(_("hired professional"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS,
        related_name="counsellor_profile", verbose_name=_("account in this union"),
    )  # fmt: skip
    active = models.BooleanField(_("taking appointments"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["hired", "name", "pk"]
        verbose_name = _("counsellor")
        verbose_name_plural = _("counsellors")

    def __str__(self) -> str:
        return self.name


class CounsellingSlot(models.Model):
    """One time a counsellor is available for a one-to-one talk (usually in the stress-relief room).

    Slots are explicit rows: the admin adds a weekly pattern for some weeks at once, which
    creates the rows, and a single slot can then be removed or added without touching the rest.
    """

    counsellor = models.ForeignKey(
        Counsellor, on_delete=models.CASCADE, related_name="slots", verbose_name=_("counsellor")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("counselling slot")
        verbose_name_plural = _("counselling slots")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="counselling_slot_times"),
            models.UniqueConstraint(fields=["counsellor", "starts_at"], name="counselling_slot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {self.starts_at:%Y-%m-%d %H:%M}"


class Appointment(models.Model):
    """A worker's appointment for one slot, made after their consent to the purpose stated.

    A slot holds at most one live appointment (booked, held or missed): the partial unique
    constraint refuses a second one even when two bookings race each other.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Did not come")

    slot = models.ForeignKey(
        CounsellingSlot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=CASCADE_IN_UNIONS, related_name="counselling_appointments",
        verbose_name=_("worker"),
    )  # fmt: skip
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    closed_at = models.DateTimeField(_("marked held or missed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "pk"]
        verbose_name = _("counselling appointment")
        verbose_name_plural = _("counselling appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=~Q(status="cancelled"), name="counselling_slot_booked_once"
            )
        ]
        indexes = [models.Index(fields=["status", "reminded_at"], name="counselling_appt_remind")]

    def __str__(self) -> str:
        return f"{_('Appointment')} {self.pk}"


class SessionNote(models.Model):
    """What was said in a counselling session (谈话记录), encrypted at rest.

    Read and changed by its author alone: not the chairman, not a superuser, not federation
    staff, not another counsellor. Every read (and every refused read) is written to the privacy
    audit log. It is never indexed for search, never shown in the Django or Wagtail model admin.
    """

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="note")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    text = EncryptedTextField(_("session notes"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")

    def __str__(self) -> str:
        return f"{_('Session note')} {self.pk}"


class CounsellingLecture(models.Model):
    """An activity of the activities app that is a counselling lecture (心理讲座).

    The lecture itself (time, room, places, sign-up, attendance) is the activity; this row marks
    it as counselling's, so the counselling page lists it and its holding is counted once.
    """

    activity = models.OneToOneField(
        "activities.Activity", on_delete=models.CASCADE, related_name="counselling_lecture",
        verbose_name=_("activity"),
    )  # fmt: skip
    counsellor = models.ForeignKey(
        Counsellor, null=True, blank=True, on_delete=models.SET_NULL, related_name="lectures",
        verbose_name=_("speaker"),
    )  # fmt: skip
    held_reported_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("counselling lecture")
        verbose_name_plural = _("counselling lectures")

    def __str__(self) -> str:
        return str(self.activity_id)
