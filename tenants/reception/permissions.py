"""Who may manage reception days: Django model permissions of the role groups (chairman and
officers, ``tenants/users/roles.py``), granted only on a union's own site."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import ReceptionBooking, ReceptionSchedule, ReceptionVisit

schedule_policy = UnionSchemaPermissionPolicy(ReceptionSchedule)
booking_policy = UnionSchemaPermissionPolicy(ReceptionBooking)
visit_policy = UnionSchemaPermissionPolicy(ReceptionVisit)


def manages_schedules(user) -> bool:
    return schedule_policy.user_has_permission(user, "change")


def manages_bookings(user) -> bool:
    return booking_policy.user_has_permission(user, "change")


def keeps_visit_log(user) -> bool:
    return visit_policy.user_has_permission(user, "add")
