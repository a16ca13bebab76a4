"""Session notes are the counsellor's alone: the chairman, a superuser and another counsellor
get a 404 in the admin and the API, and each refused read is audited; the author's reads are
audited too. Appointments are shown to their counsellor and worker only; managers see counts."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.privacy.selectors import accesses_of
from tests.counselling.conftest import NOTE, api, note_audit, signed_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_author_reads_the_notes_and_each_read_is_audited(union_a, client_for, people, held):
    """Given a held talk with notes, when its counsellor opens it in the admin and the API, then
    the notes show and both reads are in the audit log."""
    client = signed_in(client_for(union_a), people["counsellor"])
    page = client.get(f"/admin/counselling/appointments/{held.pk}/")
    assert page.status_code == 200 and NOTE in page.content.decode()
    response = api(client_for, union_a, people["counsellor"]).get(
        f"/api/v1/counselling/appointments/{held.pk}/note/"
    )
    assert response.status_code == 200 and response.json()["text"] == NOTE
    me = people["counsellor"].pk
    assert note_audit(union_a, held) == [(me, "read", "admin"), (me, "read", "api")]


@pytest.mark.parametrize("who", ["chairman", "officer", "counsellor2", "worker", "superuser"])
def test_anyone_else_gets_404_and_the_refusal_is_audited(union_a, client_for, people, held, who):
    """Given a held talk with notes, when the chairman, an officer, another counsellor, a
    worker or a superuser asks for it in the admin and for the notes in the API, then each gets
    a 404 without the text and two ``refused`` rows are written."""
    if who == "superuser":
        with tenant_context(union_a):
            user = make_person(union_a, "chairman", name="超级管理员")[1]
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
    else:
        user = people[who]
    client = signed_in(client_for(union_a), user)
    page = client.get(f"/admin/counselling/appointments/{held.pk}/")
    expected = [(user.pk, "refused", "admin"), (user.pk, "refused", "api"), (user.pk, "refused", "api")]
    if who == "worker":  # no access to the admin at all: sent to its sign-in page, nothing read
        assert page.status_code == 302 and "/admin/login/" in page["Location"]
        expected = expected[1:]
    else:
        assert page.status_code == 404
    assert NOTE not in page.content.decode()
    response = api(client_for, union_a, user).get(f"/api/v1/counselling/appointments/{held.pk}/note/")
    assert response.status_code == 404 and NOTE not in response.content.decode()
    put = api(client_for, union_a, user).put(
        f"/api/v1/counselling/appointments/{held.pk}/note/", {"text": "改写"}, content_type="application/json"
    )
    assert put.status_code == 404
    assert note_audit(union_a, held) == expected
    assert (
        api(client_for, union_a, user).get(f"/api/v1/counselling/appointments/{held.pk}/").status_code == 404
    )
    with tenant_context(union_a):
        refused = list(accesses_of(held).values_list("user_id", "action", "via").order_by("pk"))
    assert refused == ([] if who == "worker" else [(user.pk, "refused", "admin")]) + [
        (user.pk, "refused", "api")
    ]


def test_managers_see_counts_never_who_booked(union_a, client_for, people, booked, held):
    """Given a booked and a held talk, when the chairman opens the counselling admin, then the
    counts show but neither worker's name; the counsellor's own page lists their appointments."""
    page = signed_in(client_for(union_a), people["chairman"]).get("/admin/counselling/").content.decode()
    assert "陈咨询" in page and "王小明" not in page and "孙职工" not in page
    mine = signed_in(client_for(union_a), people["counsellor"]).get("/admin/counselling/").content.decode()
    assert "王小明" in mine and "孙职工" in mine
    other = signed_in(client_for(union_a), people["counsellor2"]).get("/admin/counselling/").content.decode()
    assert "王小明" not in other
    listed = api(client_for, union_a, people["chairman"]).get("/api/v1/counselling/appointments/").json()
    assert listed["count"] == 0
    own = api(client_for, union_a, people["counsellor"]).get("/api/v1/counselling/appointments/").json()
    rows = own["results"]
    assert {row["id"] for row in rows} == {booked.pk, held.pk} and "text" not in str(rows)


def test_a_member_is_kept_out_of_the_counselling_admin(union_a, client_for, people):
    response = signed_in(client_for(union_a), people["worker"]).get("/admin/counselling/")
    assert response.status_code in (302, 403, 404)


def test_booking_through_the_api_needs_consent(union_a, client_for, people, slots):
    """Given a member, when they book without consent, then 400 with the consent message and
    nothing saved; with consent, 201 and it is theirs to list and cancel."""
    from tenants.counselling.models import Appointment

    client = api(client_for, union_a, people["worker"])
    slot = slots["hired"][0].pk
    refused = client.post("/api/v1/counselling/my-appointments/", {"slot": slot, "consent": False},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "consent" in refused.content.decode()
    with tenant_context(union_a):
        assert not Appointment.objects.exists()
    made = client.post("/api/v1/counselling/my-appointments/", {"slot": slot, "consent": True},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    again = api(client_for, union_a, people["member"]).post(
        "/api/v1/counselling/my-appointments/",
        {"slot": slot, "consent": True},
        content_type="application/json",
    )
    assert again.status_code == 409
    cancel = client.post(f"/api/v1/counselling/my-appointments/{made.json()['id']}/cancel/")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    other = api(client_for, union_a, people["member"]).post(
        f"/api/v1/counselling/my-appointments/{made.json()['id']}/cancel/"
    )
    assert other.status_code == 404


def test_only_managers_add_counsellors_and_slots_through_the_api(union_a, client_for, people, counsellors):
    body = {"name": "赵老师", "qualification": "心理治疗师", "hired": True}
    assert (
        api(client_for, union_a, people["worker"])
        .post("/api/v1/counselling/counsellors/", body, content_type="application/json")
        .status_code
        == 403
    )
    created = api(client_for, union_a, people["officer"]).post(
        "/api/v1/counselling/counsellors/", body, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["has_account"] is False
    listed = api(client_for, union_a, people["worker"]).get("/api/v1/counselling/counsellors/").json()
    rows = listed["results"]
    assert {"陈咨询", "林静怡", "赵老师"} <= {row["name"] for row in rows}


def test_notes_and_appointments_stay_out_of_search_and_the_case_engine(union_a, held):
    """Given a held talk with notes, then neither notes nor appointments are indexed for search,
    and no case of the case engine was opened (the chairman's case lists and timelines show
    nothing); the counselling kind exists only to publish the procedure (亮程序)."""
    from wagtail.search.index import get_indexed_models

    from tenants.cases.kinds import KINDS
    from tenants.cases.models import Case
    from tenants.counselling.models import Appointment, SessionNote

    assert not {Appointment, SessionNote} & set(get_indexed_models())
    assert KINDS["counselling"].direct is False and KINDS["counselling"].default_title == "职工心理疏导程序"
    with tenant_context(union_a):
        assert not Case.objects.filter(kind="counselling").exists()


def test_managers_add_counsellors_slots_and_lectures_in_the_admin(union_a, client_for, people):
    """Given the chairman in the admin, when they add a counsellor linked to a member's account,
    a weekly pattern of times and a lecture, then each is saved; bad input answers 400 with a
    message and saves nothing; the linked member now holds the counsellor role."""
    import datetime

    from django.utils import timezone

    from tenants.counselling.models import CounsellingLecture, CounsellingSlot, Counsellor

    client = signed_in(client_for(union_a), people["chairman"])
    assert client.get("/admin/counselling/counsellors/new/").status_code == 200
    bad = client.post(
        "/admin/counselling/counsellors/new/", {"name": "赵老师", "qualification": "", "mobile": ""}
    )
    assert bad.status_code == 400
    unknown = client.post(
        "/admin/counselling/counsellors/new/",
        {"name": "赵老师", "qualification": "心理咨询师", "mobile": "13999999999"},
    )
    assert unknown.status_code == 400
    with tenant_context(union_a):
        assert not Counsellor.objects.exists()
    made = client.post("/admin/counselling/counsellors/new/", {
        "name": "赵老师", "qualification": "国家二级心理咨询师", "mobile": people["member"].username, "active": "on",
    })  # fmt: skip
    assert made.status_code == 302
    with tenant_context(union_a):
        counsellor = Counsellor.objects.get()
        assert counsellor.user == people["member"]
        assert people["member"].groups.filter(name="counsellor").exists()
    first = timezone.localdate() + datetime.timedelta(days=1)
    slots = client.post("/admin/counselling/slots/new/", {
        "counsellor": counsellor.pk, "first_day": first.isoformat(), "weeks": "2",
        "weekdays": [str(first.weekday())], "start": "14:00", "minutes": "50", "place": "职工减压室",
    })  # fmt: skip
    assert slots.status_code == 302
    none = client.post("/admin/counselling/slots/new/", {
        "counsellor": counsellor.pk, "first_day": first.isoformat(), "weeks": "99", "weekdays": [],
        "start": "25:00", "minutes": "5", "place": "",
    })  # fmt: skip
    assert none.status_code == 400
    starts = timezone.localtime() + datetime.timedelta(days=8)
    lecture = client.post("/admin/counselling/lectures/new/", {
        "title": "情绪管理讲座", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "place": "多功能厅",
        "capacity": "50", "audience": "members", "counsellor": counsellor.pk, "publish": "on",
    })  # fmt: skip
    assert lecture.status_code == 302, lecture.content.decode()[-2000:]
    with tenant_context(union_a):
        assert CounsellingSlot.objects.filter(counsellor=counsellor).count() == 2
        assert CounsellingLecture.objects.get().activity.status == "published"
    page = client.get("/admin/counselling/").content.decode()
    assert "赵老师" in page and "情绪管理讲座" in page
