"""Consent to process sensitive personal data, and the audit log of every read of it (PIPL).

个人信息保护法 asks, for sensitive personal data (health, finances, identity numbers…), a
separate consent with the purpose stated (art. 29, 30), the minimum necessary access, and a
record of processing. ``Consent`` is that separate consent; ``SensitiveAccess`` the record of
every read, export and refused read, which the application's own database role cannot alter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


class ConsentScope(models.TextChoices):
    """What the consent covers: the duty whose sensitive data may be collected, or — for
    ``case_referral`` — the sharing of chosen items of a case with whoever it is referred to
    (the street's service station, the district's or the city's service centre, a sister union):
    providing personal data to another party needs its own consent (PIPL art. 23), whatever
    kind of case it is."""

    HARDSHIP = "hardship", _("Hardship assistance")
    MEDIATION = "mediation", _("Dispute mediation")
    COUNSELLING = "counselling", _("Counselling")
    REFERRAL = "referral", _("Skills and job referral")
    CASE_REFERRAL = "case_referral", _("Referral of a case to the station, district, city or a sister union")


class Consent(models.Model):
    """A worker's separate consent to the collection of sensitive data for a stated purpose.

    Recorded by the officer who took it (on paper or in person); a withdrawn consent stops new
    collection under it. Services that collect sensitive data refuse without an active one.
    """

    class Method(models.TextChoices):
        WRITTEN = "written", _("Signed form")
        IN_PERSON = "in_person", _("In person, witnessed")
        ONLINE = "online", _("Online, by the worker")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=CASCADE_IN_UNIONS,
        related_name="consents",
        verbose_name=_("worker"),
    )
    scope = models.CharField(_("scope"), max_length=20, choices=ConsentScope.choices)
    purpose = models.TextField(_("purpose stated to the worker"))
    method = models.CharField(_("how it was given"), max_length=20, choices=Method.choices)
    given_at = models.DateTimeField(_("given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=SET_NULL_IN_UNIONS, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["worker", "scope"], name="consent_worker_scope")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.given_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class SensitiveAccess(models.Model):
    """One read, export or refused read of a sensitive record: who, when, which record, why.

    Append-only: a trigger (migration 0002) refuses UPDATE, DELETE and TRUNCATE on the table,
    and production runs the application as a database role that is not the table's owner and
    holds only INSERT and SELECT on it (docs/operations.md), so the application cannot disable
    the trigger either. The user is kept by id and name, without a foreign key, so that no
    deletion elsewhere ever needs to touch a row here.
    """

    class Action(models.TextChoices):
        READ = "read", _("Read")
        EXPORT = "export", _("Export")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    user_name = models.CharField(_("who"), max_length=150, blank=True)
    model = models.CharField(_("kind of record"), max_length=100)  # app_label.model
    object_pk = models.CharField(_("record"), max_length=40)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    via = models.CharField(_("through"), max_length=20, blank=True)  # admin | api | site | export
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        indexes = [models.Index(fields=["model", "object_pk", "-at"], name="sensitive_access_record")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.model}#{self.object_pk}"
