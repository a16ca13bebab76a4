"""Who may manage the working mechanisms: Django model permissions of the role groups
(``apps.MECHANISM_GRANTS``), on a union's site only. Staff appraisal (考核) is the chairman's
alone: only that role holds its permissions."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

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

meeting_policy = UnionSchemaPermissionPolicy(JointMeeting)
partner_policy = UnionSchemaPermissionPolicy(PartnerOrganisation)
activist_policy = UnionSchemaPermissionPolicy(Activist)
duty_policy = UnionSchemaPermissionPolicy(StaffDuty)
report_policy = UnionSchemaPermissionPolicy(InfoReport)
appraisal_policy = UnionSchemaPermissionPolicy(StaffAppraisal)
# Follow-up items are part of their meeting, service records of the activist: same permissions.
follow_up_policy = UnionSchemaPermissionPolicy(MeetingFollowUp, auth_model=JointMeeting)
activist_service_policy = UnionSchemaPermissionPolicy(ActivistService, auth_model=Activist)
