"""Who may manage activities: Django model permissions of the role groups (chairman and
officers, ``tenants/users/roles.py``), granted only on a union's own site; and who may sign up
for an activity, by its audience."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy
from tenants.users.roles import is_member

from .models import Activity, ActivitySignup, Audience

activity_policy = UnionSchemaPermissionPolicy(Activity)
signup_policy = UnionSchemaPermissionPolicy(ActivitySignup)


def manages_activities(user) -> bool:
    return activity_policy.user_has_permission(user, "change")


def is_member_of_a_union(user) -> bool:
    """A member here, or a worker whose account belongs to another union (their home union)."""
    if is_member(user):
        return True
    account = getattr(user, "account", None) if getattr(user, "is_authenticated", False) else None
    return bool(account is not None and account.is_active and account.home_union_id)


def audience_admits(audience: str, user) -> bool:
    """Whether ``user`` (a local user of this union) may sign up for an activity open to ``audience``.

    ``members``: this union's members; ``sister_unions``: members of any union; ``public``: anyone
    signed in with an account."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if audience == Audience.MEMBERS:
        return is_member(user)
    if audience == Audience.SISTER_UNIONS:
        return is_member_of_a_union(user)
    return True


def account_admitted(audience: str, account) -> bool:
    """For an account with no local user here yet: may it sign up for ``audience``?"""
    if audience == Audience.PUBLIC:
        return True
    if audience == Audience.SISTER_UNIONS:
        return bool(account.home_union_id)
    return False
