"""Who may run elections in the admin: Django model permissions of the role groups (chairman and
officers), granted only on a union's site. Voting needs no permission: the voter roll decides."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import ElectionPlan

election_policy = UnionSchemaPermissionPolicy(ElectionPlan)
