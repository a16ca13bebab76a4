"""Enrolment rules, attendance, hours, completion and certificates, through the services: each
refusal has a clear message and changes nothing."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.calendar import CALENDAR_SOURCES
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tenants.training.models import Attendance, Certificate, Course, CourseSession, Enrolment
from tenants.training.selectors import calendar_sessions, enrolment_progress, hours_by_worker, my_training
from tenants.training.services import (
    attendance_record,
    certificate_issue,
    certificates_issue_completed,
    course_save,
    course_session_add,
    course_session_remove,
    enrolment_cancel,
    enrolment_create,
)
from tests.factories import make_person
from tests.training.conftest import at, make_course
from workershome.errors import Conflict, ServiceError

pytestmark = pytest.mark.django_db


def test_a_member_enrols_once_and_twice_is_refused(union_a, people):
    officer, worker = people["officer"][1], people["worker"][1]
    course = make_course(union_a, officer)
    with tenant_context(union_a):
        enrolment = enrolment_create(course=course, user=worker)
        assert enrolment.status == Enrolment.Status.ENROLLED
        with pytest.raises(Conflict) as refused:
            enrolment_create(course=course, user=worker)
        assert refused.value.code == "enrolment_twice" and str(refused.value.message)
        assert Enrolment.objects.filter(course=course).count() == 1
        assert OutboxEvent.objects.filter(name="training.enrolment").count() == 1


def test_a_worker_of_another_union_signed_in_for_an_activity_cannot_enrol(union_a, people):
    """Visitors (workers of other unions who signed in here for an open activity) are no members."""
    officer = people["officer"][1]
    visitor = make_person(union_a, "visitor", name="外单位职工")[1]
    course = make_course(union_a, officer)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            enrolment_create(course=course, user=visitor)
        assert refused.value.code == "enrolment_members_only" and refused.value.status == 403
        assert not Enrolment.objects.filter(course=course).exists()


def test_a_full_course_keeps_a_waiting_list_that_moves_up_on_cancellation(union_a, people):
    officer = people["officer"][1]
    worker, other, third = people["worker"][1], people["other"][1], people["third"][1]
    course = make_course(union_a, officer, capacity=1)
    with tenant_context(union_a):
        first = enrolment_create(course=course, user=worker)
        second = enrolment_create(course=course, user=other)
        third_enrolment = enrolment_create(course=course, user=third)
        assert [first.status, second.status, third_enrolment.status] == ["enrolled", "waiting", "waiting"]
        assert my_training(third).courses[0].waiting_position == 2
        # When the enrolled member cancels, the first waiting member gets the place and is told
        enrolment_cancel(enrolment=first, by=worker)
        second.refresh_from_db()
        third_enrolment.refresh_from_db()
        assert (second.status, third_enrolment.status) == ("enrolled", "waiting")
        assert Notification.objects.filter(recipient=other, title__contains=course.title).exists()
        # More places move the waiting list up too
        course.refresh_from_db()
        course.capacity = 2
        course_save(course=course, by=officer)
        third_enrolment.refresh_from_db()
        assert third_enrolment.status == "enrolled"


def test_a_full_course_without_a_waiting_list_refuses(union_a, people):
    course = make_course(union_a, people["officer"][1], capacity=1, waiting_list=False)
    with tenant_context(union_a):
        enrolment_create(course=course, user=people["worker"][1])
        with pytest.raises(Conflict) as refused:
            enrolment_create(course=course, user=people["other"][1])
        assert refused.value.code == "course_full" and refused.value.status == 409
        assert Enrolment.objects.filter(course=course).count() == 1


def test_enrolment_is_refused_after_the_deadline_on_a_draft_and_without_signing_in(union_a, people):
    officer, worker = people["officer"][1], people["worker"][1]
    closed = make_course(union_a, officer, deadline_day=-1, title="已截止的课程")
    draft = make_course(union_a, officer, publish=False, title="草稿课程")
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            enrolment_create(course=closed, user=worker)
        assert refused.value.code == "enrolment_closed" and closed.enrolment_deadline.strftime(
            "%m-%d"
        ) in str(refused.value.message)
        with pytest.raises(ServiceError) as refused:
            enrolment_create(course=draft, user=worker)
        assert refused.value.code == "enrolment_not_open"
        with pytest.raises(ServiceError) as refused:
            enrolment_create(course=closed, user=None)
        assert refused.value.status == 401
        assert not Enrolment.objects.exists()


def test_a_member_cannot_cancel_once_the_course_has_started_but_staff_can(union_a, people):
    officer, worker, other = people["officer"][1], people["worker"][1], people["other"][1]
    course = make_course(union_a, officer, first_day=-1)
    with tenant_context(union_a):
        enrolment = enrolment_create(course=course, user=worker)
        with pytest.raises(ServiceError) as refused:
            enrolment_cancel(enrolment=enrolment, by=worker)
        assert refused.value.code == "enrolment_started"
        with pytest.raises(ServiceError) as refused:
            enrolment_cancel(enrolment=enrolment, by=other)
        assert refused.value.code == "enrolment_not_yours"
        enrolment.refresh_from_db()
        assert enrolment.status == "enrolled"
        enrolment_cancel(enrolment=enrolment, by=officer)
        enrolment.refresh_from_db()
        assert enrolment.status == "cancelled"
        with pytest.raises(Conflict):
            enrolment_cancel(enrolment=enrolment, by=officer)
        # Once cancelled, the member may enrol again (the constraint counts live enrolments only)
        assert enrolment_create(course=course, user=worker).status == "enrolled"


def test_attendance_gives_hours_completion_and_a_certificate(union_a, people):
    officer, worker, other = people["officer"][1], people["worker"][1], people["other"][1]
    course = make_course(union_a, officer, first_day=-35, sessions=5, hours="2.5")
    with tenant_context(union_a):
        mine = enrolment_create(course=course, user=worker)
        theirs = enrolment_create(course=course, user=other)
        sessions = list(CourseSession.objects.filter(course=course).order_by("starts_at"))
        # Given: the worker came to 4 of 5 sessions (80%), the other member to 3 (60%)
        registers = ([mine.pk, theirs.pk], [mine.pk], [mine.pk, theirs.pk], [theirs.pk], [mine.pk])
        for session, present in zip(sessions, registers, strict=True):
            attendance_record(session=session, present=present, by=officer)
        progress, other_progress = enrolment_progress(mine), enrolment_progress(theirs)
        assert (progress.attended, progress.total, progress.hours, progress.completed) == (
            4,
            5,
            Decimal("10.0"),
            True,
        )
        assert (other_progress.attended, other_progress.completed, other_progress.sessions_needed) == (
            3,
            False,
            4,
        )
        assert my_training(worker).hours == Decimal("10.0")
        rows = {row["name"]: row for row in hours_by_worker()}
        assert rows["王建国"]["hours"] == Decimal("10.0") and rows["赵丽"]["sessions"] == 3
        # When the officer issues certificates for everyone who completed
        issued = certificates_issue_completed(course=course, by=officer)
        # Then only the worker gets one, with a unique number and what it certifies frozen
        assert [c.user for c in issued] == [worker]
        certificate = issued[0]
        assert re.fullmatch(r"PX-\d{4}-\d{4}-\d{6}", certificate.number)
        assert (certificate.holder_name, certificate.hours, certificate.sessions_attended) == (
            "王建国",
            Decimal("10.0"),
            4,
        )
        assert OutboxEvent.objects.filter(name="training.certificate_issued").count() == 1
        assert OutboxEvent.objects.filter(name="training.session_held").count() == 5
        payload = OutboxEvent.objects.filter(name="training.session_held").first().payload
        assert set(payload) == {"course", "session", "category", "enrolled", "present", "hours", "first"}
        with pytest.raises(Conflict) as refused:
            certificate_issue(enrolment=mine, by=officer)
        assert refused.value.code == "certificate_twice"
        # A certified enrolment cannot be cancelled
        with pytest.raises(Conflict):
            enrolment_cancel(enrolment=mine, by=officer)


def test_a_certificate_is_refused_to_a_member_who_did_not_complete(union_a, people):
    officer, worker = people["officer"][1], people["worker"][1]
    course = make_course(union_a, officer, first_day=-21, sessions=4)
    with tenant_context(union_a):
        enrolment = enrolment_create(course=course, user=worker)
        for session in CourseSession.objects.filter(course=course).order_by("starts_at")[:2]:
            attendance_record(session=session, present=[enrolment.pk], by=officer)
        with pytest.raises(ServiceError) as refused:
            certificate_issue(enrolment=enrolment, by=officer)
        message = str(refused.value.message)
        assert refused.value.code == "certificate_not_completed"
        assert "王建国" in message and "2" in message and "4" in message and "80%" in message
        assert not Certificate.objects.exists()
        # A member cannot issue certificates at all
        with pytest.raises(ServiceError) as refused:
            certificate_issue(enrolment=enrolment, by=worker)
        assert refused.value.status == 403


def test_attendance_refuses_strangers_and_sessions_not_started_and_corrects_in_bulk(union_a, people):
    officer, worker, other = people["officer"][1], people["worker"][1], people["other"][1]
    course = make_course(union_a, officer, first_day=-8, sessions=3)
    other_course = make_course(union_a, officer, title="办公软件应用")
    with tenant_context(union_a):
        mine = enrolment_create(course=course, user=worker)
        theirs = enrolment_create(course=course, user=other)
        stranger = enrolment_create(course=other_course, user=other)
        held, _yesterday, upcoming = CourseSession.objects.filter(course=course).order_by("starts_at")
        with pytest.raises(ServiceError) as refused:
            attendance_record(session=held, present=[mine.pk, stranger.pk], by=officer)
        assert refused.value.code == "attendance_unknown"
        with pytest.raises(ServiceError) as refused:
            attendance_record(session=upcoming, present=[mine.pk], by=officer)
        assert refused.value.code == "attendance_too_early"
        with pytest.raises(ServiceError) as refused:
            attendance_record(session=held, present=[mine.pk], by=worker)
        assert refused.value.status == 403
        assert not Attendance.objects.exists()
        # The register is taken in one go, then corrected: the absent are recorded as such
        assert attendance_record(session=held, present=[mine.pk, theirs.pk], by=officer) == {
            "enrolled": 2,
            "present": 2,
        }
        attendance_record(session=held, present=[theirs.pk], by=officer)
        assert dict(Attendance.objects.values_list("enrolment_id", "present")) == {
            mine.pk: False,
            theirs.pk: True,
        }
        firsts = list(
            OutboxEvent.objects.filter(name="training.session_held").values_list("payload__first", flat=True)
        )
        assert sorted(firsts) == [False, True]
        # A session whose register was taken stays
        with pytest.raises(Conflict):
            course_session_remove(session=held, by=officer)


def test_bad_course_input_is_refused_with_the_field(union_a, people):
    officer = people["officer"][1]
    with tenant_context(union_a):

        def draft(**changes):
            values = dict(
                title="安全生产培训", category="safety", teacher="刘海峰", place="会议室", capacity=30,
                enrolment_deadline=at(3), hours_per_session=Decimal("3"), completion_percent=80,
            )  # fmt: skip
            values.update(changes)
            return Course(**values)

        for changes, field in (
            ({"title": "  "}, "title"), ({"category": "cooking"}, "category"), ({"teacher": ""}, "teacher"),
            ({"place": ""}, "place"), ({"capacity": 0}, "capacity"), ({"hours_per_session": Decimal("0")}, "hours_per_session"),
            ({"completion_percent": 120}, "completion_percent"), ({"source": "federation"}, "source"),
            ({"status": "published"}, "status"),
        ):  # fmt: skip
            with pytest.raises(ServiceError) as refused:
                course_save(course=draft(**changes), by=officer)
            assert refused.value.field == field, changes
        assert not Course.objects.exists()
        course = course_save(course=draft(), by=officer)
        with pytest.raises(ServiceError) as refused:
            course_session_add(course=course, starts_at=at(5, 15), ends_at=at(5, 14), by=officer)
        assert refused.value.field == "ends_at" and refused.value.code == "session_times"
        course_session_add(course=course, starts_at=at(5, 14), ends_at=at(5, 17), by=officer)
        with pytest.raises(Conflict):
            course_session_add(course=course, starts_at=at(5, 14), ends_at=at(5, 16), by=officer)
        course.status = Course.Status.PUBLISHED
        course = course_save(course=course, by=officer)
        enrolment_create(course=course, user=people["worker"][1])
        enrolment_create(course=course, user=people["other"][1])
        course.capacity = 1
        with pytest.raises(ServiceError) as refused:
            course_save(course=course, by=officer)
        assert refused.value.code == "course_capacity_below_enrolled"
        with pytest.raises(ServiceError) as refused:
            course_save(course=draft(title="学历提升"), by=people["worker"][1])
        assert refused.value.status == 403


def test_cancelling_a_course_tells_everyone_enrolled(union_a, people):
    officer, worker = people["officer"][1], people["worker"][1]
    course = make_course(union_a, officer)
    with tenant_context(union_a):
        enrolment_create(course=course, user=worker)
        course.status = Course.Status.CANCELLED
        course_save(course=course, by=officer)
        assert Notification.objects.filter(recipient=worker, title__contains=course.title).exists()
        with pytest.raises(ServiceError):
            enrolment_create(course=course, user=people["other"][1])


def test_course_sessions_are_on_the_union_calendar(union_a, people):
    officer = people["officer"][1]
    course = make_course(union_a, officer, sessions=2, first_day=3)
    make_course(union_a, officer, sessions=1, first_day=3, publish=False, title="草稿课程")
    assert calendar_sessions in CALENDAR_SOURCES
    with tenant_context(union_a):
        entries = calendar_sessions(start=at(0), end=at(30))
    assert [e.title for e in entries] == ["电工技能提升班：第1讲", "电工技能提升班：第2讲"]
    entry = entries[0]
    assert entry.kind == "course_session" and entry.url == f"/training/{course.pk}/"
    assert entry.location == "职工之家培训教室" and entry.uid.startswith("course-session-")
    assert entry.ends_at - entry.starts_at == datetime.timedelta(hours=2)
    with tenant_context(union_a):
        assert calendar_sessions(start=at(60), end=at(90)) == []
    assert timezone.is_aware(entry.starts_at)
