"""Fixtures of the reception day tests: a union's staff, members and a published schedule."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.reception.models import ReceptionSchedule
from tenants.reception.services import reception_schedule_save
from tests.factories import make_person


@pytest.fixture
def people(union_a):
    """The chairman, an officer and two members of union A (accounts and local users)."""
    chairman = make_person(union_a, "chairman", name="张主席")
    officer = make_person(union_a, "officer", name="李干事")
    worker = make_person(union_a, "member", name="王职工")
    other = make_person(union_a, "member", name="赵职工")
    return {"chairman": chairman, "officer": officer, "worker": worker, "other": other}


def next_weekday(weekday: int, *, after: datetime.date | None = None) -> datetime.date:
    """The first ``weekday`` (0 = Monday) strictly after ``after`` (today by default)."""
    day = (after or timezone.localdate()) + datetime.timedelta(days=1)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def weekly(union_a, people):
    """A weekly schedule (since two months ago) on the weekday of the day after tomorrow, 14:00–16:00, 30-minute slots, 2 each."""
    weekday = (timezone.localdate() + datetime.timedelta(days=2)).weekday()
    with tenant_context(union_a):
        return reception_schedule_save(
            schedule=ReceptionSchedule(
                title="主席接待日", host=people["chairman"][1], place="劳动争议调解室",
                frequency="weekly", weekday=weekday, starts_on=timezone.localdate() - datetime.timedelta(days=60),
                start_time=datetime.time(14), end_time=datetime.time(16), slot_minutes=30, people_per_slot=2,
            ),
            by=people["chairman"][1],
        )  # fmt: skip
