"""Writes on the union's working mechanisms. Each record has a ``<entity>_save`` (create or
change, validated, nothing saved on refusal); the events the federation counts are emitted in
the same transaction, with counts and dates only."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from workershome.errors import Conflict, ServiceError

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


def _text(value: str | None) -> str:
    return (value or "").strip()


def _by(by):
    return by if getattr(by, "pk", None) else None


# --- Joint meetings ---------------------------------------------------------------------------------


@transaction.atomic
def joint_meeting_save(*, meeting: JointMeeting, by=None) -> JointMeeting:
    """Record (or correct) a joint meeting with management; the federation counts a new one."""
    meeting.title = _text(meeting.title)
    meeting.topics = _text(meeting.topics)
    meeting.attendees = _text(meeting.attendees)
    if not meeting.title:
        raise ServiceError("meeting_title_missing", _("Give the meeting a title."), field="title")
    if not isinstance(meeting.held_on, datetime.date):
        raise ServiceError("meeting_date_missing", _("Give the date of the meeting."), field="held_on")
    if meeting.held_on > timezone.localdate():
        raise ServiceError("meeting_in_future", _("Record a meeting once it has been held."), field="held_on")
    if not meeting.attendees:
        raise ServiceError("meeting_attendees_missing", _("Say who attended."), field="attendees")
    if not meeting.topics:
        raise ServiceError("meeting_topics_missing", _("Give the topics discussed."), field="topics")
    created = meeting.pk is None
    if created:
        meeting.created_by = _by(by)
    meeting.save()
    if created:
        event_emit(name="mechanism.joint_meeting_held", payload={"held_on": meeting.held_on.isoformat()})
    return meeting


@transaction.atomic
def follow_up_save(*, follow_up: MeetingFollowUp, by=None) -> MeetingFollowUp:
    follow_up.task = _text(follow_up.task)
    follow_up.owner = _text(follow_up.owner)
    if not follow_up.task:
        raise ServiceError("follow_up_task_missing", _("Say what is to be done."), field="task")
    if not follow_up.owner:
        raise ServiceError("follow_up_owner_missing", _("Say who answers for it."), field="owner")
    if follow_up.done_on and follow_up.done_on > timezone.localdate():
        raise ServiceError(
            "follow_up_done_future", _("The date done cannot be in the future."), field="done_on"
        )
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_add(
    *, meeting: JointMeeting, task: str, owner: str, due_on: datetime.date | None = None, by=None
) -> MeetingFollowUp:
    return follow_up_save(
        follow_up=MeetingFollowUp(meeting=meeting, task=task, owner=owner, due_on=due_on), by=by
    )


# --- Partner organisations --------------------------------------------------------------------------


@transaction.atomic
def partner_save(*, partner: PartnerOrganisation, by=None) -> PartnerOrganisation:
    partner.name = _text(partner.name)
    if not partner.name:
        raise ServiceError("partner_name_missing", _("Give the organisation's name."), field="name")
    others = PartnerOrganisation.objects.exclude(pk=partner.pk) if partner.pk else PartnerOrganisation.objects
    if others.filter(name=partner.name).exists():
        raise Conflict("partner_name_taken", _("This organisation is already recorded."), field="name")
    services = list(dict.fromkeys(partner.services or []))
    if not services or any(code not in PartnerOrganisation.Service.values for code in services):
        raise ServiceError(
            "partner_services_missing", _("Choose what the organisation offers."), field="services"
        )
    partner.services = services
    if (
        partner.agreement_starts_on
        and partner.agreement_ends_on
        and partner.agreement_ends_on < partner.agreement_starts_on
    ):
        raise ServiceError(
            "partner_agreement_dates",
            _("The agreement cannot end before it starts."),
            field="agreement_ends_on",
        )
    partner.save()
    return partner


# --- Activists ---------------------------------------------------------------------------------------


@transaction.atomic
def activist_save(*, activist: Activist, by=None) -> Activist:
    if not activist.member_id:
        raise ServiceError("activist_member_missing", _("Choose a member of the roster."), field="member")
    others = Activist.objects.exclude(pk=activist.pk) if activist.pk else Activist.objects
    if others.filter(member_id=activist.member_id).exists():
        raise Conflict("activist_exists", _("This member is already in the activists team."), field="member")
    if not isinstance(activist.joined_on, datetime.date):
        raise ServiceError(
            "activist_joined_missing", _("Give the date they joined the team."), field="joined_on"
        )
    activist.skills = _text(activist.skills)
    activist.save()
    return activist


@transaction.atomic
def activist_service_save(*, service: ActivistService, by=None) -> ActivistService:
    """Record (or correct) a service an activist gave; the federation counts the hours of a new
    record (by year), never the person."""
    service.description = _text(service.description)
    if not service.activist_id:
        raise ServiceError("service_activist_missing", _("Choose the activist."), field="activist")
    if not service.description:
        raise ServiceError("service_what_missing", _("Say what the service was."), field="description")
    if not isinstance(service.served_on, datetime.date):
        raise ServiceError("service_date_missing", _("Give the date of the service."), field="served_on")
    if service.served_on > timezone.localdate():
        raise ServiceError(
            "service_in_future", _("Record a service once it has been given."), field="served_on"
        )
    try:
        hours = Decimal(str(service.hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ServiceError(
            "service_hours_invalid", _("Hours are a number from 0.5 to 24."), field="hours"
        ) from None
    if not Decimal("0.5") <= hours <= Decimal("24"):
        raise ServiceError("service_hours_invalid", _("Hours are a number from 0.5 to 24."), field="hours")
    service.hours = hours
    created = service.pk is None
    if created:
        service.created_by = _by(by)
    service.save()
    if created:
        event_emit(
            name="mechanism.activist_service",
            payload={
                "year": service.served_on.year,
                "served_on": service.served_on.isoformat(),
                "hours": str(hours),
            },
        )
    return service


@transaction.atomic
def activist_service_record(
    *, activist: Activist, served_on: datetime.date, description: str, hours, by=None
) -> ActivistService:
    return activist_service_save(
        service=ActivistService(activist=activist, served_on=served_on, description=description, hours=hours),
        by=by,
    )


# --- Staff duties and appraisal -----------------------------------------------------------------------


@transaction.atomic
def staff_duty_save(*, duty: StaffDuty, by=None) -> StaffDuty:
    duty.post = _text(duty.post)
    duty.duties = _text(duty.duties)
    if not duty.user_id:
        raise ServiceError("duty_user_missing", _("Choose the staff member."), field="user")
    if not duty.post:
        raise ServiceError("duty_post_missing", _("Give the post."), field="post")
    if not duty.duties:
        raise ServiceError("duty_duties_missing", _("Say what the post is responsible for."), field="duties")
    duty.save()
    return duty


@transaction.atomic
def staff_appraisal_save(*, appraisal: StaffAppraisal, by=None) -> StaffAppraisal:
    """考核: the chairman records a staff member's rating for a period (one per period)."""
    appraisal.period = _text(appraisal.period)
    if not appraisal.period:
        raise ServiceError("appraisal_period_missing", _("Give the period appraised."), field="period")
    if not appraisal.user_id:
        raise ServiceError("appraisal_user_missing", _("Choose the staff member."), field="user")
    if appraisal.rating not in StaffAppraisal.Rating.values:
        raise ServiceError("appraisal_rating_invalid", _("Choose a rating."), field="rating")
    others = StaffAppraisal.objects.exclude(pk=appraisal.pk) if appraisal.pk else StaffAppraisal.objects
    if others.filter(period=appraisal.period, user_id=appraisal.user_id).exists():
        raise Conflict(
            "appraisal_exists",
            _("This staff member already has an appraisal for this period."),
            field="period",
        )
    if appraisal.pk is None:
        appraisal.created_by = _by(by)
    appraisal.save()
    return appraisal


# --- Information reports ------------------------------------------------------------------------------


@transaction.atomic
def info_report_save(*, report: InfoReport, by=None) -> InfoReport:
    """Write or correct a report; a report already sent cannot change."""
    if report.pk and InfoReport.objects.filter(pk=report.pk, status=InfoReport.Status.SENT).exists():
        raise Conflict(
            "report_sent", _("This report has been sent to the federation and can no longer change.")
        )
    report.title = _text(report.title)
    report.content = _text(report.content)
    if not report.title:
        raise ServiceError("report_title_missing", _("Give the report a title."), field="title")
    if report.category not in InfoReport.Category.values:
        raise ServiceError("report_category_invalid", _("Choose the report's category."), field="category")
    if not report.content:
        raise ServiceError("report_content_missing", _("Write the report."), field="content")
    if not isinstance(report.written_on, datetime.date):
        raise ServiceError("report_date_missing", _("Give the report's date."), field="written_on")
    if report.pk is None:
        report.created_by = _by(by)
        report.status = InfoReport.Status.DRAFT
    report.save()
    return report


@transaction.atomic
def info_report_send(*, report: InfoReport, by=None) -> InfoReport:
    """信息报送: send the report up. The outbox event carries the report itself (union work
    information) to the federation portal, where the union's district reads it."""
    from tenants.events.delivery import outbox_deliver_on_commit

    report = InfoReport.objects.select_for_update().get(pk=report.pk)
    if report.status == InfoReport.Status.SENT:
        raise Conflict("report_sent", _("This report has already been sent."))
    report.status = InfoReport.Status.SENT
    report.sent_at = timezone.now()
    event = event_emit(
        name="report.sent",
        payload={"report": str(report.uuid), "title": report.title, "category": report.category,
                 "category_label": str(report.get_category_display()), "content": report.content,
                 "written_on": report.written_on.isoformat(), "sent_at": report.sent_at.isoformat()},
    )  # fmt: skip
    report.event_id = event.pk
    report.save(update_fields=["status", "sent_at", "event_id"])
    outbox_deliver_on_commit(event)
    return report
