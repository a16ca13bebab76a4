"""Wagtail admin wiring of the federation portal: the union registry (基层工会), the
warnings inbox (预警信息) and the dashboard (数据看板)."""

from wagtail import hooks

from .dashboard_views import DashboardViewSet
from .inbox_views import InboxWarningViewSet
from .views import UnionRegistryViewSet


@hooks.register("register_admin_viewset")
def register_union_registry_viewset() -> UnionRegistryViewSet:
    return UnionRegistryViewSet()


@hooks.register("register_admin_viewset")
def register_inbox_warning_viewset() -> InboxWarningViewSet:
    return InboxWarningViewSet()


@hooks.register("register_admin_viewset")
def register_dashboard_viewset() -> DashboardViewSet:
    return DashboardViewSet()


@hooks.register("construct_homepage_panels")
def add_facts_pipeline_panel(request, panels) -> None:
    from .facts_admin import FactsPipelinePanel, facts_panel_visible_to

    if facts_panel_visible_to(request.user):
        panels.append(FactsPipelinePanel())
