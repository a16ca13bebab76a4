"""Wagtail admin wiring of dispute mediation (调解争议)."""

from wagtail import hooks

from .admin_views import MediationViewSet


@hooks.register("register_admin_viewset")
def register_mediation_viewset() -> MediationViewSet:
    return MediationViewSet()
