"""Wagtail admin wiring of the workers' congress (职代会): its menu and permission policies."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import CongressViewSetGroup
from .models import CongressSession, DisclosureItem, Motion, Resolution
from .permissions import disclosure_policy, motion_policy, resolution_policy, session_policy

register_permission_policy(CongressSession, session_policy)
register_permission_policy(Motion, motion_policy)
register_permission_policy(Resolution, resolution_policy)
register_permission_policy(DisclosureItem, disclosure_policy)


@hooks.register("register_admin_viewset")
def register_congress_viewsets() -> CongressViewSetGroup:
    return CongressViewSetGroup()
