"""API permissions: federation roles on the portal, union roles on a union's host."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from federation.roles import has_federation_role
from workershome.tenancy import on_portal


class IsFederationAdmin(BasePermission):
    """A portal user with a city or district administrator role."""

    message = "federation_admin_required"

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            on_portal()
            and user.is_authenticated
            and has_federation_role(user, "city_admin", "district_admin")
        )


class IsCityAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(on_portal() and user.is_authenticated and has_federation_role(user, "city_admin"))
