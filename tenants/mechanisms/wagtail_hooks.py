"""Wagtail admin wiring of the working mechanisms (工作机制): the menu and permission policies."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import MechanismsViewSetGroup
from .models import (
    Activist,
    ActivistService,
    InfoReport,
    JointMeeting,
    MeetingFollowUp,
    PartnerOrganisation,
    StaffAppraisal,
    StaffDuty,
)
from .permissions import (
    activist_policy,
    activist_service_policy,
    appraisal_policy,
    duty_policy,
    follow_up_policy,
    meeting_policy,
    partner_policy,
    report_policy,
)

register_permission_policy(JointMeeting, meeting_policy)
register_permission_policy(MeetingFollowUp, follow_up_policy)
register_permission_policy(PartnerOrganisation, partner_policy)
register_permission_policy(Activist, activist_policy)
register_permission_policy(ActivistService, activist_service_policy)
register_permission_policy(StaffDuty, duty_policy)
register_permission_policy(InfoReport, report_policy)
register_permission_policy(StaffAppraisal, appraisal_policy)


@hooks.register("register_admin_viewset")
def register_mechanisms_viewsets() -> MechanismsViewSetGroup:
    return MechanismsViewSetGroup()
