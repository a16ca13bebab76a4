"""Wagtail admin wiring of the reception day: its menu (bookings, visits, schedules) and the
permission policies of its models."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ReceptionViewSetGroup
from .models import ReceptionBooking, ReceptionSchedule, ReceptionVisit
from .permissions import booking_policy, schedule_policy, visit_policy

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(ReceptionSchedule, schedule_policy)
register_permission_policy(ReceptionBooking, booking_policy)
register_permission_policy(ReceptionVisit, visit_policy)


@hooks.register("register_admin_viewset")
def register_reception_viewsets() -> ReceptionViewSetGroup:
    return ReceptionViewSetGroup()
