"""The reception schedule: dates from the recurrence rule, slots, cancelled dates, refusals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from tenants.notifications.models import Notification
from tenants.reception.models import ReceptionBooking, ReceptionCancellation, ReceptionSchedule
from tenants.reception.selectors import schedule_occurrences
from tenants.reception.services import (
    reception_booking_create,
    reception_date_cancel,
    reception_date_restore,
    reception_schedule_save,
)
from tests.reception.conftest import next_weekday
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

D = datetime.date


def schedule(**fields) -> ReceptionSchedule:
    values = dict(
        title="主席接待日", place="劳动争议调解室", frequency="monthly", interval=1, weekday=1, week_of_month=2,
        starts_on=D(2026, 1, 1), start_time=datetime.time(14), end_time=datetime.time(16), slot_minutes=30,
        people_per_slot=2,
    )  # fmt: skip
    values.update(fields)
    return ReceptionSchedule(**values)


def test_every_second_tuesday_of_the_month_across_a_month_boundary():
    # Given "every month on the second Tuesday"
    monthly = schedule()
    # When asked for the dates from late January to the end of March
    dates = monthly.dates_between(D(2026, 1, 20), D(2026, 3, 31))
    # Then January's (the 13th) has passed and February's and March's follow
    assert dates == [D(2026, 2, 10), D(2026, 3, 10)]
    assert all(day.weekday() == 1 for day in dates)
    assert monthly.occurs_on(D(2026, 2, 10)) and not monthly.occurs_on(D(2026, 2, 17))


def test_every_other_tuesday_and_the_last_friday_of_the_month():
    fortnightly = schedule(frequency="weekly", interval=2, week_of_month=None, starts_on=D(2026, 1, 27))
    assert fortnightly.dates_between(D(2026, 1, 1), D(2026, 3, 1)) == [
        D(2026, 1, 27),
        D(2026, 2, 10),
        D(2026, 2, 24),
    ]
    last_friday = schedule(weekday=4, week_of_month=-1)
    assert last_friday.dates_between(D(2026, 1, 1), D(2026, 3, 31)) == [
        D(2026, 1, 30),
        D(2026, 2, 27),
        D(2026, 3, 27),
    ]


def test_the_schedule_ends_on_its_last_date_and_reads_as_words():
    monthly = schedule(ends_on=D(2026, 2, 28))
    assert monthly.dates_between(D(2026, 1, 1), D(2026, 6, 30)) == [D(2026, 1, 13), D(2026, 2, 10)]
    with translation.override("en"):
        assert monthly.describe() == "Every month on the second Tuesday 14:00–16:00"
        fortnightly = schedule(frequency="weekly", interval=2, week_of_month=None)
        assert fortnightly.describe() == "Every 2 weeks on Tuesday 14:00–16:00"


def test_slots_are_whole_and_in_local_time():
    monthly = schedule(start_time=datetime.time(14), end_time=datetime.time(15, 40), slot_minutes=30)
    starts = monthly.slot_starts(D(2026, 2, 10))
    assert [timezone.localtime(s).strftime("%H:%M") for s in starts] == ["14:00", "14:30", "15:00"]
    assert all(timezone.localtime(s).date() == D(2026, 2, 10) for s in starts)


def test_a_cancelled_date_is_shown_as_such_and_cannot_be_booked(union_a, people, weekly):
    chairman, worker = people["chairman"][1], people["worker"][1]
    with tenant_context(union_a):
        day = next_weekday(weekly.weekday)
        reception_booking_create(
            schedule=weekly, slot_start=weekly.slot_starts(day)[0], member=worker, topic="加班费"
        )
        # When the chairman cancels the date
        reception_date_cancel(schedule=weekly, date=day, reason="国庆假期", by=chairman)
        # Then the date is listed as cancelled, with no bookable slot, and the booking is cancelled
        occurrence = schedule_occurrences(schedule=weekly, first=day, last=day)[0]
        assert occurrence.cancelled and occurrence.cancel_reason == "国庆假期" and not occurrence.bookable
        assert ReceptionBooking.objects.get().status == ReceptionBooking.Status.CANCELLED
        assert Notification.objects.filter(recipient=worker, title__contains=str(day.year)).exists()
        with pytest.raises(ServiceError) as refused:
            reception_booking_create(
                schedule=weekly, slot_start=weekly.slot_starts(day)[1], member=worker, topic="加班费"
            )
        assert refused.value.code == "booking_date_cancelled" and "国庆假期" in str(refused.value.message)
        # And the next week's date is untouched
        later = schedule_occurrences(
            schedule=weekly, first=day + datetime.timedelta(days=7), last=day + datetime.timedelta(days=7)
        )
        assert later and not later[0].cancelled

        # Taking the cancellation back makes the date bookable again
        reception_date_restore(cancellation=ReceptionCancellation.objects.get(), by=chairman)
        assert schedule_occurrences(schedule=weekly, first=day, last=day)[0].bookable


@pytest.mark.parametrize(
    ("day_offset", "reason", "code"),
    [(1, "假期", "cancel_not_a_date"), (0, "", "cancel_reason"), (-7, "假期", "cancel_past")],
)
def test_cancelling_a_date_that_is_not_one_or_without_a_reason_is_refused(
    union_a, people, weekly, day_offset, reason, code
):
    with tenant_context(union_a):
        day = next_weekday(weekly.weekday) + datetime.timedelta(days=day_offset)
        with pytest.raises(ServiceError) as refused:
            reception_date_cancel(schedule=weekly, date=day, reason=reason, by=people["chairman"][1])
        assert refused.value.code == code
        assert not ReceptionCancellation.objects.exists()


def test_only_staff_cancel_a_date(union_a, people, weekly):
    with tenant_context(union_a), pytest.raises(ServiceError) as refused:
        reception_date_cancel(
            schedule=weekly, date=next_weekday(weekly.weekday), reason="假期", by=people["worker"][1]
        )
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_time": datetime.time(13)}, "end_time"),
        ({"slot_minutes": 180}, "slot_minutes"),
        ({"people_per_slot": 0}, "people_per_slot"),
        ({"week_of_month": None}, "week_of_month"),
        ({"ends_on": D(2025, 12, 1)}, "ends_on"),
        ({"place": " "}, "place"),
    ],
)
def test_a_schedule_that_cannot_work_is_refused_with_the_field_to_fix(union_a, people, change, field):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            reception_schedule_save(
                schedule=schedule(host=people["chairman"][1], **change), by=people["chairman"][1]
            )
        assert refused.value.field == field
        assert not ReceptionSchedule.objects.exists()
