"""API URLs under /api/ on every host; the union registry only on the federation portal.

Each host documents its own API: the schema view is told which URL conf it describes, since
drf-spectacular would otherwise read ROOT_URLCONF (a union's) on the portal too.
"""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .appeals import AppealCreateView, AppealFollowView, AppealRateView
from .cases import CaseViewSet, ProcedureViewSet
from .contact import ContactActivityViewSet, InboundMessageView, RaisedIssueViewSet
from .incidents import IncidentWarningViewSet
from .proposals import ProposalCampaignViewSet, ProposalResultsViewSet, ProposalScoreViewSet, ProposalViewSet
from .reception import (
    ReceptionBookingViewSet,
    ReceptionOccurrenceViewSet,
    ReceptionScheduleViewSet,
    ReceptionVisitViewSet,
)
from .views import MeView, UnionViewSet

Patterns = list[URLPattern | URLResolver]


def _api(urlconf: str, extra: Patterns) -> tuple[Patterns, str]:
    return (
        [
            path("v1/me/", MeView.as_view(), name="me"),
            *extra,
            path("schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="schema"),
            path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
        ],
        "api",
    )


portal_router = DefaultRouter()
portal_router.register("unions", UnionViewSet, basename="union")

# A union's own API. Each area registers its viewsets here (one line each) and adds plain
# views to tenant_extra.
tenant_router = DefaultRouter()
tenant_router.register("cases", CaseViewSet, basename="case")
tenant_router.register("procedures", ProcedureViewSet, basename="procedure")
tenant_router.register("incident-warnings", IncidentWarningViewSet, basename="incident-warning")
tenant_router.register("proposal-campaigns", ProposalCampaignViewSet, basename="proposal-campaign")
tenant_router.register("proposals", ProposalViewSet, basename="proposal")
tenant_router.register("proposal-scores", ProposalScoreViewSet, basename="proposal-score")
tenant_router.register("proposal-results", ProposalResultsViewSet, basename="proposal-results")
tenant_router.register("reception/schedules", ReceptionScheduleViewSet, basename="reception-schedule")
tenant_router.register("reception/occurrences", ReceptionOccurrenceViewSet, basename="reception-occurrence")
tenant_router.register("reception/bookings", ReceptionBookingViewSet, basename="reception-booking")
tenant_router.register("reception/visits", ReceptionVisitViewSet, basename="reception-visit")
tenant_router.register("contact/activities", ContactActivityViewSet, basename="contact-activity")
tenant_router.register("contact/issues", RaisedIssueViewSet, basename="contact-issue")
tenant_extra: Patterns = []
tenant_extra += [path("v1/inbound/messages/", InboundMessageView.as_view(), name="inbound-message")]
tenant_extra += [
    path("v1/appeals/", AppealCreateView.as_view(), name="appeal-create"),
    path("v1/appeals/follow/", AppealFollowView.as_view(), name="appeal-follow"),
    path("v1/appeals/rate/", AppealRateView.as_view(), name="appeal-rate"),
]

tenant_patterns = _api("workershome.urls_tenant", [*tenant_extra, path("v1/", include(tenant_router.urls))])
portal_patterns = _api("workershome.urls_public", [path("v1/", include(portal_router.urls))])
