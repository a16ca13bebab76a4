"""Which received reports a federation user may see: a city administrator all of them, a
district administrator those of the unions in their districts, nobody else any."""

from __future__ import annotations

from django.db.models import QuerySet

from federation.models import FederationRole
from federation.roles import federation_roles, has_federation_role
from workershome.tenancy import on_portal

from .models import ReceivedReport


def received_reports_visible_to(user) -> QuerySet[ReceivedReport]:
    reports = ReceivedReport.objects.select_related("union", "district")
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return reports.none()
    roles = federation_roles(user)
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return reports
    districts = [
        role.district_id
        for role in roles
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and role.district_id is not None
    ]
    return reports.filter(district_id__in=districts) if districts else reports.none()


def may_view_reports(user) -> bool:
    return bool(
        on_portal()
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and has_federation_role(user, FederationRole.Kind.CITY_ADMIN, FederationRole.Kind.DISTRICT_ADMIN)
    )
