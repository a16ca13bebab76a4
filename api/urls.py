"""API URLs under /api/ on every host; the union registry only on the federation portal.

Each host documents its own API: the schema view is told which URL conf it describes, since
drf-spectacular would otherwise read ROOT_URLCONF (a union's) on the portal too.
"""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .activities import ActivityViewSet
from .appeals import AppealCreateView, AppealFollowView, AppealRateView
from .appraisal import AppraisalRoundViewSet, MemberAppraisalViewSet
from .archives import ArchiveItemViewSet
from .cases import CaseViewSet, ProcedureViewSet
from .committees import CommitteeViewSet, PositionViewSet
from .congress import (
    CongressMotionViewSet,
    CongressSessionViewSet,
    DelegateMotionViewSet,
    DisclosureManageViewSet,
    DisclosureViewSet,
    ResolutionViewSet,
)
from .contact import ContactActivityViewSet, InboundMessageView, RaisedIssueViewSet
from .counselling import (
    CounsellingLectureViewSet,
    CounsellingSlotViewSet,
    CounsellorAppointmentViewSet,
    CounsellorViewSet,
    MyAppointmentViewSet,
)
from .docking import BookingRequestViewSet, DockingUsageViewSet, SharedResourceViewSet
from .elections import BallotViewSet, ElectionPlanViewSet
from .groups import GroupJoinRequestViewSet, InterestGroupViewSet
from .hardship import HardshipConsentViewSet, HardshipFileViewSet
from .incidents import IncidentWarningViewSet
from .job_referrals import ReferralViewSet
from .library import DeskLoanViewSet, LibraryBookViewSet, MyLoanViewSet, MyReservationViewSet
from .mechanisms import (
    ActivistViewSet,
    InfoReportViewSet,
    JointMeetingViewSet,
    PartnerViewSet,
    StaffAppraisalViewSet,
    StaffDutyViewSet,
)
from .mediation import ConsultationViewSet, MediationCaseViewSet
from .members import MemberTransferViewSet, MemberViewSet
from .plans import PlanItemViewSet, WorkPlanViewSet
from .portal_notifications import PortalNotificationViewSet
from .proposals import ProposalCampaignViewSet, ProposalResultsViewSet, ProposalScoreViewSet, ProposalViewSet
from .reception import (
    ReceptionBookingViewSet,
    ReceptionOccurrenceViewSet,
    ReceptionScheduleViewSet,
    ReceptionVisitViewSet,
)
from .referrals import OutgoingReferralViewSet, ReceivedReferralViewSet
from .rooms import RoomBookingManageViewSet, RoomBookingViewSet, RoomViewSet
from .search import SearchView, StaffSearchView, SuggestView
from .stations import ServiceStationViewSet, StationReferralViewSet
from .syndication import FederationNoticeViewSet
from .training import (
    CertificateCheckView,
    TrainingCertificateViewSet,
    TrainingCourseViewSet,
    TrainingEnrolmentViewSet,
    TrainingSessionViewSet,
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
portal_router.register("stations", ServiceStationViewSet, basename="station")
portal_router.register("station-referrals", StationReferralViewSet, basename="station-referral")
portal_router.register("docking/resources", SharedResourceViewSet, basename="docking-resource")
portal_router.register("docking/bookings", BookingRequestViewSet, basename="docking-booking")
portal_router.register("docking/usage", DockingUsageViewSet, basename="docking-usage")
portal_router.register("notifications", PortalNotificationViewSet, basename="portal-notification")

# A union's own API. Each area registers its viewsets here (one line each) and adds plain
# views to tenant_extra.
tenant_router = DefaultRouter()
tenant_router.register("cases", CaseViewSet, basename="case")
tenant_router.register("federation-notices", FederationNoticeViewSet, basename="federation-notice")
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
tenant_router.register("members", MemberViewSet, basename="member")
tenant_router.register("member-transfers", MemberTransferViewSet, basename="member-transfer")
tenant_router.register("committees", CommitteeViewSet, basename="committee")
tenant_router.register("committee-positions", PositionViewSet, basename="committee-position")
tenant_router.register("elections/plans", ElectionPlanViewSet, basename="election-plan")
tenant_router.register("elections/ballots", BallotViewSet, basename="election-ballot")
tenant_router.register("congress/sessions", CongressSessionViewSet, basename="congress-session")
tenant_router.register("congress/motions", CongressMotionViewSet, basename="congress-motion")
tenant_router.register("congress/my-motions", DelegateMotionViewSet, basename="congress-my-motion")
tenant_router.register(
    "congress/disclosures/manage", DisclosureManageViewSet, basename="congress-disclosure-manage"
)
tenant_router.register("congress/disclosures", DisclosureViewSet, basename="congress-disclosure")
tenant_router.register("congress/resolutions", ResolutionViewSet, basename="congress-resolution")
tenant_router.register("appraisal/rounds", AppraisalRoundViewSet, basename="appraisal-round")
tenant_router.register("appraisal/my-rounds", MemberAppraisalViewSet, basename="appraisal-my-round")
tenant_router.register("activities", ActivityViewSet, basename="activity")
tenant_router.register("training/courses", TrainingCourseViewSet, basename="training-course")
tenant_router.register("training/enrolments", TrainingEnrolmentViewSet, basename="training-enrolment")
tenant_router.register("training/sessions", TrainingSessionViewSet, basename="training-session")
tenant_router.register("training/certificates", TrainingCertificateViewSet, basename="training-certificate")
tenant_router.register("library/books", LibraryBookViewSet, basename="library-book")
tenant_router.register("library/my-loans", MyLoanViewSet, basename="library-my-loan")
tenant_router.register("library/my-reservations", MyReservationViewSet, basename="library-my-reservation")
tenant_router.register("library/desk/loans", DeskLoanViewSet, basename="library-desk-loan")
tenant_router.register("groups", InterestGroupViewSet, basename="interest-group")
tenant_router.register("group-join-requests", GroupJoinRequestViewSet, basename="group-join-request")
tenant_router.register("rooms", RoomViewSet, basename="room")
tenant_router.register("room-bookings/manage", RoomBookingManageViewSet, basename="room-booking-manage")
tenant_router.register("room-bookings", RoomBookingViewSet, basename="room-booking")
tenant_router.register("hardship/files", HardshipFileViewSet, basename="hardship-file")
tenant_router.register("hardship/consents", HardshipConsentViewSet, basename="hardship-consent")
tenant_router.register("plans", WorkPlanViewSet, basename="work-plan")
tenant_router.register("plan-items", PlanItemViewSet, basename="plan-item")
tenant_router.register("mechanisms/joint-meetings", JointMeetingViewSet, basename="joint-meeting")
tenant_router.register("mechanisms/partners", PartnerViewSet, basename="partner-organisation")
tenant_router.register("mechanisms/activists", ActivistViewSet, basename="activist")
tenant_router.register("mechanisms/staff-duties", StaffDutyViewSet, basename="staff-duty")
tenant_router.register("mechanisms/reports", InfoReportViewSet, basename="info-report")
tenant_router.register("mechanisms/staff-appraisals", StaffAppraisalViewSet, basename="staff-appraisal")
tenant_router.register("mediation/cases", MediationCaseViewSet, basename="mediation-case")
tenant_router.register("mediation/consultations", ConsultationViewSet, basename="mediation-consultation")
tenant_router.register("counselling/counsellors", CounsellorViewSet, basename="counselling-counsellor")
tenant_router.register("counselling/slots", CounsellingSlotViewSet, basename="counselling-slot")
tenant_router.register(
    "counselling/my-appointments", MyAppointmentViewSet, basename="counselling-my-appointment"
)
tenant_router.register(
    "counselling/appointments", CounsellorAppointmentViewSet, basename="counselling-appointment"
)
tenant_router.register("counselling/lectures", CounsellingLectureViewSet, basename="counselling-lecture")
tenant_router.register("job-referrals", ReferralViewSet, basename="job-referral")
tenant_router.register("referrals/sent", OutgoingReferralViewSet, basename="referral-sent")
tenant_router.register("referrals/received", ReceivedReferralViewSet, basename="referral-received")
tenant_router.register("archives/items", ArchiveItemViewSet, basename="archive-item")
tenant_router.register("docking/resources", SharedResourceViewSet, basename="docking-resource")
tenant_router.register("docking/bookings", BookingRequestViewSet, basename="docking-booking")
tenant_router.register("docking/usage", DockingUsageViewSet, basename="docking-usage")
tenant_extra: Patterns = []
tenant_extra += [path("v1/inbound/messages/", InboundMessageView.as_view(), name="inbound-message")]
tenant_extra += [
    path("v1/training/verify/<str:token>/", CertificateCheckView.as_view(), name="training-certificate-check")
]
tenant_extra += [
    path("v1/appeals/", AppealCreateView.as_view(), name="appeal-create"),
    path("v1/appeals/follow/", AppealFollowView.as_view(), name="appeal-follow"),
    path("v1/appeals/rate/", AppealRateView.as_view(), name="appeal-rate"),
]

# Search (the same on every host: a union's own content first, or every union's on the portal).
search_patterns: Patterns = [
    path("v1/search/", SearchView.as_view(), name="search"),
    path("v1/search/suggest/", SuggestView.as_view(), name="search-suggest"),
]
tenant_extra += search_patterns
tenant_extra += [path("v1/staff-search/", StaffSearchView.as_view(), name="staff-search")]

tenant_patterns = _api("workershome.urls_tenant", [*tenant_extra, path("v1/", include(tenant_router.urls))])
portal_patterns = _api(
    "workershome.urls_public", [*search_patterns, path("v1/", include(portal_router.urls))]
)
