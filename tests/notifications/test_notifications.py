"""Notifications: one sender for in-site, SMS and email; each person sees only their own."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from accounts import sms
from tenants.cases.services import case_assign, case_open
from tenants.notifications.models import Notification
from tenants.notifications.services import notify
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def test_one_call_reaches_the_site_sms_and_email_after_commit(union_a, django_capture_on_commit_callbacks):
    account, user = make_person(union_a, "officer", name="李干事")
    account.email = "li@example.cn"
    account.save(update_fields=["email"])
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], title="新案件", body="食堂", url="/admin/cases/1/")
        assert Notification.objects.filter(recipient=user, title="新案件").count() == 1
        assert sms.outbox == [] and mail.outbox == []  # nothing leaves before commit
    assert [m.mobile for m in sms.outbox] == [account.mobile] and "新案件" in sms.outbox[0].text
    assert mail.outbox[0].to == ["li@example.cn"] and mail.outbox[0].subject == "新案件"


def test_staff_see_their_notifications_and_work_in_the_admin(union_a, union_b, client_for):
    officer_account, officer = make_person(union_a, "officer", name="李干事")
    _chairman_account, chairman = make_person(union_a, "chairman", name="张主席")
    _, worker = make_person(union_a, "member", name="王职工")
    with tenant_context(union_a):
        case, _ = case_open(
            kind="appeal", title="宿舍空调", description="坏了", channel="walk_in", requester=worker
        )
        case_assign(case=case, assignee=officer, by=chairman)
    client = signed_in(client_for(union_a), officer_account)
    dashboard = client.get("/admin/").content.decode()
    assert "指派给我" in dashboard or "assigned to me" in dashboard
    page = client.get("/admin/notifications/").content.decode()
    assert case.reference in page
    client.post("/admin/notifications/read/", {"next": "/admin/notifications/"})
    with tenant_context(union_a):
        assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()
        assert Notification.objects.filter(recipient=chairman, read_at__isnull=True).exists()

    account_b, _ = make_person(union_b, "chairman", name="刘主席")
    other = signed_in(client_for(union_b), account_b)
    assert case.reference not in other.get("/admin/notifications/").content.decode()
    assert case.reference not in other.get("/my/notifications/").content.decode()


def test_a_worker_reads_their_notifications_on_the_site(union_a, client_for):
    account, worker = make_person(union_a, "member", name="王职工")
    with tenant_context(union_a):
        notify(recipients=[worker], title="您反映的事项已办结", url="/my/cases/1/", channels=("site",))
    client = signed_in(client_for(union_a), account)
    page = client.get("/my/notifications/")
    assert page.status_code == 200 and "您反映的事项已办结" in page.content.decode()
    assert client_for(union_a).get("/my/notifications/").status_code == 302  # signed out: to sign-in
    outside = client.post("/my/notifications/read/", {"next": "https://evil.example/"})
    assert outside.status_code == 302 and outside["Location"] == "/"
