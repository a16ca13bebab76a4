"""Who manages interest groups: union officers and the chairman (Django model permissions of the
role groups, ``tenants/users/roles.py``), granted only on a union's own site. A group's leaders
manage their own group (join requests, meetings, posts) without any model permission."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import InterestGroup

group_policy = UnionSchemaPermissionPolicy(InterestGroup)


def manages_groups(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False)
    ) and group_policy.user_has_permission(user, "change")
