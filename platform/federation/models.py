"""The federation layer's own tables, in the public schema.

Districts and streets place every union in the three-level service system; federation roles
scope the city's, districts' and service stations' staff to the part of the city they oversee.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federation_roles"
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
