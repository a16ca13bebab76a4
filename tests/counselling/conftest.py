"""Fixtures of the counselling tests: union A's staff, two counsellors with accounts (one hired),
a worker, coming slots, a booked appointment and a held one with notes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.counselling.models import CounsellingSlot, Counsellor
from tenants.counselling.services import (
    appointment_book,
    appointment_close,
    counsellor_save,
    note_save,
    slots_add,
)
from tests.factories import make_person

NOTE = "来访者夜班后失眠，担心考核，约定两周后再谈。"


@pytest.fixture
def people(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席")[1],
        "officer": make_person(union_a, "officer", name="李干事")[1],
        "counsellor": make_person(union_a, "counsellor", name="陈咨询")[1],
        "counsellor2": make_person(union_a, "member", name="林静怡")[1],
        "worker": make_person(union_a, "member", name="王小明")[1],
        "member": make_person(union_a, "member", name="孙职工")[1],
    }


@pytest.fixture
def counsellors(union_a, people):
    with tenant_context(union_a):
        own = counsellor_save(
            counsellor=Counsellor(
                name="陈咨询", qualification="国家三级心理咨询师", user=people["counsellor"]
            ),
            by=people["chairman"],
        )
        hired = counsellor_save(
            counsellor=Counsellor(
                name="林静怡", qualification="国家二级心理咨询师", hired=True, user=people["counsellor2"]
            ),
            by=people["officer"],
        )
    return {"own": own, "hired": hired}


@pytest.fixture
def slots(union_a, people, counsellors):
    """Two coming slots of the union's own counsellor, one of the hired one."""
    with tenant_context(union_a):
        first_day = timezone.localdate() + datetime.timedelta(days=1)
        own = slots_add(
            counsellor=counsellors["own"], first_day=first_day, weeks=1, weekdays=[first_day.weekday()],
            start=datetime.time(14, 0), minutes=50, place="职工减压室", by=people["chairman"],
        )  # fmt: skip
        own += slots_add(
            counsellor=counsellors["own"], first_day=first_day, weeks=1, weekdays=[first_day.weekday()],
            start=datetime.time(15, 0), minutes=50, place="职工减压室", by=people["chairman"],
        )  # fmt: skip
        hired = slots_add(
            counsellor=counsellors["hired"], first_day=first_day, weeks=1, weekdays=[first_day.weekday()],
            start=datetime.time(18, 30), minutes=60, place="职工减压室", by=people["chairman"],
        )  # fmt: skip
    return {"own": own, "hired": hired}


def move_to_past(slot: CounsellingSlot) -> None:
    """As if the slot had been yesterday (the services refuse to book the past)."""
    back = slot.starts_at - (timezone.now() - datetime.timedelta(days=1))
    CounsellingSlot.objects.filter(pk=slot.pk).update(
        starts_at=slot.starts_at - back, ends_at=slot.ends_at - back
    )


@pytest.fixture
def booked(union_a, people, slots):
    with tenant_context(union_a):
        return appointment_book(slot=slots["own"][0], worker=people["worker"], consent_given=True)


@pytest.fixture
def held(union_a, people, slots):
    """A talk with the union's own counsellor that took place, with notes."""
    with tenant_context(union_a):
        appointment = appointment_book(slot=slots["own"][1], worker=people["member"], consent_given=True)
        move_to_past(appointment.slot)
        appointment_close(appointment=appointment, held=True, by=people["counsellor"])
        note_save(appointment=appointment, text=NOTE, by=people["counsellor"])
        appointment.refresh_from_db()
        return appointment


def signed_in(client, user):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def api(client_for, union, user):
    from rest_framework.authtoken.models import Token

    with tenant_context(union):
        key = Token.objects.get_or_create(user=user)[0].key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def note_audit(union, appointment):
    from tenants.counselling.models import SessionNote
    from tenants.privacy.selectors import accesses_of

    with tenant_context(union):
        note = SessionNote.objects.get(appointment=appointment)
        return list(accesses_of(note).order_by("pk").values_list("user_id", "action", "via"))
