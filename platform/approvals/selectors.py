"""Which approval requests a portal user oversees: a city administrator all of them, a district
administrator those of the unions in their districts, nobody else any."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from federation.models import FederationRole
from federation.roles import federation_roles, has_federation_role
from workershome.tenancy import on_portal

from .models import ApprovalRequest

ADMIN_KINDS = (FederationRole.Kind.CITY_ADMIN, FederationRole.Kind.DISTRICT_ADMIN)


def approval_requests_visible_to(user) -> QuerySet[ApprovalRequest]:
    requests = ApprovalRequest.objects.select_related("union", "district")
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return requests.none()
    roles = federation_roles(user)
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return requests
    districts = [
        role.district_id
        for role in roles
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and role.district_id is not None
    ]
    return requests.filter(district_id__in=districts) if districts else requests.none()


def may_decide_approvals(user) -> bool:
    return bool(
        on_portal()
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and has_federation_role(user, *ADMIN_KINDS)
    )


def approval_request_latest(*, kind: str, object_uuid) -> Any:
    """The newest request about one union object, as plain values (no join to the user table,
    which on a union's schema would be the union's own). For the union's tasks and pages."""
    return (
        ApprovalRequest.objects.filter(kind=kind, object_uuid=object_uuid)
        .order_by("-received_at", "-pk")
        .values("id", "status", "comment", "decided_at", "decided_by_name", "district__name", "received_at")
        .first()
    )
