"""Who may run the workers' congress in the admin and the API: Django model permissions of the
role groups (chairman and officers, granted in ``apps.py``), on a union's site only. Delegates
and members need none: the services check that a person is a delegate or the proposer."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import CongressSession, DisclosureItem, Motion, Resolution

session_policy = UnionSchemaPermissionPolicy(CongressSession)
motion_policy = UnionSchemaPermissionPolicy(Motion)
resolution_policy = UnionSchemaPermissionPolicy(Resolution)
disclosure_policy = UnionSchemaPermissionPolicy(DisclosureItem)
