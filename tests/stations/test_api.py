"""The portal API of stations and referrals: scoped like the admin pages, the station's staff
advance a referral (the union's record follows), another street's staff get 404, and a union's
host has no such API."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.privacy.models import SensitiveAccess
from tenants.referrals_out.models import OutgoingReferral
from tests.incidents.conftest import signed_in as portal_signed_in

from .conftest import send_and_deliver

pytestmark = pytest.mark.django_db


def test_station_staff_list_and_accept_through_the_api(
    union_a, people, failed, staff, client_for, portal, django_capture_on_commit_callbacks
):
    """Given a referral at 望京's station, 望京's staff list it (with the shared rows) and accept
    it through the API; a close without a note is a 400 with the field named; 中关村's staff
    neither list nor advance it (404)."""
    referral = send_and_deliver(union_a, failed, people["mediator"])
    api = portal_signed_in(client_for(portal), staff["wangjing"].account)
    stations = api.get("/api/v1/stations/").json()["results"]
    assert [s["name"] for s in stations] == ["望京街道工会服务站"] and stations[0]["staff"] == ["周站长"]
    listed = api.get("/api/v1/station-referrals/").json()["results"]
    assert [row["reference"] for row in listed] == [failed.reference]
    assert listed[0]["shared"][0]["label"] and listed[0]["status"] == "sent"
    with tenant_context(union_a):  # the listing showed the shared rows: in the union's audit log
        assert SensitiveAccess.objects.filter(
            model="stations.stationreferral", object_pk=str(referral.pk), via="api", action="read"
        ).exists()
    url = f"/api/v1/station-referrals/{referral.pk}/advance/"
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.post(url, {"action": "accept"}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    with tenant_context(union_a):
        assert OutgoingReferral.objects.get(uuid=referral.referral_uuid).status == "accepted"
    closing = api.post(url, {"action": "close", "note": ""}, content_type="application/json")
    assert closing.status_code == 400 and "note" in closing.json()["fields"]

    other = portal_signed_in(client_for(portal), staff["zhongguancun"].account)
    assert other.get("/api/v1/station-referrals/").json()["results"] == []
    assert (
        other.post(url, {"action": "close", "note": "x"}, content_type="application/json").status_code == 404
    )
    chairman = client_for(union_a)
    assert chairman.get("/api/v1/station-referrals/").status_code == 404
