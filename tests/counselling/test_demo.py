"""The counselling demo: two counsellors (one hired), their times, a booked talk, a held talk
with encrypted notes, a lecture next week; running it twice adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.counselling.demo import demo_fill
from tenants.counselling.models import (
    Appointment,
    CounsellingLecture,
    CounsellingSlot,
    Counsellor,
    SessionNote,
)
from tenants.registry.demo_data import UNIONS
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_demo_fills_counselling_once(union_a):
    make_person(union_a, "chairman", name="张主席")
    make_person(union_a, "counsellor", name="陈静")
    for name in ("王芳", "赵强", "孙丽", "周敏", "吴磊", "郑洁", "冯涛"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        demo_fill(spec=UNIONS[0], index=0)
        assert sorted(Counsellor.objects.values_list("hired", flat=True)) == [False, True]
        assert CounsellingSlot.objects.filter(starts_at__gt=timezone.now()).count() >= 10
        assert Appointment.objects.filter(status="booked").count() == 1
        held = Appointment.objects.get(status="held")
        note = SessionNote.objects.get(appointment=held)
        assert note.author == held.slot.counsellor.user and "入睡困难" in note.text
        lecture = CounsellingLecture.objects.select_related("activity").get()
        assert lecture.activity.status == "published" and lecture.activity.starts_at > timezone.now()
        counts = (Counsellor.objects.count(), CounsellingSlot.objects.count(), Appointment.objects.count())
        demo_fill(spec=UNIONS[0], index=0)
        assert (
            Counsellor.objects.count(),
            CounsellingSlot.objects.count(),
            Appointment.objects.count(),
        ) == counts
