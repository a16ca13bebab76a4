"""Wagtail admin wiring of the organisation (组织建设): its menu and the permission policy."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import OrganisationViewSetGroup
from .models import Committee
from .permissions import committee_policy

# Registered before anything asks Wagtail for the model's policy (it would create a fallback).
register_permission_policy(Committee, committee_policy)


@hooks.register("register_admin_viewset")
def register_organisation_viewsets() -> OrganisationViewSetGroup:
    return OrganisationViewSetGroup()
