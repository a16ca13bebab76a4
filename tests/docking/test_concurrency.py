"""Units racing for the same time of an exclusive resource that needs no approval: each request
runs in its own connection and transaction, and exactly one booking holds."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import tenant_context

from accounts.models import Account
from docking.models import BookingRequest, SharedResource
from docking.selectors import Party
from docking.services import booking_request, resource_create
from tenants.events.models import OutboxEvent
from tenants.users.models import User
from tests.factories import events_delete, make_person

from .conftest import soon


def _in_thread(work) -> None:
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=False)
def test_racing_requests_for_an_auto_approved_resource_get_one_booking(union_a, union_b):
    racers = 5
    made: dict = {}

    def setup():
        chair_a = make_person(union_a, "chairman", name="并发主席甲")[1]
        chairs_b = [make_person(union_b, "officer", name=f"并发干事{i}")[1].pk for i in range(racers)]
        with tenant_context(union_a):
            resource = resource_create(party=Party(union=union_a), by=chair_a, kind="venue", title="并发篮球场",
                                       address="朝阳区", contact="王干事 010-1", capacity=20, requires_approval=False,
                                       publish=True)  # fmt: skip
        made.update(resource=resource.pk, a=[chair_a.pk], b=chairs_b)

    _in_thread(setup)
    outcomes: list[str] = []
    barrier = threading.Barrier(racers)

    def race(index: int, user_id: int) -> None:
        try:
            with tenant_context(union_b):
                user = User.objects.get(pk=user_id)
                resource = SharedResource.objects.get(pk=made["resource"])
                barrier.wait(timeout=10)
                try:
                    booking_request(
                        resource=resource, party=Party(union=union_b), by=user, requester_name="刘洋",
                        requester_phone="13800138001", purpose="篮球赛", headcount=10,
                        starts_at=soon(6, 18, index * 5), ends_at=soon(6, 20),
                    )  # fmt: skip
                    outcomes.append("booked")
                except Exception as error:
                    outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=race, args=(i, pk)) for i, pk in enumerate(made["b"])]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["booked"] + ["booking_overlap"] * (racers - 1)
    finally:

        def cleanup():
            BookingRequest.objects.filter(resource_id=made["resource"]).delete()
            SharedResource.objects.filter(pk=made["resource"]).delete()
            accounts = []
            for union, key in ((union_a, "a"), (union_b, "b")):
                with tenant_context(union):
                    events_delete(OutboxEvent.objects.filter(name__startswith="docking."))
                    users = User.objects.filter(pk__in=made[key])
                    accounts += list(users.values_list("account_id", flat=True))
                    from tenants.notifications.models import Notification

                    Notification.objects.filter(recipient__in=users).delete()
                    Notification.objects.filter(title__contains="并发篮球场").delete()
                    users.delete()
            Account.objects.filter(pk__in=accounts).delete()

        _in_thread(cleanup)
