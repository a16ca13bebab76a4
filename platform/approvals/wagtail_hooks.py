"""Wagtail admin wiring of the federation portal's approvals (上级审批)."""

from wagtail import hooks

from .views import ApprovalViewSet


@hooks.register("register_admin_viewset")
def register_approval_viewset() -> ApprovalViewSet:
    return ApprovalViewSet()
