"""Wagtail admin wiring of room booking: the 场地预约 menu (bookings, bookable rooms) and the
permission policies of its models."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import RoomBookingViewSetGroup
from .models import RoomBooking, RoomBookingRule
from .permissions import booking_policy, rule_policy

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(RoomBookingRule, rule_policy)
register_permission_policy(RoomBooking, booking_policy)


@hooks.register("register_admin_viewset")
def register_room_booking_viewsets() -> RoomBookingViewSetGroup:
    return RoomBookingViewSetGroup()
