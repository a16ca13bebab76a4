"""A portal user who staffs two streets' stations (望京 and 中关村) chooses which one they act for,
in the admin (a station selector, remembered) and in the API (``station``); each record is
handled as the station it belongs to, and nobody acts for a station they do not staff."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from docking.models import BookingRequest, SharedResource
from docking.selectors import Party
from docking.services import booking_decide, resource_create
from federation.models import FederationRole
from tests.factories import make_person

from .conftest import Person, ask, signed_in, soon

pytestmark = pytest.mark.django_db

RESOURCE = {"kind": "lawyer", "title": "法律援助律师 王律师", "address": "海淀区中关村大街27号", "capacity": "1",
            "exclusive": "on", "contact": "吴站长 010-62551234", "requires_approval": "on", "publish": "on"}  # fmt: skip


@pytest.fixture
def both(portal, placed, stations) -> Person:
    """郑站长 staffs both streets' stations."""
    account, user = make_person(portal, "station_staff", name="郑站长")
    for street in ("wangjing", "zhongguancun"):
        FederationRole.objects.create(user=user, kind="station_staff", street=placed[street])
    return Person(account, user)


def test_the_admin_lets_them_choose_the_station_and_remembers_it(portal, both, stations, client_for):
    wangjing, zgc = stations["wangjing"], stations["zhongguancun"]
    client = signed_in(client_for(portal), both.account)
    page = client.get("/admin/docking/mine/").content.decode()
    assert 'name="station"' in page and "望京街道工会服务站" in page and "中关村街道工会服务站" in page
    assert f'<option value="{wangjing.pk}" selected>' in page  # the first, until another is chosen
    form = client.get(f"/admin/docking/mine/new/?station={zgc.pk}").content.decode()
    assert f'<input type="hidden" name="station" value="{zgc.pk}">' in form
    assert client.post("/admin/docking/mine/new/", {**RESOURCE, "station": zgc.pk}).status_code == 302
    made = SharedResource.objects.get(title="法律援助律师 王律师")
    assert made.station == zgc and made.street_id == zgc.street_id
    # Remembered: the next page without a choice acts for 中关村.
    listing = client.get("/admin/docking/mine/").content.decode()
    assert f'<option value="{zgc.pk}" selected>' in listing and "法律援助律师 王律师" in listing
    listing = client.get(f"/admin/docking/mine/?station={wangjing.pk}").content.decode()
    assert "法律援助律师 王律师" not in listing
    # The resource of 中关村 still opens and changes, whichever station is chosen.
    assert client.get(f"/admin/docking/mine/{made.pk}/").status_code == 200
    assert client.post(f"/admin/docking/mine/{made.pk}/unpublish/").status_code == 302
    assert SharedResource.objects.get(pk=made.pk).is_published is False
    # A station they do not staff, or no station at all, is not found.
    assert client.get("/admin/docking/mine/?station=abc").status_code == 404
    assert client.get("/admin/docking/mine/?station=999999").status_code == 404


def test_a_single_station_s_staff_cannot_act_for_another_station(portal, portal_people, stations, client_for):
    zgc = stations["zhongguancun"]
    client = signed_in(client_for(portal), portal_people["wangjing"].account)
    assert client.get(f"/admin/docking/mine/?station={zgc.pk}").status_code == 404
    assert client.post("/admin/docking/mine/new/", {**RESOURCE, "station": zgc.pk}).status_code == 404
    assert not SharedResource.objects.filter(station=zgc).exists()
    assert (
        "docking-station" not in client.get("/admin/docking/mine/").content.decode()
    )  # no selector for one station


def test_requests_are_listed_per_station_and_decided_as_the_station_they_belong_to(
    union_b, portal, people, both, stations, portal_people, client_for, django_capture_on_commit_callbacks
):
    wangjing, zgc = stations["wangjing"], stations["zhongguancun"]
    hall = resource_create(party=Party(station=zgc), by=both.user, kind="room", title="中关村服务站活动室",
                           address="海淀区中关村大街27号", contact="郑站长 13800000000", capacity=40, publish=True)  # fmt: skip
    booking = ask(union_b, people["b_chair"].user, hall)
    client = signed_in(client_for(portal), both.account)
    assert (
        "中关村服务站活动室"
        not in client.get(f"/admin/docking/incoming/?station={wangjing.pk}").content.decode()
    )
    assert "中关村服务站活动室" in client.get(f"/admin/docking/incoming/?station={zgc.pk}").content.decode()
    client.get(f"/admin/docking/incoming/?station={wangjing.pk}")  # 望京 chosen again
    assert client.get(f"/admin/docking/incoming/{booking.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(
            f"/admin/docking/incoming/{booking.pk}/", {"decision": "approve", "reply": "欢迎"}
        )
    assert decided.status_code == 302 and BookingRequest.objects.get(pk=booking.pk).status == "approved"
    # 望京's own staff member does not staff 中关村: not found, in the admin and the API.
    other = signed_in(client_for(portal), portal_people["wangjing"].account)
    assert other.get(f"/admin/docking/incoming/{booking.pk}/").status_code == 404
    assert other.post(f"/api/v1/docking/bookings/{booking.pk}/complete/").status_code == 404


def test_the_api_takes_the_station_and_refuses_one_not_staffed(
    union_a, portal, people, room, both, stations, portal_people, client_for
):
    wangjing, zgc = stations["wangjing"], stations["zhongguancun"]
    api = signed_in(client_for(portal), both.account)
    body = {"kind": "equipment", "title": "便携音响", "address": "朝阳区阜通东大街6号", "contact": "郑站长 13800000000",
            "capacity": 1, "publish": True}  # fmt: skip
    unsaid = api.post("/api/v1/docking/resources/", body, content_type="application/json")
    assert unsaid.status_code == 400 and unsaid.json()["code"] == "docking_station_required"
    assert "服务站" in unsaid.json()["message"] and "station" in unsaid.json()["message_en"]
    made = api.post(
        "/api/v1/docking/resources/", {**body, "station": wangjing.pk}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["station"] == wangjing.pk
    in_query = api.post(f"/api/v1/docking/resources/?station={zgc.pk}", body, content_type="application/json")
    assert in_query.status_code == 201 and in_query.json()["station"] == zgc.pk
    assert api.get("/api/v1/docking/resources/?mine=1").json()["count"] == 2
    only = api.get(f"/api/v1/docking/resources/?mine=1&station={zgc.pk}").json()
    assert only["count"] == 1 and only["results"][0]["station"] == zgc.pk
    bad = api.get("/api/v1/docking/resources/?mine=1&station=abc")
    assert bad.status_code == 400 and bad.json()["code"] == "docking_station"

    single = signed_in(client_for(portal), portal_people["wangjing"].account)
    refused = single.post(
        "/api/v1/docking/resources/", {**body, "station": zgc.pk}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "docking_station_forbidden"
    assert single.get(f"/api/v1/docking/bookings/?role=made&station={zgc.pk}").status_code == 403

    booking = {"resource": room.pk, "requester_name": "郑站长", "requester_phone": "13800000000", "purpose": "街道培训",
               "headcount": 10, "starts_at": soon(5, 9).isoformat(), "ends_at": soon(5, 10).isoformat()}  # fmt: skip
    assert api.post("/api/v1/docking/bookings/", booking, content_type="application/json").json()["code"] == (
        "docking_station_required"
    )
    asked = api.post(
        "/api/v1/docking/bookings/", {**booking, "station": zgc.pk}, content_type="application/json"
    )
    assert (
        asked.status_code == 201
        and BookingRequest.objects.get(pk=asked.json()["id"]).requester_station == zgc
    )
    assert api.get(f"/api/v1/docking/bookings/?role=made&station={wangjing.pk}").json()["count"] == 0
    assert api.get(f"/api/v1/docking/bookings/?role=made&station={zgc.pk}").json()["count"] == 1
    assert api.get("/api/v1/docking/bookings/?role=made").json()["count"] == 1
    with tenant_context(union_a):  # the publisher decides; the station it was asked for sees it
        booking_decide(
            booking=BookingRequest.objects.get(pk=asked.json()["id"]), approve=True, by=people["a_chair"].user
        )
    assert (
        api.get(f"/api/v1/docking/bookings/?role=made&station={zgc.pk}&status=approved").json()["count"] == 1
    )
