"""Who may run appraisal rounds (chairman, officers) and who reads comments (the chairman only),
on a union's site only. Members rate with no model permission: the services check membership."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy, on_union_site

from .models import AppraisalRound

round_policy = UnionSchemaPermissionPolicy(AppraisalRound)


def reads_comments(user) -> bool:
    return bool(on_union_site() and user.is_authenticated and user.has_perm("appraisal.view_comments"))
