"""Skills training on the union's site: the courses and skills exchanges for anyone, a course's
page with enrol and cancel for members, "my training", and nothing of union A on B's host."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity
from tenants.training.models import CourseSession, Enrolment
from tenants.training.services import attendance_record, enrolment_create
from tests.factories import make_person
from tests.training.conftest import at, make_course, signed_in

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_courses_and_skills_exchanges(union_a, client_for, people):
    course = make_course(union_a, people["officer"][1])
    make_course(union_a, people["officer"][1], publish=False, title="还没发布的课程")
    with tenant_context(union_a):
        Activity.objects.create(
            title="数控车床操作技能交流会", kind="skills_exchange", status="published", place="二车间",
            starts_at=at(10, 14), ends_at=at(10, 16),
        )  # fmt: skip
        Activity.objects.create(
            title="职工篮球赛", kind="sports", status="published", starts_at=at(10, 14), ends_at=at(10, 16)
        )
    response = client_for(union_a).get("/training/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "电工技能提升班" in html and f"/training/{course.pk}/" in html and "高级技师 王建国" in html
    assert "还没发布的课程" not in html
    assert "数控车床操作技能交流会" in html and "职工篮球赛" not in html
    assert "0/20" not in html  # places read as words, not a fraction
    # The category filter keeps only that category
    assert "电工技能提升班" not in client_for(union_a).get("/training/?category=safety").content.decode()
    page = client_for(union_a).get(f"/training/{course.pk}/").content.decode()
    assert "第1讲" in page and "/accounts/login/?next=%2Ftraining%2F" in page


def test_a_member_enrols_sees_it_and_cancels_on_the_site(union_a, client_for, people):
    course = make_course(union_a, people["officer"][1])
    client = signed_in(client_for(union_a), people["worker"][0])
    assert 'type="submit"' in client.get(f"/training/{course.pk}/").content.decode()
    response = client.post(f"/training/{course.pk}/")
    assert response.status_code == 302
    with tenant_context(union_a):
        enrolment = Enrolment.objects.get(course=course, user=people["worker"][1])
    page = client.get(f"/training/{course.pk}/").content.decode()
    assert f"/training/enrolments/{enrolment.pk}/cancel/" in page
    # Enrolling twice: the reason on the page (409), nothing added
    again = client.post(f"/training/{course.pk}/")
    assert again.status_code == 409 and 'role="alert"' in again.content.decode()
    with tenant_context(union_a):
        assert Enrolment.objects.filter(course=course).count() == 1
    assert client.post(f"/training/enrolments/{enrolment.pk}/cancel/").status_code == 302
    with tenant_context(union_a):
        enrolment.refresh_from_db()
        assert enrolment.status == "cancelled"
    # Someone else's enrolment is not found
    with tenant_context(union_a):
        theirs = enrolment_create(course=course, user=people["other"][1])
    assert client.post(f"/training/enrolments/{theirs.pk}/cancel/").status_code == 404


def test_my_training_shows_hours_and_progress(union_a, client_for, people):
    officer, worker = people["officer"][1], people["worker"][1]
    course = make_course(union_a, officer, first_day=-15, sessions=4, hours="1.5")
    with tenant_context(union_a):
        enrolment = enrolment_create(course=course, user=worker)
        for session in CourseSession.objects.filter(course=course, starts_at__lt=at(0, 0)):
            attendance_record(session=session, present=[enrolment.pk], by=officer)
    client = signed_in(client_for(union_a), people["worker"][0])
    html = client.get("/my/training/").content.decode()
    assert "电工技能提升班" in html and ">4.5" in html  # 3 sessions held × 1.5 hours
    assert client_for(union_a).get("/my/training/").status_code == 302


def test_union_b_sees_nothing_of_union_a_courses(union_a, union_b, client_for, people):
    course = make_course(union_a, people["officer"][1])
    with tenant_context(union_a):
        enrolment = enrolment_create(course=course, user=people["worker"][1])
    account_b, _user_b = make_person(union_b, "member", name="钱多多")
    client_b = signed_in(client_for(union_b), account_b)
    assert "电工技能提升班" not in client_b.get("/training/").content.decode()
    assert client_b.get(f"/training/{course.pk}/").status_code == 404
    assert client_b.post(f"/training/{course.pk}/").status_code == 404
    assert client_b.post(f"/training/enrolments/{enrolment.pk}/cancel/").status_code == 404
    assert "电工技能提升班" not in client_b.get("/my/training/").content.decode()
    with tenant_context(union_a):
        enrolment.refresh_from_db()
        assert enrolment.status == "enrolled" and Enrolment.objects.count() == 1
