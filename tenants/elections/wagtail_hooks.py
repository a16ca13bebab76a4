"""Wagtail admin wiring of the elections (民主选举): its menu and the permission policy."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ElectionViewSet
from .models import ElectionPlan
from .permissions import election_policy

register_permission_policy(ElectionPlan, election_policy)


@hooks.register("register_admin_viewset")
def register_election_viewset() -> ElectionViewSet:
    return ElectionViewSet()
