"""Skills training in the union's admin: courses, sessions, attendance, certificates and hours,
for staff only, and only in their own union."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.training.models import Attendance, Certificate, Course, CourseSession, Enrolment
from tenants.training.services import enrolment_create
from tests.factories import make_person
from tests.training.conftest import make_course, signed_in

pytestmark = pytest.mark.django_db

COURSE = {
    "title": "办公软件应用", "category": "digital", "description": "Excel 数据处理", "teacher": "工程师 陈静",
    "place": "职工之家培训教室", "capacity": 30, "waiting_list": "on", "enrolment_deadline": "2099-01-01 18:00",
    "hours_per_session": "2.0", "completion_percent": 80, "contact": "", "status": "draft",
}  # fmt: skip


def test_an_officer_runs_a_course_from_the_admin(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["officer"][0])
    assert client.get("/admin/training/courses/").status_code == 200
    assert client.get("/admin/training/courses/new/").status_code == 200
    # Bad input: a field error, nothing saved
    response = client.post("/admin/training/courses/new/", {**COURSE, "place": "", "status": "published"})
    assert response.status_code == 400
    with tenant_context(union_a):
        assert not Course.objects.exists()
    response = client.post("/admin/training/courses/new/", COURSE)
    assert response.status_code == 302
    with tenant_context(union_a):
        course = Course.objects.get()
    detail = f"/admin/training/courses/{course.pk}/"
    # A session that ends before it starts is refused; a good one is added
    bad = client.post(
        detail, {"action": "session_add", "starts_at": "2099-01-02 15:00", "ends_at": "2099-01-02 14:00"}
    )
    assert bad.status_code == 400
    assert (
        client.post(
            detail,
            {
                "action": "session_add",
                "starts_at": "2099-01-02 14:00",
                "ends_at": "2099-01-02 16:00",
                "topic": "函数",
            },
        ).status_code
        == 302
    )
    response = client.post(f"{detail}edit/", {**COURSE, "status": "published"})
    assert response.status_code == 302
    with tenant_context(union_a):
        course.refresh_from_db()
        assert course.status == "published" and course.sessions.count() == 1
    assert "函数" in client.get(detail).content.decode()
    assert client.get("/admin/training/hours/").status_code == 200
    assert client.get("/admin/training/certificates/").status_code == 200


def test_attendance_and_certificates_from_the_admin(union_a, union_b, client_for, people):
    officer = people["officer"][1]
    course = make_course(union_a, officer, first_day=-14, sessions=2)
    with tenant_context(union_a):
        mine = enrolment_create(course=course, user=people["worker"][1])
        theirs = enrolment_create(course=course, user=people["other"][1])
        sessions = list(CourseSession.objects.filter(course=course).order_by("starts_at"))
    client = signed_in(client_for(union_a), people["officer"][0])
    url = f"/admin/training/courses/{course.pk}/sessions/{sessions[0].pk}/attendance/"
    page = client.get(url).content.decode()
    assert "王建国" in page and "赵丽" in page
    for session in sessions:
        url = f"/admin/training/courses/{course.pk}/sessions/{session.pk}/attendance/"
        assert client.post(url, {"present": [mine.pk]}).status_code == 302
    with tenant_context(union_a):
        assert Attendance.objects.filter(present=True).count() == 2 and Attendance.objects.count() == 4
    # An enrolment of another course is refused, and the register stays as it was
    assert client.post(url, {"present": [mine.pk, 99999]}).status_code == 400
    # The non-completer's certificate is refused with the reason; "issue all" gives the completer one
    detail = f"/admin/training/courses/{course.pk}/"
    refused = client.post(detail, {"action": "certificate", "enrolment": theirs.pk})
    assert refused.status_code == 400
    with tenant_context(union_a):
        assert not Certificate.objects.exists()
    assert client.post(detail, {"action": "certificates_all"}).status_code == 302
    with tenant_context(union_a):
        certificate = Certificate.objects.get()
        assert certificate.user == people["worker"][1]
    assert certificate.number in client.get(detail).content.decode()
    assert "王建国" in client.get("/admin/training/hours/").content.decode()
    # Union B's staff see none of it in their hours and certificates
    client_b = signed_in(client_for(union_b), make_person(union_b, "officer", name="吴干事")[0])
    assert "王建国" not in client_b.get("/admin/training/hours/").content.decode()
    assert certificate.number not in client_b.get("/admin/training/certificates/").content.decode()
    # Staff cancel a member's enrolment
    assert client.post(detail, {"action": "enrolment_cancel", "enrolment": theirs.pk}).status_code == 302
    with tenant_context(union_a):
        theirs.refresh_from_db()
        assert theirs.status == Enrolment.Status.CANCELLED


def test_members_and_other_unions_staff_cannot_reach_the_admin(union_a, union_b, client_for, people):
    course = make_course(union_a, people["officer"][1], first_day=-7, sessions=1)
    with tenant_context(union_a):
        session = course.sessions.get()
        enrolment = enrolment_create(course=course, user=people["worker"][1])
    member = signed_in(client_for(union_a), people["worker"][0])
    assert member.get("/admin/training/courses/").status_code in (302, 403, 404)
    officer_b_account, _officer_b = make_person(union_b, "officer", name="吴干事")
    client_b = signed_in(client_for(union_b), officer_b_account)
    assert client_b.get("/admin/training/courses/").status_code == 200
    assert "电工技能提升班" not in client_b.get("/admin/training/courses/").content.decode()
    assert client_b.get(f"/admin/training/courses/{course.pk}/").status_code == 404
    assert (
        client_b.post(f"/admin/training/courses/{course.pk}/", {"action": "certificates_all"}).status_code
        == 404
    )
    url = f"/admin/training/courses/{course.pk}/sessions/{session.pk}/attendance/"
    assert client_b.get(url).status_code == 404
    assert client_b.post(url, {"present": [enrolment.pk]}).status_code == 404
    with tenant_context(union_a):
        assert not Attendance.objects.exists()
