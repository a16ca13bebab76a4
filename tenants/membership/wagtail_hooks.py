"""Wagtail admin wiring of membership: the "Membership requests" area of a union's admin."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import MembershipRequest
from .permissions import membership_request_policy
from .views import MembershipRequestViewSet

# Registered before anything asks Wagtail for the model's policy (it would create a fallback).
register_permission_policy(MembershipRequest, membership_request_policy)


@hooks.register("register_admin_viewset")
def register_membership_request_viewset() -> MembershipRequestViewSet:
    return MembershipRequestViewSet()
