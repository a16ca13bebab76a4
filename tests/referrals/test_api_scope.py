"""The referral API per role and endpoint: the portal's list per federation role, the
receiver-only actions, and the union's own send endpoint's bad input."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.referrals_out.models import OutgoingReferral
from tests.incidents.conftest import signed_in as portal_signed_in
from tests.mediation.conftest import signed_in

from .conftest import refer

pytestmark = pytest.mark.django_db


def test_portal_list_is_scoped_per_role_and_only_the_receiver_acts(
    union_a, union_b, people, appeal, failed, staff, district_admins, client_for, portal
):
    """Given a station referral (望京) and a district referral (Chaoyang), each role lists
    exactly its scope, ``?mine=1`` narrows to what is sent to them, and advancing is the
    receiver's alone (others 404)."""
    at_station = refer(union_a, failed.case, people["mediator"], receiver_kind="station", shared=["claim"])
    at_district = refer(union_a, appeal, people["officer"])

    def listed(person, query=""):
        api = portal_signed_in(client_for(portal), person.account)
        return api, sorted(
            row["id"] for row in api.get(f"/api/v1/station-referrals/{query}").json()["results"]
        )

    _, rows = listed(staff["wangjing"])
    assert rows == [at_station.pk]
    _, rows = listed(staff["zhongguancun"])
    assert rows == []
    chaoyang, rows = listed(district_admins["chaoyang"])
    assert rows == sorted([at_station.pk, at_district.pk])
    _, rows = listed(district_admins["chaoyang"], "?mine=1")
    assert rows == [at_district.pk]
    _, rows = listed(district_admins["haidian"])
    assert rows == []
    city, rows = listed(district_admins["city"])
    assert rows == sorted([at_station.pk, at_district.pk])
    row = chaoyang.get(f"/api/v1/station-referrals/{at_district.pk}/").json()
    assert (
        row["receiver_kind"] == "district"
        and row["receiver"] == "朝阳区总工会服务中心"
        and row["station"] is None
    )

    post = {"action": "accept"}
    assert chaoyang.post(f"/api/v1/station-referrals/{at_station.pk}/advance/", post,
                         content_type="application/json").status_code == 404  # fmt: skip
    assert city.post(f"/api/v1/station-referrals/{at_district.pk}/advance/", post,
                     content_type="application/json").status_code == 404  # fmt: skip
    ok = chaoyang.post(
        f"/api/v1/station-referrals/{at_district.pk}/advance/", post, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert client_for(union_a).get("/api/v1/station-referrals/").status_code == 404
    haidian = portal_signed_in(client_for(portal), district_admins["haidian"].account)
    assert haidian.get(f"/admin/stations/referrals/{at_district.pk}/").status_code == 404
    assert (
        haidian.post(
            f"/admin/stations/referrals/{at_district.pk}/", {"action": "close", "note": "x"}
        ).status_code
        == 404
    )
    wangjing = portal_signed_in(client_for(portal), staff["wangjing"].account)
    assert wangjing.get(f"/admin/stations/referrals/{at_district.pk}/").status_code == 404
    assert chaoyang.get(f"/admin/stations/referrals/{at_district.pk}/").status_code == 200


def test_union_api_sends_refuses_bad_input_and_scopes_by_role(
    union_a, union_b, people, appeal, stations, client_for
):
    officer = signed_in(client_for(union_a), people["officer"])
    base = {"case": appeal.pk, "shared": ["subject"], "difficulty": "normal", "consent_given": True}
    outside = officer.post("/api/v1/referrals/sent/", {**base, "receiver_kind": "station",
                           "station": stations["zhongguancun"].pk}, content_type="application/json")  # fmt: skip
    assert outside.status_code == 400 and outside.json()["code"] == "referral_station_outside_street"
    itself = officer.post("/api/v1/referrals/sent/", {**base, "receiver_kind": "union",
                          "sister_union": union_a.schema_name}, content_type="application/json")  # fmt: skip
    assert itself.status_code == 400 and itself.json()["code"] == "referral_to_itself"
    no_consent = officer.post("/api/v1/referrals/sent/", {**base, "receiver_kind": "city", "consent_given": False},
                              content_type="application/json")  # fmt: skip
    assert no_consent.status_code == 400 and no_consent.json()["code"] == "consent_required"
    sent = officer.post("/api/v1/referrals/sent/", {**base, "receiver_kind": "union",
                        "sister_union": union_b.schema_name}, content_type="application/json")  # fmt: skip
    assert sent.status_code == 201 and sent.json()["receiver_name"] == union_b.name
    again = officer.post(
        "/api/v1/referrals/sent/", {**base, "receiver_kind": "city"}, content_type="application/json"
    )
    assert again.status_code == 409
    pk = sent.json()["id"]
    early = officer.post(f"/api/v1/referrals/sent/{pk}/rate/", {"rating": 5}, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "referral_not_closed"

    mediator = signed_in(client_for(union_a), people["mediator"])  # handles mediation, not appeals
    assert mediator.get(f"/api/v1/referrals/sent/{pk}/").status_code == 404
    assert mediator.post("/api/v1/referrals/sent/", {**base, "receiver_kind": "city"},
                         content_type="application/json").status_code == 404  # fmt: skip
    member = signed_in(client_for(union_a), people["member"])
    assert member.get("/api/v1/referrals/sent/").json()["results"] == []
    from tests.factories import make_person

    b_officer = signed_in(client_for(union_b), make_person(union_b, "officer", name="郑干事")[1])
    assert b_officer.get("/api/v1/referrals/sent/").json()["results"] == []
    with tenant_context(union_a):
        assert OutgoingReferral.objects.count() == 1
