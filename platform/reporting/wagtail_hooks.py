"""Wagtail admin wiring of the federation portal's received information reports (信息报送)."""

from wagtail import hooks

from .admin_views import ReceivedReportViewSet


@hooks.register("register_admin_viewset")
def register_received_report_viewset() -> ReceivedReportViewSet:
    return ReceivedReportViewSet()
