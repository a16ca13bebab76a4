"""The worker contact API (staff): activities with issues, an issue becoming a case; and the
same records out of reach from another union's host."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tenants.cases.models import Case
from tenants.contact.models import ContactActivity, RaisedIssue
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def api(client_for, union, user):
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def activity_payload(people) -> dict:
    return {
        "kind": "symposium", "title": "女职工座谈会", "held_on": timezone.localdate().isoformat(),
        "place": "职工之家", "attendees": [people["worker"][1].pk], "other_attendees": 15,
        "minutes": "听取女职工关于哺乳室和体检的意见。",
        "issues": [
            {"summary": "哺乳室冰箱损坏", "raised_by_mobile": people["worker"][0].mobile},
            {"summary": "希望增加妇科体检项目", "raised_by_name": "财务部女职工"},
        ],
    }  # fmt: skip


def test_staff_record_an_activity_and_open_a_case_from_an_issue(union_a, client_for, people):
    client = api(client_for, union_a, people["officer"][1])
    response = client.post(
        "/api/v1/contact/activities/", activity_payload(people), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    activity = response.json()
    assert activity["attendees"] == [people["worker"][1].pk] and len(activity["issues"]) == 2
    assert client.get("/api/v1/contact/activities/?kind=symposium").json()["count"] == 1
    assert client.get("/api/v1/contact/activities/?kind=frontline_visit").json()["count"] == 0
    issue = activity["issues"][0]
    response = client.post(
        f"/api/v1/contact/issues/{issue['id']}/case/", {"priority": 3}, content_type="application/json"
    )
    assert response.status_code == 201
    with tenant_context(union_a):
        case = Case.objects.get()
        assert (case.channel, case.requester, case.priority) == ("symposium", people["worker"][1], 3)
    assert client.get("/api/v1/contact/issues/?has_case=true").json()["results"][0]["case"]["id"] == case.pk
    assert client.get("/api/v1/contact/issues/?has_case=false").json()["count"] == 1
    added = client.post(f"/api/v1/contact/activities/{activity['id']}/issues/", {"summary": "更衣柜不够"},
                        content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.json()["case"] is None


def test_bad_activity_input_is_refused_and_saves_nothing(union_a, client_for, people):
    client = api(client_for, union_a, people["officer"][1])
    payload = {**activity_payload(people), "attendees": [999999]}
    response = client.post("/api/v1/contact/activities/", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "contact_attendee_unknown"
    payload = {**activity_payload(people), "issues": [{"summary": "x", "raised_by_mobile": "13000000002"}]}
    assert (
        client.post("/api/v1/contact/activities/", payload, content_type="application/json").status_code
        == 400
    )
    payload = {**activity_payload(people), "held_on": "2999-01-01"}
    response = client.post("/api/v1/contact/activities/", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "activity_future"
    with tenant_context(union_a):
        assert not ContactActivity.objects.exists() and not RaisedIssue.objects.exists()


def test_members_have_no_contact_api(union_a, client_for, people):
    client = api(client_for, union_a, people["worker"][1])
    assert client.get("/api/v1/contact/activities/").status_code == 403
    assert client.get("/api/v1/contact/issues/").status_code == 403
    assert client.post("/api/v1/contact/activities/", activity_payload(people),
                       content_type="application/json").status_code == 403  # fmt: skip


def test_another_union_reaches_none_of_this_unions_activities(union_a, union_b, client_for, people):
    a_client = api(client_for, union_a, people["officer"][1])
    activity = a_client.post(
        "/api/v1/contact/activities/", activity_payload(people), content_type="application/json"
    ).json()
    issue_id = activity["issues"][0]["id"]
    _, b_chairman = make_person(union_b, "chairman", name="刘主席")
    client = api(client_for, union_b, b_chairman)
    assert client.get("/api/v1/contact/activities/").json()["count"] == 0
    assert client.get(f"/api/v1/contact/activities/{activity['id']}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/contact/issues/{issue_id}/case/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/contact/activities/{activity['id']}/issues/", {"summary": "x"},
                       content_type="application/json").status_code == 404  # fmt: skip
    with tenant_context(union_a):
        assert not Case.objects.exists() and RaisedIssue.objects.count() == 2
