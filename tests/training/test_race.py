"""Members racing for the last places of a course, each in its own connection and transaction:
exactly as many enrolled as there are places, the rest on the waiting list, nobody twice."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.events.models import OutboxEvent
from tenants.training.models import Course, CourseSession, Enrolment
from tenants.training.services import enrolment_create
from tenants.users.models import User
from tests.factories import events_delete, make_person
from tests.training.conftest import at

pytestmark = pytest.mark.django_db(transaction=False)

RACERS = 6
PLACES = 2


def _in_own_connection(work) -> None:
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_racing_members_get_exactly_the_places_and_the_rest_wait(union_a):
    setup: dict = {}

    def create():
        members = [make_person(union_a, "member", name=f"抢课{i}")[1].pk for i in range(RACERS)]
        with tenant_context(union_a):
            course = Course.objects.create(
                title="并发报名测试", category="digital", teacher="陈静", place="培训教室", capacity=PLACES,
                enrolment_deadline=at(5), hours_per_session=Decimal("2"), status="published",
            )  # fmt: skip
            CourseSession.objects.create(
                course=course, starts_at=at(7), ends_at=at(7) + datetime.timedelta(hours=2)
            )
        setup.update(course=course.pk, members=members)

    _in_own_connection(create)
    outcomes: list[str] = []
    barrier = threading.Barrier(RACERS * 2)

    def enrol(member_id: int) -> None:
        try:
            with tenant_context(union_a):
                course = Course.objects.get(pk=setup["course"])
                member = User.objects.get(pk=member_id)
                barrier.wait(timeout=20)
                try:
                    outcomes.append(enrolment_create(course=course, user=member).status)
                except Exception as error:  # the code (or the unexpected error) is what the test compares
                    outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connections["default"].close()

    # Each member tries twice at the same moment
    threads = [threading.Thread(target=enrol, args=(pk,)) for pk in setup["members"] for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == sorted(
            ["enrolled"] * PLACES + ["waiting"] * (RACERS - PLACES) + ["enrolment_twice"] * RACERS
        )
        with tenant_context(union_a):
            live = list(Enrolment.objects.filter(course_id=setup["course"]).values_list("user_id", "status"))
        assert len(live) == RACERS and len({user for user, _status in live}) == RACERS
        assert sum(status == "enrolled" for _user, status in live) == PLACES
    finally:

        def cleanup():
            with tenant_context(union_a):
                events_delete(
                    OutboxEvent.objects.filter(name__startswith="training.", payload__course=setup["course"])
                )
                Course.objects.filter(pk=setup["course"]).delete()
                accounts = list(
                    User.objects.filter(pk__in=setup["members"]).values_list("account_id", flat=True)
                )
                User.objects.filter(pk__in=setup["members"]).delete()
            Account.objects.filter(pk__in=accounts).delete()

        _in_own_connection(cleanup)
