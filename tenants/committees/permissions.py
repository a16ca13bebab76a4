"""Who may manage the union's committees, terms and positions: Django model permissions of the
role groups (chairman and officers, ``tenants/users/roles.py``), granted only on a union's site."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import Committee

committee_policy = UnionSchemaPermissionPolicy(Committee)


def manages_committees(user) -> bool:
    return committee_policy.user_has_permission(user, "change")
