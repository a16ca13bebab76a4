"""The working mechanisms (issue 9 part 7): activists' hours totalled per activist per year,
joint meetings and follow-ups, partners, staff duties and appraisal, bad input refused with
nothing saved; the federation hears counts and dates only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from tenants.events.models import OutboxEvent
from tenants.mechanisms.models import (
    Activist,
    ActivistService,
    JointMeeting,
    PartnerOrganisation,
    StaffAppraisal,
)
from tenants.mechanisms.selectors import (
    activist_hours,
    activist_hours_by_year,
    activists_with_hours,
    team_hours,
)
from tenants.mechanisms.services import (
    activist_save,
    activist_service_record,
    follow_up_add,
    joint_meeting_save,
    partner_save,
    staff_appraisal_save,
)
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_activist_hours_are_totalled_per_activist_per_year(union_a, roster_a):
    """Given two activists with services across two years, when the totals are read, then each
    activist's hours are summed per year, and the federation heard each service's hours only."""
    today = timezone.localdate()
    this, last = today.year, today.year - 1
    with tenant_context(union_a):
        zhou = activist_save(
            activist=Activist(member=roster_a[0], skills="法律咨询", joined_on=datetime.date(last, 3, 1))
        )
        wu = activist_save(
            activist=Activist(member=roster_a[1], skills="心理疏导", joined_on=datetime.date(last, 3, 1))
        )
        for activist, day, hours in (
            (zhou, datetime.date(last, 6, 1), "3"),
            (zhou, datetime.date(last, 9, 1), "2.5"),
            (zhou, datetime.date(this, 1, 5), "4"),
            (wu, datetime.date(this, 1, 6), "1.5"),
        ):
            activist_service_record(activist=activist, served_on=day, description="职工法律咨询", hours=hours)
        assert activist_hours(activist=zhou, year=last) == Decimal("5.5")
        assert activist_hours(activist=zhou, year=this) == Decimal("4")
        assert activist_hours_by_year(activist=zhou) == [(this, Decimal("4.0"), 1), (last, Decimal("5.5"), 2)]
        totals = {a.member.name: (a.year_hours, a.year_services) for a in activists_with_hours(year=last)}
        assert totals == {"周晓明": (Decimal("5.5"), 2), "吴芳芳": (Decimal("0"), 0)}
        assert team_hours(year=this) == Decimal("5.5")
        payloads = list(
            OutboxEvent.objects.filter(name="mechanism.activist_service").values_list("payload", flat=True)
        )
        assert len(payloads) == 4 and all(set(p) == {"year", "served_on", "hours"} for p in payloads)


@pytest.mark.parametrize(
    "hours,served_in_days,code",
    [("0", 0, "service_hours_invalid"), ("25", 0, "service_hours_invalid"), ("abc", 0, "service_hours_invalid"),
     ("2", 3, "service_in_future")],
)  # fmt: skip
def test_bad_service_records_are_refused_and_nothing_is_saved(union_a, roster_a, hours, served_in_days, code):
    with tenant_context(union_a), translation.override("en"):
        activist = activist_save(activist=Activist(member=roster_a[0], joined_on=timezone.localdate()))
        with pytest.raises(ServiceError) as refused:
            activist_service_record(
                activist=activist, served_on=timezone.localdate() + datetime.timedelta(days=served_in_days),
                description="值班", hours=hours,
            )  # fmt: skip
        assert refused.value.code == code and str(refused.value.message)
        assert not ActivistService.objects.exists()
        assert not OutboxEvent.objects.filter(name="mechanism.activist_service").exists()
        with pytest.raises(ServiceError) as twice:
            activist_save(activist=Activist(member=roster_a[0], joined_on=timezone.localdate()))
        assert twice.value.code == "activist_exists"


def test_a_joint_meeting_with_follow_ups_is_counted_once(union_a):
    """Given a joint meeting held last week, when it is recorded and then corrected, then the
    federation counts one meeting held; follow-ups have owners."""
    held = timezone.localdate() - datetime.timedelta(days=7)
    with tenant_context(union_a):
        meeting = joint_meeting_save(meeting=JointMeeting(
            held_on=held, title="第二季度党政联席会议", attendees="总经理、人力资源总监、工会主席",
            topics="高温津贴发放；职工食堂改造", decisions="7月起发放高温津贴"))  # fmt: skip
        meeting.decisions += "；食堂8月完成改造"
        joint_meeting_save(meeting=meeting)
        follow_up_add(
            meeting=meeting,
            task="制定高温津贴发放方案",
            owner="人力资源部",
            due_on=held + datetime.timedelta(days=20),
        )
        assert meeting.follow_ups.get().owner == "人力资源部"
        payloads = list(
            OutboxEvent.objects.filter(name="mechanism.joint_meeting_held").values_list("payload", flat=True)
        )
        assert payloads == [{"held_on": held.isoformat()}]
        with pytest.raises(ServiceError) as future:
            joint_meeting_save(meeting=JointMeeting(held_on=timezone.localdate() + datetime.timedelta(days=1),
                                                    title="x", attendees="x", topics="x"))  # fmt: skip
        assert future.value.code == "meeting_in_future"
        with pytest.raises(ServiceError) as no_owner:
            follow_up_add(meeting=meeting, task="x", owner=" ")
        assert no_owner.value.code == "follow_up_owner_missing"
        assert JointMeeting.objects.count() == 1


def test_partner_organisations_offer_known_services_and_sane_agreements(union_a):
    with tenant_context(union_a), translation.override("en"):
        partner = partner_save(partner=PartnerOrganisation(
            name="朝阳区阳光社工服务中心", services=["counselling", "volunteers", "counselling"],
            agreement_starts_on=datetime.date(2025, 1, 1), agreement_ends_on=datetime.date(2026, 12, 31)))  # fmt: skip
        assert partner.services == ["counselling", "volunteers"]
        assert partner.services_display() == "Counselling、Volunteers"
        for values, code in (
            ({"name": "甲", "services": []}, "partner_services_missing"),
            ({"name": "乙", "services": ["bogus"]}, "partner_services_missing"),
            ({"name": "朝阳区阳光社工服务中心", "services": ["legal"]}, "partner_name_taken"),
            ({"name": "丙", "services": ["legal"], "agreement_starts_on": datetime.date(2026, 1, 1),
              "agreement_ends_on": datetime.date(2025, 1, 1)}, "partner_agreement_dates"),
        ):  # fmt: skip
            with pytest.raises(ServiceError) as refused:
                partner_save(partner=PartnerOrganisation(**values))
            assert refused.value.code == code
        assert PartnerOrganisation.objects.count() == 1


def test_one_appraisal_per_staff_member_and_period(union_a, staff_a):
    with tenant_context(union_a):
        officer = staff_a["officer"].user
        staff_appraisal_save(appraisal=StaffAppraisal(period="2025年度", user=officer, rating="excellent"))
        with pytest.raises(ServiceError) as twice:
            staff_appraisal_save(
                appraisal=StaffAppraisal(period="2025年度", user=officer, rating="competent")
            )
        assert twice.value.code == "appraisal_exists"
        assert StaffAppraisal.objects.get().rating == "excellent"
