"""Wagtail admin wiring of hardship assistance (困难帮扶)."""

from wagtail import hooks

from .admin_views import HardshipViewSet


@hooks.register("register_admin_viewset")
def register_hardship_viewset() -> HardshipViewSet:
    return HardshipViewSet()
