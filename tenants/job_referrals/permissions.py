"""Who handles referrals: the chairman and union officers (model permissions granted to their
roles in ``apps.py``), on their own union's site only."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import Referral

referral_policy = UnionSchemaPermissionPolicy(Referral)


def handles_referrals(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and referral_policy.user_has_permission(user, "change")
    )
