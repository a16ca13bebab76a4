"""Two workers book the same counsellor's time at the same moment, each in its own connection
and transaction, on real PostgreSQL: exactly one appointment, one refusal, no stray consent."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.counselling.models import Appointment, CounsellingSlot, Counsellor
from tenants.counselling.services import appointment_book
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tenants.privacy.models import Consent
from tenants.users.models import User
from tests.factories import events_delete, make_person

pytestmark = pytest.mark.django_db

RACERS = 4


def _in_own_connection(work) -> None:
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


def test_two_bookings_of_one_slot_at_once_make_one_appointment(union_a):
    """Given a free slot (committed), when four members book it at the same moment, then one
    gets the appointment, three are told the slot is taken, and only one consent is left."""
    setup: dict = {}

    def create():
        counsellor_user = make_person(union_a, "counsellor", name="并发咨询师")[1]
        members = [make_person(union_a, "member", name=f"并发职工{i}")[1].pk for i in range(RACERS)]
        with tenant_context(union_a):
            counsellor = Counsellor.objects.create(
                name="并发咨询师", qualification="心理咨询师", user=counsellor_user
            )
            start = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
            slot = CounsellingSlot.objects.create(
                counsellor=counsellor,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=50),
                place="减压室",
            )
        setup.update(
            slot=slot.pk, members=members, counsellor=counsellor.pk, users=[*members, counsellor_user.pk]
        )

    _in_own_connection(create)
    outcomes: list[str] = []
    barrier = threading.Barrier(RACERS)

    def book(member_id: int) -> None:
        try:
            with tenant_context(union_a):
                slot = CounsellingSlot.objects.get(pk=setup["slot"])
                member = User.objects.get(pk=member_id)
                barrier.wait(timeout=20)
                try:
                    outcomes.append(appointment_book(slot=slot, worker=member, consent_given=True).status)
                except Exception as error:  # the code (or the unexpected error) is what the test compares
                    outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=book, args=(pk,)) for pk in setup["members"]]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == sorted(["booked"] + ["slot_taken"] * (RACERS - 1))
        with tenant_context(union_a):
            assert Appointment.objects.filter(slot_id=setup["slot"]).count() == 1
            assert Consent.objects.filter(worker_id__in=setup["members"], scope="counselling").count() == 1
    finally:

        def cleanup():
            with tenant_context(union_a):
                Appointment.objects.filter(slot_id=setup["slot"]).delete()
                Consent.objects.filter(worker_id__in=setup["members"]).delete()
                events_delete(OutboxEvent.objects.filter(name__startswith="counselling."))
                Notification.objects.filter(recipient_id__in=setup["users"]).delete()
                Counsellor.objects.filter(pk=setup["counsellor"]).delete()
                accounts = list(
                    User.objects.filter(pk__in=setup["users"]).values_list("account_id", flat=True)
                )
                User.objects.filter(pk__in=setup["users"]).delete()
            Account.objects.filter(pk__in=accounts).delete()

        _in_own_connection(cleanup)
