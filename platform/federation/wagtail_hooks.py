"""Wagtail admin wiring of the federation portal: the union registry (基层工会)."""

from wagtail import hooks

from .views import UnionRegistryViewSet


@hooks.register("register_admin_viewset")
def register_union_registry_viewset() -> UnionRegistryViewSet:
    return UnionRegistryViewSet()
