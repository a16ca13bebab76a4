"""Fixtures of the skills training tests: a union's staff and members, and courses made the way
production makes them (through the services)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.training.models import Course
from tenants.training.services import course_save, course_session_add
from tests.factories import PASSWORD, make_person


@pytest.fixture
def people(union_a):
    """The chairman, an officer and four members of union A (accounts and local users)."""
    return {
        "chairman": make_person(union_a, "chairman", name="张主席"),
        "officer": make_person(union_a, "officer", name="李干事"),
        "worker": make_person(union_a, "member", name="王建国"),
        "other": make_person(union_a, "member", name="赵丽"),
        "third": make_person(union_a, "member", name="孙小梅"),
        "fourth": make_person(union_a, "member", name="周强"),
    }


def at(days: float, hour: int = 19) -> datetime.datetime:
    """A moment ``days`` from today at ``hour`` o'clock, local time."""
    day = timezone.localdate() + datetime.timedelta(days=int(days))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_course(
    union,
    by,
    *,
    title: str = "电工技能提升班",
    sessions: int = 5,
    first_day: int = 7,
    capacity: int = 20,
    waiting_list: bool = True,
    deadline_day: int = 5,
    completion: int = 80,
    hours: str = "2.0",
    publish: bool = True,
) -> Course:
    """A course with ``sessions`` weekly sessions from ``first_day`` days from today (negative:
    already held), 19:00–21:00, enrolment open until ``deadline_day`` days from today."""
    with tenant_context(union):
        course = course_save(
            course=Course(
                title=title, category="vocational", teacher="高级技师 王建国", place="职工之家培训教室",
                capacity=capacity, waiting_list=waiting_list, enrolment_deadline=at(deadline_day, 18),
                hours_per_session=Decimal(hours), completion_percent=completion,
            ),
            by=by,
        )  # fmt: skip
        for index in range(sessions):
            start = at(first_day + 7 * index)
            course_session_add(
                course=course, starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                topic=f"第{index + 1}讲", by=by,
            )  # fmt: skip
        if publish:
            course.status = Course.Status.PUBLISHED
            course = course_save(course=course, by=by)
        return course


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def api(client_for, union, user):
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")
