"""Worker contact in the union's admin: activities with issues and "open a case", and inbound
channels (the chairman's; the secret shown once); nothing of one union in another's admin."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.contact.models import ContactActivity, InboundChannel, RaisedIssue
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def test_an_officer_records_a_frontline_visit_adds_an_issue_and_opens_a_case(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["officer"][0])
    assert client.get("/admin/contact/activities/").status_code == 200
    assert client.get("/admin/contact/activities/new/").status_code == 200
    response = client.post("/admin/contact/activities/new/", {
        "kind": "frontline_visit", "title": "走访装配车间夜班", "held_on": timezone.localdate().isoformat(),
        "place": "装配车间", "attendees": [people["worker"][1].pk], "other_attendees": 12,
        "minutes": "夜班职工反映宵夜供应和休息室问题。", "issues": "夜班宵夜品种单一\n休息室空调损坏\n",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(union_a):
        activity = ContactActivity.objects.get()
        assert activity.issues.count() == 2 and list(activity.attendees.all()) == [people["worker"][1]]
    page = client.get(f"/admin/contact/activities/{activity.pk}/").content.decode()
    assert "夜班宵夜品种单一" in page and "休息室空调损坏" in page and "王职工" in page
    # Add an issue raised by a member (by mobile number); an unknown number is refused on the field
    response = client.post(f"/admin/contact/activities/{activity.pk}/", {
        "action": "issue", "summary": "夜班通勤不便", "raised_by_mobile": "13000000009",
    })  # fmt: skip
    assert response.status_code == 400
    response = client.post(f"/admin/contact/activities/{activity.pk}/", {
        "action": "issue", "summary": "夜班通勤不便", "details": "末班班车太早。",
        "raised_by_mobile": people["other"][0].mobile,
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(union_a):
        issue = RaisedIssue.objects.get(summary="夜班通勤不便")
        assert issue.raised_by == people["other"][1]
    # One step: the case
    response = client.post(
        f"/admin/contact/activities/{activity.pk}/", {"action": "case", "issue": issue.pk, "priority": 3}
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        case = Case.objects.get()
        assert RaisedIssue.objects.get(pk=issue.pk).case == case
        assert (case.channel, case.requester, case.priority) == ("frontline_visit", people["other"][1], 3)
    assert (
        f"/admin/cases/{case.pk}/" in client.get(f"/admin/contact/activities/{activity.pk}/").content.decode()
    )
    # The record can be corrected
    response = client.post(f"/admin/contact/activities/{activity.pk}/edit/", {
        "kind": "frontline_visit", "title": "走访装配车间夜班班组", "held_on": timezone.localdate().isoformat(),
        "place": "装配车间", "attendees": [people["worker"][1].pk, people["other"][1].pk], "other_attendees": 10,
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(union_a):
        activity.refresh_from_db()
        assert activity.title == "走访装配车间夜班班组" and activity.attendees.count() == 2


def test_the_chairman_makes_a_channel_and_sees_its_secret_once(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["chairman"][0])
    response = client.post("/admin/contact/inbound/new/", {"name": "12351职工服务热线", "kind": "hotline"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    with tenant_context(union_a):
        channel = InboundChannel.objects.get()
    assert channel.secret in response.content.decode() and channel.key_id in response.content.decode()
    detail = client.get(f"/admin/contact/inbound/{channel.pk}/").content.decode()
    assert channel.key_id in detail and channel.secret not in detail
    assert channel.secret not in client.get("/admin/contact/inbound/").content.decode()
    # A new secret replaces the old one, shown once again
    rotated = client.post(f"/admin/contact/inbound/{channel.pk}/", {"action": "rotate"})
    with tenant_context(union_a):
        channel_after = InboundChannel.objects.get()
    assert channel_after.secret != channel.secret and channel_after.secret in rotated.content.decode()
    # Switching it off
    assert (
        client.post(
            f"/admin/contact/inbound/{channel.pk}/", {"action": "edit", "name": "12351热线"}
        ).status_code
        == 302
    )
    with tenant_context(union_a):
        assert InboundChannel.objects.get().active is False


def test_officers_cannot_manage_inbound_keys_and_members_see_no_contact_admin(union_a, client_for, people):
    officer = signed_in(client_for(union_a), people["officer"][0])
    assert officer.get("/admin/contact/inbound/").status_code in (302, 403, 404)
    assert officer.post("/admin/contact/inbound/new/", {"name": "x", "kind": "sms"}).status_code in (
        302,
        403,
        404,
    )
    member = signed_in(client_for(union_a), people["worker"][0])
    assert member.get("/admin/contact/activities/").status_code in (302, 403, 404)
    with tenant_context(union_a):
        assert not InboundChannel.objects.exists()


def test_another_unions_chairman_finds_nothing_of_this_union(union_a, union_b, client_for, people, hotline):
    from tenants.contact.services import contact_activity_record

    channel, _secret = hotline
    with tenant_context(union_a):
        activity = contact_activity_record(
            by=people["chairman"][1], kind="symposium", title="青年职工座谈会", held_on=timezone.localdate(),
            place="会议室", issues=[{"summary": "青年公寓租金"}],
        )  # fmt: skip
        issue = activity.issues.get()
    b_chairman, _ = make_person(union_b, "chairman", name="刘主席")
    client = signed_in(client_for(union_b), b_chairman)
    assert client.get(f"/admin/contact/activities/{activity.pk}/").status_code == 404
    assert client.get(f"/admin/contact/inbound/{channel.pk}/").status_code == 404
    assert "青年职工座谈会" not in client.get("/admin/contact/activities/").content.decode()
    assert channel.key_id not in client.get("/admin/contact/inbound/").content.decode()
    response = client.post(
        f"/admin/contact/activities/{activity.pk}/", {"action": "case", "issue": issue.pk, "priority": 2}
    )
    assert response.status_code == 404
    assert client.post(f"/admin/contact/inbound/{channel.pk}/", {"action": "rotate"}).status_code == 404
    with tenant_context(union_a):
        assert RaisedIssue.objects.get().case is None and not Case.objects.exists()
