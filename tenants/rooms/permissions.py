"""Who manages room booking: the chairman and officers (Django model permissions of the role
groups, ``tenants/users/roles.py``), granted only on a union's own site."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import RoomBooking, RoomBookingRule

rule_policy = UnionSchemaPermissionPolicy(RoomBookingRule)
booking_policy = UnionSchemaPermissionPolicy(RoomBooking)


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def manages_rooms(user) -> bool:
    return _signed_in(user) and rule_policy.user_has_permission(user, "change")


def manages_bookings(user) -> bool:
    return _signed_in(user) and booking_policy.user_has_permission(user, "change")
