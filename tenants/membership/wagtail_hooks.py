"""Wagtail admin wiring of membership: the "Membership requests" area of a union's admin."""

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from .admin_views import MembersViewSetGroup
from .models import Member, MembershipRequest, MemberTransfer
from .permissions import member_policy, membership_request_policy, transfer_policy
from .views import MembershipRequestViewSet

# Registered before anything asks Wagtail for the model's policy (it would create a fallback).
register_permission_policy(MembershipRequest, membership_request_policy)
register_permission_policy(Member, member_policy)
register_permission_policy(MemberTransfer, transfer_policy)


@hooks.register("register_admin_viewset")
def register_membership_request_viewset() -> MembershipRequestViewSet:
    return MembershipRequestViewSet()


@hooks.register("register_admin_viewset")
def register_members_viewsets() -> MembersViewSetGroup:
    return MembersViewSetGroup()


class JoiningPanel(Component):
    """On the union's admin dashboard: how workers join (the invite code and the join link)."""

    name = "joining"
    order = 50
    template_name = "membership/admin/joining_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        from .selectors import joining_details

        return joining_details(request=self.request)


@hooks.register("construct_homepage_panels")
def add_joining_panel(request, panels) -> None:
    if membership_request_policy.user_has_permission(request.user, "change"):
        panels.append(JoiningPanel(request))
