"""Who may publish and withdraw federation notices, and to which districts.

Only on the federation portal (public schema): a city administrator to every union or to any
districts, a district administrator only to their own district(s). Union users never.
"""

from __future__ import annotations

from django.db.models import QuerySet

from federation.models import District, FederationRole
from federation.roles import federation_roles
from workershome.tenancy import on_portal

from .models import FederationNotice


def _roles(user) -> list[FederationRole]:
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return []
    publishers = (FederationRole.Kind.CITY_ADMIN, FederationRole.Kind.DISTRICT_ADMIN)
    return [role for role in federation_roles(user) if role.kind in publishers]


def may_publish(user) -> bool:
    return bool(_roles(user))


def is_city_admin(user) -> bool:
    return any(role.kind == FederationRole.Kind.CITY_ADMIN for role in _roles(user))


def districts_publishable_by(user) -> QuerySet[District]:
    """The districts ``user`` may address: all for a city administrator, their own otherwise."""
    if is_city_admin(user):
        return District.objects.all()
    ids = [
        role.district_id
        for role in _roles(user)
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and role.district_id is not None
    ]
    return District.objects.filter(pk__in=ids)


def may_withdraw(user, notice: FederationNotice) -> bool:
    """A city administrator any notice; a district administrator one addressed only to districts
    they administer (never one sent to every union)."""
    if is_city_admin(user):
        return True
    if not may_publish(user) or notice.to_all:
        return False
    own = set(districts_publishable_by(user).values_list("pk", flat=True))
    addressed = set(notice.districts.values_list("pk", flat=True))
    return bool(addressed) and addressed <= own
