"""The visit log and the case a visit becomes in one step."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.events.models import OutboxEvent
from tenants.reception.models import ReceptionBooking, ReceptionVisit
from tenants.reception.services import (
    reception_booking_create,
    reception_visit_case_open,
    reception_visit_record,
)
from tests.reception.conftest import next_weekday
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_a_booked_member_comes_and_the_visit_becomes_a_linked_case_in_one_step(union_a, people, weekly):
    chairman, worker = people["chairman"][1], people["worker"][1]
    with tenant_context(union_a):
        # Given a member's booking
        slot = weekly.slot_starts(next_weekday(weekly.weekday))[0]
        booking = reception_booking_create(
            schedule=weekly, slot_start=slot, member=worker, topic="加班费计算"
        )
        # When the chairman logs the visit from the booking
        visit = reception_visit_record(
            by=chairman, booking=booking, topic="", notes="反映三季度加班费按基本工资计算，少于应发数。",
            follow_up="一周内与人力资源部核对并答复。",
        )  # fmt: skip
        booking.refresh_from_db()
        assert booking.status == ReceptionBooking.Status.ATTENDED
        assert (visit.member, visit.visitor_name, visit.topic, visit.schedule) == (
            worker,
            "王职工",
            "加班费计算",
            weekly,
        )
        assert OutboxEvent.objects.filter(name="reception.visit_logged").exists()
        # And opens a case from it
        case = reception_visit_case_open(visit=visit, by=chairman, category="request")
        # Then an appeal by the member, on the reception-day channel, is linked to the visit
        visit.refresh_from_db()
        assert visit.case == case
        assert (case.kind, case.channel, case.requester, case.category) == (
            "appeal",
            "reception_day",
            worker,
            "request",
        )
        assert (
            case.title == "加班费计算" and "少于应发数" in case.description and "一周内" in case.description
        )
        # And a second case from the same visit is refused
        with pytest.raises(ServiceError) as refused:
            reception_visit_case_open(visit=visit, by=chairman)
        assert refused.value.code == "visit_has_case" and Case.objects.count() == 1


def test_a_named_visitor_becomes_a_named_requester(union_a, people):
    officer = people["officer"][1]
    with tenant_context(union_a):
        visit = reception_visit_record(
            by=officer, visitor_name="劳务派遣工周某", visitor_contact="13912345678", topic="派遣工同工同酬",
            notes="询问派遣工能否参加年度体检。",
        )  # fmt: skip
        case = reception_visit_case_open(visit=visit, by=officer, title="派遣工体检")
        assert (case.requester_type, case.requester_name, case.requester_contact) == (
            "named", "劳务派遣工周某", "13912345678",
        )  # fmt: skip
        assert case.title == "派遣工体检"


def test_when_the_case_engine_refuses_nothing_is_created_or_linked(union_a, people):
    chairman, worker = people["chairman"][1], people["worker"][1]
    with tenant_context(union_a):
        visit = reception_visit_record(by=chairman, member=worker, topic="食堂", notes="饭菜价格偏高。")
        with pytest.raises(ServiceError) as refused:
            reception_visit_case_open(visit=visit, by=chairman, category="no-such-category")
        assert refused.value.code == "case_category"
        visit.refresh_from_db()
        assert visit.case is None and not Case.objects.exists()
        assert not OutboxEvent.objects.filter(name="case.opened").exists()


def test_a_member_cannot_log_visits_or_open_cases_from_them(union_a, people):
    chairman, worker = people["chairman"][1], people["worker"][1]
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            reception_visit_record(by=worker, member=worker, topic="食堂", notes="自己登记")
        assert refused.value.status == 403
        visit = reception_visit_record(by=chairman, member=worker, topic="食堂", notes="饭菜价格偏高。")
        with pytest.raises(ServiceError) as refused:
            reception_visit_case_open(visit=visit, by=worker)
        assert refused.value.status == 403 and not Case.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"visitor_name": "", "topic": "食堂", "notes": "内容"}, "visit_who"),
        ({"visitor_name": "周某", "topic": " ", "notes": "内容"}, "visit_topic"),
        ({"visitor_name": "周某", "topic": "食堂", "notes": ""}, "visit_notes"),
        ({"visitor_name": "周某", "topic": "食堂", "notes": "内容", "visited_at": "future"}, "visit_future"),
    ],
)
def test_a_visit_without_who_what_or_in_the_future_is_refused(union_a, people, fields, code):
    if fields.get("visited_at") == "future":
        fields = {**fields, "visited_at": timezone.now() + datetime.timedelta(days=1)}
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            reception_visit_record(by=people["chairman"][1], **fields)
        assert refused.value.code == code and not ReceptionVisit.objects.exists()


def test_a_cancelled_booking_cannot_be_logged_as_a_visit(union_a, people, weekly):
    from tenants.reception.services import reception_booking_cancel

    chairman, worker = people["chairman"][1], people["worker"][1]
    with tenant_context(union_a):
        slot = weekly.slot_starts(next_weekday(weekly.weekday))[0]
        booking = reception_booking_create(schedule=weekly, slot_start=slot, member=worker, topic="加班费")
        reception_booking_cancel(booking=booking, by=worker)
        with pytest.raises(ServiceError) as refused:
            reception_visit_record(by=chairman, booking=booking, topic="", notes="内容")
        assert refused.value.code == "visit_booking_cancelled" and not ReceptionVisit.objects.exists()
