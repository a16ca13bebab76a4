"""Wagtail admin wiring of the assessment: the federation's pages on the portal and the union's
own scorecard on each union's site (each menu item shows only where it belongs)."""

from wagtail import hooks

from federation.assessment_views import AssessmentViewSet

from .union_views import OwnScorecardViewSet


@hooks.register("register_admin_viewset")
def register_assessment_viewset() -> AssessmentViewSet:
    return AssessmentViewSet()


@hooks.register("register_admin_viewset")
def register_own_scorecard_viewset() -> OwnScorecardViewSet:
    return OwnScorecardViewSet()
