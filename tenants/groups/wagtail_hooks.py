"""Wagtail admin wiring of interest groups: the 兴趣小组 menu and the group permission policy."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import GroupViewSet
from .models import InterestGroup
from .permissions import group_policy

# Registered before anything asks Wagtail for the model's policy (it would create a fallback).
register_permission_policy(InterestGroup, group_policy)


@hooks.register("register_admin_viewset")
def register_group_viewset() -> GroupViewSet:
    return GroupViewSet()
