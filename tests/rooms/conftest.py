"""Fixtures of the room booking tests: a union's people (shared with the group tests), the
activity centre (a multi-use room for 20 people) open every day 8:00–22:00, bookable at once,
and the stress-relief room, which needs an officer's approval."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.rooms.models import RoomBookingRule
from tenants.rooms.services import room_rule_save
from tests.groups.conftest import badminton, people, room_add  # noqa: F401  (fixtures)

ALL_WEEK = [(day, datetime.time(8), datetime.time(22)) for day in range(7)]


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware moment ``days`` from today at the given local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def centre(union_a, people):  # noqa: F811
    with tenant_context(union_a):
        room = room_add()
        room_rule_save(
            rule=RoomBookingRule(room=room, max_hours=4, days_ahead=30),
            hours=ALL_WEEK,
            by=people["officer"][1],
        )
        return room


@pytest.fixture
def relief(union_a, people):  # noqa: F811
    with tenant_context(union_a):
        room = room_add(title="职工减压室", kind="stress_relief_room", uses=[], capacity=6)
        room_rule_save(
            rule=RoomBookingRule(room=room, requires_approval=True, max_hours=2, days_ahead=14),
            hours=[(day, datetime.time(10), datetime.time(20)) for day in range(5)], by=people["officer"][1],
        )  # fmt: skip
        return room
