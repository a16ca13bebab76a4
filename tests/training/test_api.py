"""The skills training API: courses and enrolment for members, the roster, attendance and
certificates for staff; bad input is a clear 4xx; nothing of union A through union B's host."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.training.models import Attendance, CourseSession, Enrolment
from tests.factories import make_person
from tests.training.conftest import api, make_course

pytestmark = pytest.mark.django_db


def test_a_member_lists_courses_enrols_and_cancels(union_a, client_for, people):
    course = make_course(union_a, people["officer"][1], capacity=1)
    client = api(client_for, union_a, people["worker"][1])
    listed = client.get("/api/v1/training/courses/").json()["results"]
    assert [(c["title"], c["enrolled"], c["my_status"]) for c in listed] == [("电工技能提升班", 0, None)]
    detail = client.get(f"/api/v1/training/courses/{course.pk}/").json()
    assert [s["topic"] for s in detail["sessions"]] == ["第1讲", "第2讲", "第3讲", "第4讲", "第5讲"]
    enrolled = client.post(f"/api/v1/training/courses/{course.pk}/enrol/")
    assert enrolled.status_code == 201 and enrolled.json()["status"] == "enrolled"
    assert enrolled.json()["progress"]["total"] == 5
    again = client.post(f"/api/v1/training/courses/{course.pk}/enrol/")
    assert again.status_code == 409 and again.json()["code"] == "enrolment_twice" and again.json()["message"]
    # The next member goes to the waiting list, and moves up when the first cancels
    other = api(client_for, union_a, people["other"][1])
    waiting = other.post(f"/api/v1/training/courses/{course.pk}/enrol/").json()
    assert (waiting["status"], waiting["waiting_position"]) == ("waiting", 1)
    mine = client.get("/api/v1/training/enrolments/").json()["results"]
    assert [e["id"] for e in mine] == [enrolled.json()["id"]]
    assert (
        client.post(f"/api/v1/training/enrolments/{enrolled.json()['id']}/cancel/").json()["status"]
        == "cancelled"
    )
    assert other.get(f"/api/v1/training/enrolments/{waiting['id']}/").json()["status"] == "enrolled"
    # A member cannot cancel someone else's enrolment, take attendance or read the roster
    assert client.post(f"/api/v1/training/enrolments/{waiting['id']}/cancel/").status_code == 404
    assert client.get(f"/api/v1/training/courses/{course.pk}/roster/").status_code == 403
    assert client.get("/api/v1/training/sessions/").status_code == 403
    assert client_for(union_a).get("/api/v1/training/courses/").status_code == 401


def test_staff_take_attendance_and_issue_a_certificate_through_the_api(union_a, client_for, people):
    course = make_course(union_a, people["officer"][1], first_day=-14, sessions=2)
    with tenant_context(union_a):
        mine = Enrolment.objects.create(course=course, user=people["worker"][1], status="enrolled")
        sessions = list(CourseSession.objects.filter(course=course).order_by("starts_at"))
    staff = api(client_for, union_a, people["officer"][1])
    assert [
        s["id"] for s in staff.get(f"/api/v1/training/sessions/?course={course.pk}").json()["results"]
    ] == [s.pk for s in sessions]
    assert staff.get("/api/v1/training/sessions/?course=abc").status_code == 400
    bad = staff.post(
        f"/api/v1/training/sessions/{sessions[0].pk}/attendance/",
        {"present": "all"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "present" in bad.json()["fields"]
    stranger = staff.post(
        f"/api/v1/training/sessions/{sessions[0].pk}/attendance/",
        {"present": [99999]},
        content_type="application/json",
    )
    assert stranger.status_code == 400 and stranger.json()["code"] == "attendance_unknown"
    # Not completed yet: the certificate is refused with the reason
    refused = staff.post(f"/api/v1/training/enrolments/{mine.pk}/certificate/")
    assert refused.status_code == 400 and refused.json()["code"] == "certificate_not_completed"
    for session in sessions:
        register = staff.post(
            f"/api/v1/training/sessions/{session.pk}/attendance/",
            {"present": [mine.pk]},
            content_type="application/json",
        )
        assert register.json() == [{"enrolment": mine.pk, "name": "王建国", "present": True}]
    roster = staff.get(f"/api/v1/training/courses/{course.pk}/roster/").json()
    assert roster[0]["progress"]["hours"] == "4.0" and roster[0]["progress"]["completed"] is True
    issued = staff.post(f"/api/v1/training/enrolments/{mine.pk}/certificate/")
    assert issued.status_code == 201
    certificate = issued.json()
    assert certificate["holder_name"] == "王建国" and certificate["hours"] == "4.0"
    assert certificate["verify_url"].endswith(
        f"/training/verify/{certificate['verify_url'].rsplit('/', 2)[-2]}/"
    )
    # The holder sees it among their own certificates
    holder = api(client_for, union_a, people["worker"][1])
    assert [c["number"] for c in holder.get("/api/v1/training/certificates/").json()["results"]] == [
        certificate["number"]
    ]
    assert (
        api(client_for, union_a, people["other"][1])
        .get(f"/api/v1/training/certificates/{certificate['id']}/")
        .status_code
        == 404
    )


def test_union_b_cannot_reach_union_a_training_through_the_api(union_a, union_b, client_for, people):
    course = make_course(union_a, people["officer"][1], first_day=-7, sessions=1)
    with tenant_context(union_a):
        enrolment = Enrolment.objects.create(course=course, user=people["worker"][1], status="enrolled")
        session = course.sessions.get()
    _account, officer_b = make_person(union_b, "officer", name="吴干事")
    client_b = api(client_for, union_b, officer_b)
    assert client_b.get("/api/v1/training/courses/").json()["results"] == []
    assert client_b.get(f"/api/v1/training/courses/{course.pk}/").status_code == 404
    assert client_b.post(f"/api/v1/training/courses/{course.pk}/enrol/").status_code == 404
    assert client_b.get(f"/api/v1/training/courses/{course.pk}/roster/").status_code == 404
    assert client_b.get(f"/api/v1/training/enrolments/{enrolment.pk}/").status_code == 404
    assert client_b.post(f"/api/v1/training/enrolments/{enrolment.pk}/cancel/").status_code == 404
    assert client_b.post(f"/api/v1/training/enrolments/{enrolment.pk}/certificate/").status_code == 404
    assert client_b.get(f"/api/v1/training/sessions/{session.pk}/attendance/").status_code == 404
    response = client_b.post(
        f"/api/v1/training/sessions/{session.pk}/attendance/",
        {"present": [enrolment.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    with tenant_context(union_a):
        assert not Attendance.objects.exists()
        enrolment.refresh_from_db()
        assert enrolment.status == "enrolled"
