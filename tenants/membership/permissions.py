"""Who may act on membership requests in the Wagtail admin."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from workershome.tenancy import on_portal

from .models import Member, MembershipRequest, MemberTransfer


def on_union_site() -> bool:
    """Whether the current request runs on a union's schema (not on the federation portal)."""
    return not on_portal()


class UnionSchemaPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, granted only on a union's own site.

    ``tenants.membership`` is a tenant app: the federation portal (public schema) has no
    membership tables, so nobody acts on requests there, whatever permissions they hold.
    """

    def user_has_permission(self, user, action: str) -> bool:
        return on_union_site() and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions) -> QuerySet:
        users = super().users_with_any_permission(actions)
        return users if on_union_site() else users.none()


membership_request_policy = UnionSchemaPermissionPolicy(MembershipRequest)

member_policy = UnionSchemaPermissionPolicy(Member)
transfer_policy = UnionSchemaPermissionPolicy(MemberTransfer)
