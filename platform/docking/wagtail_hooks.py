"""Wagtail admin wiring of resource sharing (资源共享), on unions' sites and on the portal."""

from wagtail import hooks

from .admin_views import DockingViewSetGroup


@hooks.register("register_admin_viewset")
def register_docking_viewsets() -> DockingViewSetGroup:
    return DockingViewSetGroup()
