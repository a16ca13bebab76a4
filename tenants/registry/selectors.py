"""Reads on the registry."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from federation.roles import federation_roles

from .models import Union


def unions_visible_to(user) -> QuerySet[Union]:
    """The unions a portal user oversees, by their federation roles (none for anyone else)."""
    unions = Union.objects.exclude(schema_name="public").select_related("district", "street")
    if not getattr(user, "is_authenticated", False):
        return unions.none()
    roles = federation_roles(user)
    if any(role.kind == "city_admin" for role in roles):
        return unions
    scope = Q(pk__in=[])
    for role in roles:
        if role.kind == "district_admin":
            scope |= Q(district_id=role.district_id)
        elif role.kind == "station_staff":
            scope |= Q(street_id=role.street_id)
    return unions.filter(scope)


def districts_administered_by(user) -> set[int] | None:
    """District ids a portal user may create unions in; ``None`` means the whole city."""
    roles = federation_roles(user)
    if any(role.kind == "city_admin" for role in roles):
        return None
    return {
        role.district_id for role in roles if role.kind == "district_admin" and role.district_id is not None
    }
