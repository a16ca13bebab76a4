"""Counselling's services: booking after consent, a taken slot refused, cancelling, closing,
notes encrypted at rest and kept out of the logs, reminders, lectures, and the events counted."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity
from tenants.activities.services import activity_held_mark
from tenants.counselling.models import Appointment, Counsellor, SessionNote
from tenants.counselling.selectors import lectures_upcoming, slots_free
from tenants.counselling.services import (
    appointment_book,
    appointment_cancel,
    appointment_close,
    lecture_save,
    lectures_held_report,
    note_save,
    reminders_send,
    slots_add,
)
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tenants.privacy.models import Consent
from tests.counselling.conftest import NOTE, move_to_past
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_booking_records_the_consent_first_and_tells_both(union_a, people, slots):
    """Given a free slot, when a member books it agreeing to the purpose, then the consent
    (scope counselling, online, purpose stated) is recorded, the appointment points at it, the
    slot is no longer free, both are told, and the event carries counts only."""
    with tenant_context(union_a):
        slot = slots["own"][0]
        appointment = appointment_book(slot=slot, worker=people["worker"], consent_given=True)
        consent = appointment.consent
        assert (consent.worker, consent.scope, consent.method) == (people["worker"], "counselling", "online")
        assert "仅该咨询师本人" in consent.purpose
        assert slot not in slots_free()
        assert Notification.objects.filter(recipient=people["worker"]).exists()
        assert Notification.objects.filter(recipient=people["counsellor"]).exists()
        event = OutboxEvent.objects.get(name="counselling.appointment_booked")
        assert set(event.payload) == {"hired", "starts_on"} and event.payload["hired"] is False


def test_no_consent_no_appointment_and_nothing_saved(union_a, people, slots):
    """Given a member who does not tick the consent, when they book, then it is refused with a
    clear message and neither a consent nor an appointment is saved."""
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            appointment_book(slot=slots["own"][0], worker=people["worker"], consent_given=False)
        assert refused.value.code == "consent_required"
        assert not Appointment.objects.exists()
        assert not Consent.objects.filter(worker=people["worker"], scope="counselling").exists()


def test_a_taken_slot_is_refused_and_a_cancelled_one_is_free_again(union_a, people, booked):
    """Given a booked slot, when another member books it, then it is refused and nothing saved
    (not even their consent); once the first cancels, the slot can be booked again."""
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as taken:
            appointment_book(slot=booked.slot, worker=people["member"], consent_given=True)
        assert taken.value.code == "slot_taken"
        assert not Consent.objects.filter(worker=people["member"]).exists()
        with pytest.raises(ServiceError):
            appointment_cancel(appointment=booked, by=people["member"])  # not theirs
        appointment_cancel(appointment=booked, by=people["worker"])
        again = appointment_book(slot=booked.slot, worker=people["member"], consent_given=True)
        assert again.status == "booked"


def test_the_database_refuses_two_live_appointments_for_one_slot(union_a, people, booked):
    """Given a booked slot, when a second live appointment is inserted bypassing the service,
    then the partial unique constraint refuses it."""
    from django.db import IntegrityError, transaction

    with tenant_context(union_a), pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(slot=booked.slot, worker=people["member"], consent=booked.consent)


def test_bad_input_is_refused(union_a, people, counsellors, slots):
    """Past slots, non-members, booking oneself, slots for a counsellor without an account."""
    with tenant_context(union_a):
        past = slots["own"][0]
        move_to_past(past)
        with pytest.raises(ServiceError) as refused:
            appointment_book(slot=past, worker=people["worker"], consent_given=True)
        assert refused.value.code == "slot_past"
        with pytest.raises(ServiceError) as refused:
            appointment_book(slot=slots["own"][1], worker=people["counsellor"], consent_given=True)
        assert refused.value.code == "counselling_self"
        outsider = Counsellor.objects.create(name="外聘专家", qualification="心理治疗师", hired=True)
        with pytest.raises(ServiceError) as refused:
            slots_add(counsellor=outsider, first_day=timezone.localdate(), weeks=1, weekdays=[0, 1, 2, 3, 4],
                      start=datetime.time(9), minutes=50, place="减压室", by=people["chairman"])  # fmt: skip
        assert refused.value.code == "counsellor_no_account"
        with pytest.raises(ServiceError) as refused:
            slots_add(counsellor=counsellors["own"], first_day=timezone.localdate(), weeks=1, weekdays=[1],
                      start=datetime.time(9), minutes=50, place="减压室", by=people["worker"])  # fmt: skip
        assert refused.value.code == "counselling_forbidden"


def test_slots_added_twice_are_not_doubled(union_a, people, counsellors):
    with tenant_context(union_a):
        values = dict(counsellor=counsellors["own"], first_day=timezone.localdate() + datetime.timedelta(days=1),
                      weeks=2, weekdays=[0, 2], start=datetime.time(10), minutes=50, place="职工减压室",
                      by=people["officer"])  # fmt: skip
        made = slots_add(**values)
        assert len(made) == 4
        assert slots_add(**values) == []


def test_notes_are_ciphertext_in_the_database(union_a, held):
    """Given a held talk with notes, when the raw column is read, then it holds a Fernet token,
    not the text; through the model the author's service gets the text back."""
    with tenant_context(union_a):
        note = SessionNote.objects.get(appointment=held)
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM counselling_sessionnote WHERE id = %s", [note.pk])
            raw = cursor.fetchone()[0]
        assert raw.startswith("gAAAA") and "失眠" not in raw
        assert note.text == NOTE


def test_only_the_counsellor_closes_and_writes_notes(union_a, people, booked):
    with tenant_context(union_a):
        move_to_past(booked.slot)
        for who in ("chairman", "counsellor2", "worker"):
            with pytest.raises(ServiceError):
                appointment_close(appointment=booked, held=True, by=people[who])
        with pytest.raises(ServiceError) as early:
            note_save(appointment=booked, text="x", by=people["counsellor"])
        assert early.value.code == "note_not_held"
        appointment_close(appointment=booked, held=True, by=people["counsellor"])
        for who in ("chairman", "counsellor2"):
            with pytest.raises(ServiceError):
                note_save(appointment=booked, text="越权", by=people[who])
        with pytest.raises(ServiceError) as empty:
            note_save(appointment=booked, text="   ", by=people["counsellor"])
        assert empty.value.code == "note_empty"
        assert not SessionNote.objects.filter(appointment=booked).exists()
        assert OutboxEvent.objects.get(name="counselling.appointment_held").payload["hired"] is False


def test_notes_never_reach_the_logs(union_a, people, booked, client_for, caplog):
    """Given every logger capturing at DEBUG, when the counsellor writes, saves and reads the
    notes through the admin and the API, then the notes appear in no log record."""
    from tests.counselling.conftest import api, signed_in

    text = "秘密内容：来访者提到与配偶冲突和睡眠问题"
    with tenant_context(union_a):
        move_to_past(booked.slot)
        appointment_close(appointment=booked, held=True, by=people["counsellor"])
    caplog.set_level(logging.DEBUG)
    client = signed_in(client_for(union_a), people["counsellor"])
    saved = client.post(
        f"/admin/counselling/appointments/{booked.pk}/", {"action": "note", "note-text": text}
    )
    assert saved.status_code == 302
    page = client.get(f"/admin/counselling/appointments/{booked.pk}/").content.decode()
    assert text in page
    assert (
        api(client_for, union_a, people["counsellor"])
        .get(f"/api/v1/counselling/appointments/{booked.pk}/note/")
        .json()["text"]
        == text
    )
    assert caplog.records, "the capture must see the request logs"
    logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    assert "秘密内容" not in logged and "配偶" not in logged


def test_reminders_go_once_a_day_before(union_a, people, booked):
    """Given a talk tomorrow, when the reminder scan runs twice, then the worker is reminded once."""
    with tenant_context(union_a):
        before = Notification.objects.filter(recipient=people["worker"]).count()
        assert reminders_send(now=booked.slot.starts_at - datetime.timedelta(days=2)) == 0
        assert reminders_send(now=booked.slot.starts_at - datetime.timedelta(hours=20)) == 1
        assert reminders_send(now=booked.slot.starts_at - datetime.timedelta(hours=19)) == 0
        assert Notification.objects.filter(recipient=people["worker"]).count() == before + 1


def test_a_lecture_is_an_activity_listed_on_counselling_and_counted_once(union_a, people, counsellors):
    """Given a counselling lecture saved and published through the activities app, then it is a
    lecture-kind activity listed as upcoming; once the activities app marks it held, the
    counselling report emits ``counselling.lecture_held`` once."""
    with tenant_context(union_a):
        starts = timezone.now() + datetime.timedelta(days=7)
        lecture = lecture_save(
            activity=Activity(title="压力管理讲座", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1),
                              place="多功能厅", capacity=50),
            counsellor=counsellors["hired"], by=people["officer"], publish=True,
        )  # fmt: skip
        activity = lecture.activity
        assert (activity.kind, activity.status) == ("lecture", "published")
        assert list(lectures_upcoming()) == [activity]
        Activity.objects.filter(pk=activity.pk).update(
            starts_at=timezone.now() - datetime.timedelta(hours=2),
            ends_at=timezone.now() - datetime.timedelta(hours=1),
        )
        activity.refresh_from_db()
        assert activity_held_mark(activity=activity)
        assert lectures_held_report() == 1
        assert lectures_held_report() == 0
        assert OutboxEvent.objects.filter(name="counselling.lecture_held").count() == 1
        with pytest.raises(ServiceError):
            lecture_save(activity=Activity(title="x", starts_at=starts, ends_at=starts, place="y"),
                         counsellor=None, by=people["worker"])  # fmt: skip
