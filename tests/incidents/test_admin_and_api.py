"""The warning screens and API: the union's 预警 admin, the portal's 预警信息 inbox, and the API;
each only for the people who need it, and never across unions or districts."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from federation.models import InboxWarning
from tenants.incidents.models import IncidentWarning

from .conftest import WAGE_ARREARS, report, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(union_a, staff_a, django_capture_on_commit_callbacks) -> IncidentWarning:
    return report(union_a, staff_a["officer"].user, captures=django_capture_on_commit_callbacks)


def test_an_officer_reports_a_warning_through_the_admin_form(
    union_a, staff_a, client_for, django_capture_on_commit_callbacks
):
    client = signed_in(client_for(union_a), staff_a["officer"].account)
    menu = client.get("/admin/")
    assert b"/admin/incidents/" in menu.content
    form = client.get("/admin/incidents/report/")
    assert form.status_code == 200 and b'name="headcount"' in form.content

    refused = client.post("/admin/incidents/report/", {**WAGE_ARREARS, "summary": "请联系13912345678"})
    assert refused.status_code == 200
    with tenant_context(union_a):
        assert not IncidentWarning.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/incidents/report/", WAGE_ARREARS)
    assert response.status_code == 302
    with tenant_context(union_a):
        warning = IncidentWarning.objects.get()
    assert response["Location"] == f"/admin/incidents/{warning.pk}/"
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "厂区三车间".encode() in detail.content and warning.reference.encode() in detail.content
    listing = client.get("/admin/incidents/")
    assert warning.reference.encode() in listing.content
    assert InboxWarning.objects.filter(event_id=warning.event_id).exists()


def test_members_and_other_unions_cannot_reach_a_unions_warnings(
    union_a, union_b, staff_a, officer_b, client_for, delivered
):
    member = signed_in(client_for(union_a), staff_a["member"].account)
    assert member.get("/admin/incidents/").status_code in (302, 403)
    assert member.get(f"/admin/incidents/{delivered.pk}/").status_code in (302, 403)
    assert member.get("/api/v1/incident-warnings/").status_code == 403
    assert (
        member.post("/api/v1/incident-warnings/", WAGE_ARREARS, content_type="application/json").status_code
        == 403
    )

    other = signed_in(client_for(union_b), officer_b.account)
    listing = other.get("/admin/incidents/")
    assert listing.status_code == 200 and delivered.reference.encode() not in listing.content
    assert "厂区三车间".encode() not in listing.content
    assert other.get(f"/admin/incidents/{delivered.pk}/").status_code == 404
    assert other.get("/api/v1/incident-warnings/").json()["results"] == []
    assert other.get(f"/api/v1/incident-warnings/{delivered.pk}/").status_code == 404
    # Union A's session is worthless on union B's host, and union staff never see the inbox.
    officer_a = signed_in(client_for(union_a), staff_a["officer"].account)
    assert officer_a.get("/admin/warnings/").status_code in (302, 403)


def test_the_api_reports_and_lists_warnings_with_the_districts_answer(
    union_a, staff_a, client_for, django_capture_on_commit_callbacks
):
    client = signed_in(client_for(union_a), staff_a["chairman"].account)
    bad = client.post(
        "/api/v1/incident-warnings/", {**WAGE_ARREARS, "headcount": 0}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "headcount" in bad.json()["fields"]
    phone = client.post(
        "/api/v1/incident-warnings/",
        {**WAGE_ARREARS, "location": "门卫 13912345678"},
        content_type="application/json",
    )
    assert phone.status_code == 400 and phone.json()["code"] == "warning_personal_data"
    assert phone.json()["message"]
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/incident-warnings/",
            {**WAGE_ARREARS, "expected_at": "2026-12-01T08:00:00+08:00"},
            content_type="application/json",
        )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["headcount"] == 40 and body["reference"].startswith("YJ-")
    listing = client.get("/api/v1/incident-warnings/").json()
    assert listing["results"][0]["id"] == body["id"]
    assert listing["results"][0]["federation"]["code"] == "delivered"
    detail = client.get(f"/api/v1/incident-warnings/{body['id']}/").json()
    assert detail["expected_at"].startswith("2026-12-01T08:00")


def test_the_district_inbox_shows_its_own_districts_warnings_and_acknowledges_them(
    portal, union_a, client_for, federation, delivered
):
    inbox = InboxWarning.objects.get(event_id=delivered.event_id)
    chaoyang = signed_in(client_for(portal), federation["chaoyang"].account)
    assert b"/admin/warnings/" in chaoyang.get("/admin/").content
    listing = chaoyang.get("/admin/warnings/")
    assert listing.status_code == 200 and inbox.reference.encode() in listing.content
    detail = chaoyang.get(f"/admin/warnings/{inbox.pk}/")
    assert detail.status_code == 200 and "厂区三车间".encode() in detail.content
    assert "李干事".encode() not in detail.content  # the reporter's identity never goes up

    haidian = signed_in(client_for(portal), federation["haidian"].account)
    assert inbox.reference.encode() not in haidian.get("/admin/warnings/").content
    assert haidian.get(f"/admin/warnings/{inbox.pk}/").status_code == 404
    assert haidian.post(f"/admin/warnings/{inbox.pk}/acknowledge/").status_code == 404
    inbox.refresh_from_db()
    assert inbox.acknowledged_at is None

    city = signed_in(client_for(portal), federation["city"].account)
    assert inbox.reference.encode() in city.get("/admin/warnings/").content

    response = chaoyang.post(f"/admin/warnings/{inbox.pk}/acknowledge/")
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert inbox.acknowledged_by == federation["chaoyang"].user and inbox.acknowledged_at is not None
    again = chaoyang.post(f"/admin/warnings/{inbox.pk}/acknowledge/", follow=True)
    assert again.status_code == 200
    inbox.refresh_from_db()
    assert inbox.acknowledged_by == federation["chaoyang"].user


def test_the_portal_has_no_union_warning_screens(portal, client_for, federation):
    city = signed_in(client_for(portal), federation["city"].account)
    assert b"/admin/incidents/" not in city.get("/admin/").content
    assert city.get("/admin/incidents/").status_code in (302, 403)
    assert city.get("/admin/incidents/report/").status_code in (302, 403)
