"""200 people sign up for a 50-seat activity at the same moment, each in its own connection and
transaction, on real PostgreSQL: exactly 50 get a place, 150 wait, nobody twice; then
cancellations racing each other promote exactly as many people from the waiting list."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.activities.models import Activity, ActivitySignup
from tenants.activities.services import activity_signup, activity_signup_cancel
from tenants.users.models import User
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PEOPLE = 200
SEATS = 50
THREADS = 40  # PostgreSQL allows 100 connections: 40 threads of 5 sign-ups each


def _in_own_connection(work) -> None:
    """Run ``work`` in a thread of its own, so what it writes is committed for the others."""
    failure: list[BaseException] = []

    def run():
        try:
            work()
        except BaseException as error:
            failure.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _committed_setup(union) -> tuple[int, list[int]]:
    result: dict = {}

    def work():
        chairman = make_person(union, "chairman", name="并发主席")[1]
        members = [make_person(union, "member", name=f"职工{i:03d}")[1].pk for i in range(PEOPLE)]
        with tenant_context(union):
            start = (timezone.now() + datetime.timedelta(days=5)).replace(microsecond=0)
            activity = Activity.objects.create(
                title="并发报名测试", kind="sports", place="职工篮球场", starts_at=start,
                ends_at=start + datetime.timedelta(hours=2), capacity=SEATS, status=Activity.Status.PUBLISHED,
                organiser=chairman,
            )  # fmt: skip
        result.update(activity=activity.pk, members=members, chairman=chairman.pk)

    _in_own_connection(work)
    return result["activity"], [*result["members"], result["chairman"]]


def _committed_cleanup(union, activity_id: int, user_ids: list[int]) -> None:
    def work():
        with tenant_context(union):
            from tenants.notifications.models import Notification

            Notification.objects.filter(recipient_id__in=user_ids).delete()
            ActivitySignup.objects.filter(activity_id=activity_id).delete()
            Activity.objects.filter(pk=activity_id).delete()
            account_ids = list(User.objects.filter(pk__in=user_ids).values_list("account_id", flat=True))
            User.objects.filter(pk__in=user_ids).delete()
        Account.objects.filter(pk__in=account_ids).delete()

    _in_own_connection(work)


def _race(union, barrier: threading.Barrier, batches: list[list[int]], act) -> list[str]:
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(batch: list[int]) -> None:
        try:
            with tenant_context(union):
                barrier.wait(timeout=60)
                for item in batch:
                    try:
                        result = act(item)
                    except Exception as error:
                        result = f"error:{type(error).__name__}:{getattr(error, 'code', error)}"
                    with lock:
                        outcomes.append(result)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def test_200_people_race_for_50_seats(union_a):
    activity_id, user_ids = _committed_setup(union_a)
    member_ids = user_ids[:-1]
    try:
        # When 200 members sign up at once: 40 threads, each with its own connection, 5 each
        batches = [member_ids[i::THREADS] for i in range(THREADS)]

        def sign_up(user_id: int) -> str:
            activity = Activity(pk=activity_id)
            return activity_signup(activity=activity, user=User.objects.get(pk=user_id)).status

        outcomes = _race(union_a, threading.Barrier(THREADS), batches, sign_up)
        # Then exactly 50 have a place and 150 wait; nobody failed and nobody is there twice
        assert sorted(set(outcomes)) == ["confirmed", "waiting"], sorted(set(outcomes))[:5]
        assert outcomes.count("confirmed") == SEATS and outcomes.count("waiting") == PEOPLE - SEATS
        with tenant_context(union_a):
            signups = ActivitySignup.objects.filter(activity_id=activity_id)
            assert signups.filter(status="confirmed").count() == SEATS
            assert signups.filter(status="waiting").count() == PEOPLE - SEATS
            assert signups.values("user_id").distinct().count() == PEOPLE == signups.count()
            confirmed_ids = list(
                signups.filter(status="confirmed").order_by("created_at").values_list("pk", flat=True)
            )

        # And when 20 confirmed people cancel at once, exactly 20 waiting people move up, the
        # first 20 in the queue
        with tenant_context(union_a):
            queue = list(
                signups.filter(status="waiting")
                .order_by("created_at", "pk")
                .values_list("user_id", flat=True)
            )
        cancelling = confirmed_ids[:20]

        def cancel(signup_id: int) -> str:
            signup = ActivitySignup.objects.select_related("user").get(pk=signup_id)
            return activity_signup_cancel(signup=signup, by=signup.user).status

        outcomes = _race(union_a, threading.Barrier(10), [cancelling[i::10] for i in range(10)], cancel)
        assert outcomes == ["cancelled"] * 20
        with tenant_context(union_a):
            assert signups.filter(status="confirmed").count() == SEATS
            assert signups.filter(status="waiting").count() == PEOPLE - SEATS - 20
            promoted = set(
                signups.filter(status="confirmed", user_id__in=queue).values_list("user_id", flat=True)
            )
            assert promoted == set(queue[:20])
    finally:
        _committed_cleanup(union_a, activity_id, user_ids)
