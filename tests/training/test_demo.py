"""The training demo: realistic courses through the services, with registers and a
certificate, and nothing added twice."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.registry.demo_data import UNIONS
from tenants.training.demo import demo_fill
from tenants.training.models import Attendance, Certificate, Course, CourseSession, Enrolment
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Course.objects.count(), CourseSession.objects.count(), Enrolment.objects.count(),
        Attendance.objects.count(), Certificate.objects.count(),
    )  # fmt: skip


def test_the_demo_fills_courses_registers_and_a_certificate_once(union_a):
    make_person(union_a, "officer", name="李干事")
    for name in ("王芳", "赵强", "孙丽", "周敏", "吴磊"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        first = counts()
        assert first[0] == 4 and first[4] == 1 and first[3] > 0
        assert set(Course.objects.values_list("status", flat=True)) == {"published"}
        assert Enrolment.objects.filter(status="waiting").count() == 1
        assert Certificate.objects.get().course.title == "电工技能提升班（中级）"
        demo_fill(spec=UNIONS[0], index=0)
        assert counts() == first
