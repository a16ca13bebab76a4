"""Wagtail admin wiring: the portal's notices area, and unread notices on a union's dashboard."""

from wagtail import hooks

from .admin_views import NoticeViewSet


@hooks.register("register_admin_viewset")
def register_notice_viewset() -> NoticeViewSet:
    return NoticeViewSet()


@hooks.register("construct_homepage_panels")
def add_unread_notices_panel(request, panels) -> None:
    from .union_views import UnreadNoticesPanel, may_mark_read

    if may_mark_read(request.user):
        panels.append(UnreadNoticesPanel(request))
