"""Wagtail admin wiring of collective-incident warnings: the "预警" area of a union's admin."""

from wagtail import hooks

from .views import IncidentWarningViewSet


@hooks.register("register_admin_viewset")
def register_incident_warning_viewset() -> IncidentWarningViewSet:
    return IncidentWarningViewSet()
