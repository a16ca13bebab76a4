"""Wagtail admin wiring of democratic appraisal (民主评议): its menu and permission policy."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import AppraisalViewSetGroup
from .models import AppraisalRound
from .permissions import round_policy

register_permission_policy(AppraisalRound, round_policy)


@hooks.register("register_admin_viewset")
def register_appraisal_viewsets() -> AppraisalViewSetGroup:
    return AppraisalViewSetGroup()
