"""组织建设 in the admin and the API: committees, terms (overlaps refused with a clear message on
the form and as a 409), positions assigned by mobile number; and union B reaches none of union A's
committees through any admin view or endpoint."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from tenants.committees.models import Committee, Position, Term
from tests.membership.roster_helpers import api_client, staff_client

pytestmark = pytest.mark.django_db


def test_the_chairman_records_a_committee_term_and_positions_in_the_admin(union_a, client_for, roster):
    admin = staff_client(client_for, union_a, "chairman")
    assert admin.get("/admin/organisation/committees/").status_code == 200
    response = admin.post(
        "/admin/organisation/committees/", {"kind": "women_workers", "name": "女职工委员会"}
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        committee = Committee.objects.get(kind="women_workers")
    url = f"/admin/organisation/committees/{committee.pk}/"
    added = admin.post(url, {"action": "term", "number": 2, "years": 5, "starts_on": "2023-03-08"})
    assert added.status_code == 302
    # An overlapping term is refused on the form, nothing saved
    overlap = admin.post(url, {"action": "term", "number": 3, "years": 3, "starts_on": "2025-01-01"})
    assert overlap.status_code == 400 and "2023-03-08" in overlap.content.decode()
    with tenant_context(union_a):
        term = Term.objects.get(committee=committee)
        assert term.ends_on == datetime.date(2028, 3, 7)
    assigned = admin.post(
        url, {"action": "position", "term": term.pk, "member_mobile": "13920002004", "role": "head"}
    )
    assert assigned.status_code == 302
    unknown = admin.post(
        url, {"action": "position", "term": term.pk, "member_mobile": "13900000000", "role": "member"}
    )
    assert unknown.status_code == 400
    wrong_role = admin.post(url, {"action": "position", "term": term.pk, "member_mobile": "13920002005",
                                  "role": "chairman"})  # fmt: skip
    assert wrong_role.status_code == 400
    page = admin.get(url).content.decode()
    assert "赵丽娟" in page
    with tenant_context(union_a):
        position = Position.objects.get(term=term)
    assert admin.get(f"/admin/organisation/committees/positions/{position.pk}/").status_code == 200
    admin.post(url, {"action": "remove_position", "position": position.pk})
    with tenant_context(union_a):
        assert not Position.objects.filter(term=term).exists()


def test_the_committee_api(union_a, client_for, committee):
    committee_, term = committee
    api = api_client(client_for, union_a, "officer")
    listing = api.get("/api/v1/committees/").json()
    first = listing["results"][0]
    assert first["name"] == "工会委员会" and first["terms"][0]["positions"][0]["name"] == "张建国"
    assert first["terms"][0]["overdue"] is False
    overlap = api.post(f"/api/v1/committees/{committee_.pk}/terms/",
                       {"number": 4, "years": 5, "starts_on": str(term.ends_on - datetime.timedelta(days=1))},
                       content_type="application/json")  # fmt: skip
    assert (
        overlap.status_code == 409 and overlap.json()["code"] == "term_overlap" and overlap.json()["message"]
    )
    created = api.post("/api/v1/committees/", {"kind": "funds_review", "name": "经费审查委员会"},
                       content_type="application/json")  # fmt: skip
    assert created.status_code == 201
    new_term = api.post(f"/api/v1/committees/{created.json()['id']}/terms/",
                        {"number": 1, "years": 3, "starts_on": "2024-06-01"}, content_type="application/json")  # fmt: skip
    assert new_term.status_code == 201 and new_term.json()["ends_on"] == "2027-05-31"
    position = api.post("/api/v1/committee-positions/", {"term": new_term.json()["id"], "member_mobile": "13920002003",
                                                          "role": "head"}, content_type="application/json")  # fmt: skip
    assert position.status_code == 201 and position.json()["name"] == "王志刚"
    assert api.delete(f"/api/v1/committee-positions/{position.json()['id']}/").status_code == 204
    worker = api_client(client_for, union_a, "member", name="王职工")
    assert worker.get("/api/v1/committees/").status_code == 403


def test_union_b_reaches_none_of_union_as_committees(union_a, union_b, client_for, committee):
    committee_, _term = committee
    with tenant_context(union_a):
        position = Position.objects.get(role="chairman")
    admin_b = staff_client(client_for, union_b, "chairman", name="刘主席")
    assert "张建国" not in admin_b.get("/admin/organisation/committees/").content.decode()
    assert admin_b.get(f"/admin/organisation/committees/{committee_.pk}/").status_code == 404
    assert admin_b.get(f"/admin/organisation/committees/positions/{position.pk}/").status_code == 404
    admin_b.post(
        f"/admin/organisation/committees/{committee_.pk}/",
        {"action": "remove_position", "position": position.pk},
    )
    api_b = api_client(client_for, union_b, "officer", name="王干事")
    assert api_b.get("/api/v1/committees/").json()["results"] == []
    assert api_b.get(f"/api/v1/committees/{committee_.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/committees/{committee_.pk}/terms/", {"number": 9, "years": 3, "starts_on": "2030-01-01"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert api_b.delete(f"/api/v1/committee-positions/{position.pk}/").status_code == 404
    with tenant_context(union_a):
        assert Position.objects.filter(pk=position.pk).exists() and Term.objects.count() == 1
