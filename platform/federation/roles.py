"""A portal user's federation roles, read once per request.

The portal's menus, panels and selectors each ask what the signed-in user may do; every one of
them asking the database made the dashboard's page run some thirty identical queries.
``FederationRolesMiddleware`` reads a portal user's roles once and keeps them on the request's
user; ``federation_roles`` and ``has_federation_role`` use them, and query as before for any
other user object (tests, tasks, commands), so a role granted meanwhile is seen there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from workershome.tenancy import on_portal

from .models import FederationRole

CACHE_ATTRIBUTE = "_federation_roles"


def _read(user: Any) -> list[FederationRole]:
    return list(user.federation_roles.select_related("district", "street__district"))


def federation_roles(user: Any) -> list[FederationRole]:
    """The user's federation roles (the request's cached copy for the signed-in portal user)."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        return []
    return _read(user)


def has_federation_role(user: Any, *kinds: str, district_id: Any = None) -> bool:
    """Whether the user holds one of ``kinds`` (any role when none is named), in
    ``district_id`` when it is given."""
    return any(
        (not kinds or role.kind in kinds) and (district_id is None or role.district_id == district_id)
        for role in federation_roles(user)
    )


class FederationRolesMiddleware:
    """Read the signed-in portal user's federation roles once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and on_portal() and user.is_authenticated:
            setattr(user, CACHE_ATTRIBUTE, _read(user))
        return self.get_response(request)
