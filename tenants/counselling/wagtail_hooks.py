"""Wagtail admin wiring of counselling (心理疏导)."""

from wagtail import hooks

from .admin_views import CounsellingViewSet


@hooks.register("register_admin_viewset")
def register_counselling_viewset() -> CounsellingViewSet:
    return CounsellingViewSet()
