"""Wagtail admin wiring of activities (活动管理): the menu and the permission policies."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ActivityViewSet
from .models import Activity, ActivitySignup
from .permissions import activity_policy, signup_policy

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(Activity, activity_policy)
register_permission_policy(ActivitySignup, signup_policy)


@hooks.register("register_admin_viewset")
def register_activity_viewset() -> ActivityViewSet:
    return ActivityViewSet()
