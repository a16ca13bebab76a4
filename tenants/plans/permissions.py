"""Who may manage the work plan: Django model permissions of the role groups (granted in
``apps.PLAN_GRANTS``), on a union's site only. Members read a published plan on the site."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import PlanItem, WorkPlan

plan_policy = UnionSchemaPermissionPolicy(WorkPlan)
item_policy = UnionSchemaPermissionPolicy(PlanItem)
