"""Wagtail admin wiring of the work plan (工作计划): its menu and permission policies."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import WorkPlanViewSet
from .models import PlanItem, WorkPlan
from .permissions import item_policy, plan_policy

register_permission_policy(WorkPlan, plan_policy)
register_permission_policy(PlanItem, item_policy)


@hooks.register("register_admin_viewset")
def register_work_plan_viewset() -> WorkPlanViewSet:
    return WorkPlanViewSet()
