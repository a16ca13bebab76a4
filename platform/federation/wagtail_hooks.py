"""Wagtail admin wiring of the federation portal: the union registry (基层工会) and the
warnings inbox (预警信息)."""

from wagtail import hooks

from .inbox_views import InboxWarningViewSet
from .views import UnionRegistryViewSet


@hooks.register("register_admin_viewset")
def register_union_registry_viewset() -> UnionRegistryViewSet:
    return UnionRegistryViewSet()


@hooks.register("register_admin_viewset")
def register_inbox_warning_viewset() -> InboxWarningViewSet:
    return InboxWarningViewSet()
