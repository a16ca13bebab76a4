"""Wagtail admin wiring of worker contact: its menu (activities, inbound channels) and the
permission policies of its models."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ContactViewSetGroup
from .models import ContactActivity, InboundChannel, RaisedIssue
from .permissions import activity_policy, channel_policy, issue_policy

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(ContactActivity, activity_policy)
register_permission_policy(RaisedIssue, issue_policy)
register_permission_policy(InboundChannel, channel_policy)


@hooks.register("register_admin_viewset")
def register_contact_viewsets() -> ContactViewSetGroup:
    return ContactViewSetGroup()
