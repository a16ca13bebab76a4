"""The federation layer's own tables, in the public schema.

Districts and streets place every union in the three-level service system; federation roles
scope the city's, districts' and service stations' staff to the part of the city they oversee.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.incidents.choices import IncidentCategory, RiskLevel
from workershome.deletion import CASCADE_ON_PORTAL, SET_NULL_ON_PORTAL


class District(models.Model):
    """A district (区) with its district federation of trade unions (区总工会)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(_("administrative code"), max_length=12, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A street or township (街道/乡镇), seat of a union service station serving nearby unions."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("administrative code"), max_length=12, unique=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="street_unique_in_district")]
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return f"{self.district.name}{self.name}"


class FederationRole(models.Model):
    """A federation staff member's role and the part of the city it covers.

    City administrators see every union; district administrators the unions of their district;
    station staff those of their street. The user is a portal (public-schema) user.
    """

    class Kind(models.TextChoices):
        CITY_ADMIN = "city_admin", _("City federation administrator")
        DISTRICT_ADMIN = "district_admin", _("District federation administrator")
        STATION_STAFF = "station_staff", _("Service station staff")

    user = models.ForeignKey(
        # A union's user with the same id is another person: only a portal user's deletion cascades.
        settings.AUTH_USER_MODEL,
        on_delete=CASCADE_ON_PORTAL,
        related_name="federation_roles",
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE)
    street = models.ForeignKey(Street, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("federation role")
        verbose_name_plural = _("federation roles")
        constraints = [
            models.CheckConstraint(
                name="federation_role_scope",
                condition=(
                    models.Q(kind="city_admin", district__isnull=True, street__isnull=True)
                    | models.Q(kind="district_admin", district__isnull=False, street__isnull=True)
                    | models.Q(kind="station_staff", street__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        scope = self.street or self.district or _("whole city")
        return f"{self.get_kind_display()} · {scope}"


class InboxWarning(models.Model):
    """A collective-incident warning (群体性事件预警) as the federation received it from a union.

    Written by the union's outbox delivery and keyed by the outbox event's id, so delivering the
    same event twice changes nothing. It holds what the district needs to act — the category,
    how many people, the risk level, when, and a short description of what is happening and
    where — and never who reported it. A district administrator of the union's district (or a
    city administrator) acknowledges it (签收); until then it is re-sent every few minutes and,
    after a few re-sends, escalated to the city (群体性事件"早发现、早报告").
    """

    event_id = models.UUIDField(_("event"), unique=True, editable=False)
    warning_uuid = models.UUIDField(_("warning"), editable=False)
    reference = models.CharField(_("reference"), max_length=30)
    union = models.ForeignKey(
        "registry.Union", on_delete=models.PROTECT, related_name="inbox_warnings", verbose_name=_("union")
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    category = models.CharField(_("category"), max_length=20, choices=IncidentCategory.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    headcount = models.PositiveIntegerField(_("people involved"))
    summary = models.TextField(_("what is happening"))
    location = models.CharField(_("where"), max_length=200)
    expected_at = models.DateTimeField(_("expected at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported"))
    payload = models.JSONField(_("as received"), default=dict)
    received_at = models.DateTimeField(_("time received"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"))
    resend_count = models.PositiveSmallIntegerField(_("re-sent"), default=0)
    escalated_at = models.DateTimeField(_("escalated to the city"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=SET_NULL_ON_PORTAL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [
            models.Index(
                fields=["last_sent_at"],
                name="inbox_warning_unacknowledged",
                condition=models.Q(acknowledged_at__isnull=True),
            ),
            models.Index(fields=["district", "-received_at"], name="inbox_warning_district"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_category_display()} {self.headcount}"


class InboxWarningNotice(models.Model):
    """One time the federation's staff were told about a warning: the first notice, each
    re-send while nobody acknowledged it, and the escalation to the city."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Sent to the district")
        RESENT = "resent", _("Re-sent, not yet acknowledged")
        ESCALATED = "escalated", _("Escalated to the city")

    warning = models.ForeignKey(InboxWarning, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("people told"), default=0)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Fact(models.Model):
    """One counted fact a union reported to the federation (数据上报), copied from its outbox.

    The federation layer reads these, never a union's schema: the dashboard, the assessment and
    the registry's member counts are built from them. A fact holds what the union's outbox event
    held — its name, when it happened and a payload of kinds, levels, dates and numbers, never a
    person — plus where the registry placed the union when it arrived. ``event_id`` is the
    outbox row's id, so copying the same event twice changes nothing (exactly once in effect).
    """

    event_id = models.UUIDField(_("event"), unique=True, editable=False)
    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="facts", verbose_name=_("union")
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("district"),
    )
    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("street")
    )
    name = models.CharField(_("event"), max_length=50)
    occurred_at = models.DateTimeField(_("occurred"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    payload = models.JSONField(_("payload"), default=dict)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        indexes = [
            models.Index(fields=["name", "occurred_at"], name="fact_name_time"),
            models.Index(fields=["union", "name", "occurred_at"], name="fact_union_name_time"),
            models.Index(fields=["received_at"], name="fact_received"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def lag(self) -> datetime.timedelta:
        """How long the fact took to reach the federation after it happened."""
        return self.received_at - self.occurred_at


class FactCounts(models.Model):
    """The counted columns of the rollups (``FactMonth``, ``FactYear``): ``n`` counts the facts;
    every other column is one way the dashboard's metrics count (its name is the metric's
    ``alias``): facts whose payload holds a value, or a payload field summed."""

    union = models.ForeignKey("registry.Union", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("event"), max_length=50)
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    n = models.PositiveIntegerField(default=0)
    n_on_time_true = models.PositiveIntegerField(default=0)
    sum_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # Integers, not decimals: PostgreSQL sums them as integers, and the dashboard's page reads
    # thousands of these sums.
    sum_attended = models.IntegerField(default=0)
    sum_count = models.IntegerField(default=0)
    sum_participants = models.IntegerField(default=0)

    class Meta:
        abstract = True


class FactMonth(FactCounts):
    """The facts of one union in one month, of one name and payload kind, counted: the rollup the
    dashboard reads (see ``federation.rollup``).

    Rows are added to when facts arrive, never rewritten by a request.
    """

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("facts of a month")
        verbose_name_plural = _("facts by month")
        constraints = [
            models.UniqueConstraint(fields=["union", "month", "name", "kind"], name="fact_month_unique"),
        ]
        indexes = [models.Index(fields=["month", "name"], name="fact_month_month_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.month:%Y-%m} ×{self.n}"


class FactYear(FactCounts):
    """The same counts by calendar year (local time): ``FactMonth``'s rows of a year added up,
    counted alongside them as facts arrive. A period of whole years, such as this year up to
    today (the dashboard's default), reads one row where the monthly rollup holds up to twelve.
    """

    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("facts of a year")
        verbose_name_plural = _("facts by year")
        constraints = [
            models.UniqueConstraint(fields=["union", "year", "name", "kind"], name="fact_year_unique"),
        ]
        indexes = [models.Index(fields=["year", "name"], name="fact_year_year_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.year} ×{self.n}"


TREND_COLUMNS = tuple(f"m{month:02d}" for month in range(1, 13))


class FactTrend(models.Model):
    """The facts of one union in one calendar year, of one name whatever their kind, counted month
    by month (``m01`` … ``m12``): the dashboard's twelve-month trend reads a row per union, name
    and year (two years at most) where the monthly rollup holds one per month and kind. Counted
    alongside the other rollups as facts arrive (see ``federation.rollup``)."""

    union = models.ForeignKey("registry.Union", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("event"), max_length=50)
    m01 = models.PositiveIntegerField(default=0)
    m02 = models.PositiveIntegerField(default=0)
    m03 = models.PositiveIntegerField(default=0)
    m04 = models.PositiveIntegerField(default=0)
    m05 = models.PositiveIntegerField(default=0)
    m06 = models.PositiveIntegerField(default=0)
    m07 = models.PositiveIntegerField(default=0)
    m08 = models.PositiveIntegerField(default=0)
    m09 = models.PositiveIntegerField(default=0)
    m10 = models.PositiveIntegerField(default=0)
    m11 = models.PositiveIntegerField(default=0)
    m12 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("facts of a year by month")
        verbose_name_plural = _("facts of years by month")
        constraints = [models.UniqueConstraint(fields=["union", "year", "name"], name="fact_trend_unique")]
        indexes = [models.Index(fields=["year", "name"], name="fact_trend_year_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class CityActivity(models.Model):
    """An activity a union opened to other unions' members (or to everyone), as the city
    calendar lists it (全市活动日历).

    Written from the union's ``activity.listed`` / ``activity.unlisted`` events, so the portal
    lists it without reading the union's schema; ``listed_from`` is when the latest applied
    event happened, so an older event delivered late never undoes a newer one. Sign-up happens on
    the union's own site (``path``), with the worker's one account.
    """

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    union = models.ForeignKey(
        "registry.Union", on_delete=models.CASCADE, related_name="city_activities", verbose_name=_("union")
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("district"),
    )
    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("street")
    )
    activity_id = models.PositiveIntegerField(_("activity in the union"))
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20)
    audience = models.CharField(_("open to"), max_length=20)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    path = models.CharField(_("page on the union's site"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LISTED)
    listed_from = models.DateTimeField(_("as of"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity on the city calendar")
        verbose_name_plural = _("activities on the city calendar")
        constraints = [
            models.UniqueConstraint(fields=["union", "activity_id"], name="city_activity_once_per_union"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="city_activity_times"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="city_activity_upcoming")]

    def __str__(self) -> str:
        return self.title
