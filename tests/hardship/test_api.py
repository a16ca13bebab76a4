"""The hardship API: masked lists, full reads logged, exports logged, refused reads logged and
answered 404; writes through the services; nothing of union A through union B's host."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.hardship.models import HardshipFile
from tests.factories import make_person
from tests.hardship.conftest import ID_WORKER, api, audit_rows

pytestmark = pytest.mark.django_db


def test_the_list_is_masked_and_reading_one_file_is_audited(union_a, client_for, people, file):
    client = api(client_for, union_a, people["officer"])
    rows = client.get("/api/v1/hardship/files/").json()["results"]
    assert rows == [
        {
            "id": file.pk, "reference": file.reference, "worker_name": "王*明", "id_number": "110105********002X",
            "kind": "medical", "tier": "deep", "status": "open", "opened_at": rows[0]["opened_at"],
            "next_followup_on": str(file.next_followup_on), "last_followup_on": None,
        }
    ]  # fmt: skip
    assert audit_rows(union_a, file) == []  # a masked list is not a read of the file
    full = client.get(f"/api/v1/hardship/files/{file.pk}/").json()
    assert (full["id_number"], full["monthly_income"], full["worker_name"]) == (
        ID_WORKER,
        "2600.00",
        "王小明",
    )
    assert "尿毒症" in full["causes"] and full["members"][0]["relation"] == "child"
    export = client.get(f"/api/v1/hardship/files/{file.pk}/export/")
    assert export.status_code == 200 and ID_WORKER in export.content.decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv")
    assert audit_rows(union_a, file) == [("李干事", "read", "api"), ("李干事", "export", "api")]


@pytest.mark.parametrize("who", ["officer2", "mediator", "member", "worker"])
def test_anyone_not_on_the_file_is_refused_and_the_refusal_is_audited(union_a, client_for, people, file, who):
    client = api(client_for, union_a, people[who])
    assert client.get(f"/api/v1/hardship/files/{file.pk}/").status_code == 404
    assert client.get(f"/api/v1/hardship/files/{file.pk}/export/").status_code == 404
    name = people[who].name
    assert audit_rows(union_a, file) == [(name, "refused", "api"), (name, "refused", "api")]
    listing = client.get("/api/v1/hardship/files/")
    assert (
        listing.status_code == 403
        if who in ("mediator", "member", "worker")
        else listing.json()["results"] == []
    )


def test_the_chairman_reads_every_file(union_a, client_for, people, file):
    client = api(client_for, union_a, people["chairman"])
    assert client.get(f"/api/v1/hardship/files/{file.pk}/").json()["id_number"] == ID_WORKER
    assert audit_rows(union_a, file) == [("张主席", "read", "api")]


def test_consent_then_file_then_assistance_through_the_api(union_a, client_for, people):
    client = api(client_for, union_a, people["officer"])
    body = {"worker": people["worker"].pk, "kind": "medical", "tier": "deep", "id_number": ID_WORKER,
            "monthly_income": "2600", "household_size": 3, "causes": "妻子患尿毒症"}  # fmt: skip
    refused = client.post("/api/v1/hardship/files/", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "consent_required"
    consent = client.post("/api/v1/hardship/consents/", {
        "worker": people["worker"].pk, "scope": "hardship", "method": "written",
        "purpose": "建立帮扶档案，核实家庭收入和健康情况。"}, content_type="application/json")  # fmt: skip
    assert consent.status_code == 201, consent.json()
    opened = client.post("/api/v1/hardship/files/", body, content_type="application/json")
    assert opened.status_code == 201, opened.json()
    pk = opened.json()["id"]
    bad = client.post(f"/api/v1/hardship/files/{pk}/assistance/", {
        "form": "money", "amount": "-5", "source": "union_funds", "description": "医疗救助",
        "given_on": str(timezone.localdate())}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["code"] == "amount_negative"
    good = client.post(f"/api/v1/hardship/files/{pk}/assistance/", {
        "form": "money", "amount": "5000", "source": "union_funds", "description": "医疗救助",
        "given_on": str(timezone.localdate())}, content_type="application/json")  # fmt: skip
    assert good.status_code == 201 and good.json()["amount"] == "5000.00"
    early = client.post(f"/api/v1/hardship/files/{pk}/followups/", {
        "visited_on": "2020-01-01", "method": "home", "situation": "stable", "findings": "稳定"},
        content_type="application/json")  # fmt: skip
    assert early.status_code == 400 and early.json()["code"] == "followup_before_file"
    proposed = client.post(
        f"/api/v1/hardship/files/{pk}/exit/", {"reason": "已脱困"}, content_type="application/json"
    )
    assert proposed.json()["status"] == "exit_proposed"
    officer_decides = client.post(f"/api/v1/hardship/files/{pk}/exit-decision/", {"approve": True},
                                  content_type="application/json")  # fmt: skip
    assert officer_decides.status_code == 403
    chairman = api(client_for, union_a, people["chairman"])
    decided = chairman.post(f"/api/v1/hardship/files/{pk}/exit-decision/", {"approve": True},
                            content_type="application/json")  # fmt: skip
    assert decided.json()["status"] == "exited"
    assert client.get("/api/v1/hardship/files/due/").status_code == 200


def test_union_b_reads_and_changes_nothing_of_union_a(union_a, union_b, client_for, people, file):
    officer_b = make_person(union_b, "officer", name="刘干事")[1]
    chairman_b = make_person(union_b, "chairman", name="陈主席")[1]
    for user in (officer_b, chairman_b):
        client = api(client_for, union_b, user)
        assert client.get("/api/v1/hardship/files/").json()["results"] == []
        assert client.get(f"/api/v1/hardship/files/{file.pk}/").status_code == 404
        assert client.get(f"/api/v1/hardship/files/{file.pk}/export/").status_code == 404
        assert client.post(f"/api/v1/hardship/files/{file.pk}/assistance/", {
            "form": "goods", "amount": "100", "source": "donation", "description": "米面油",
            "given_on": str(timezone.localdate())}, content_type="application/json").status_code == 404  # fmt: skip
        assert client.get("/api/v1/hardship/consents/").json()["results"] == []
    # A's token is worthless on B's host
    a_on_b = api(client_for, union_a, people["chairman"])
    a_on_b.defaults["HTTP_HOST"] = union_b.primary_host
    assert a_on_b.get(f"/api/v1/hardship/files/{file.pk}/").status_code == 401
    with tenant_context(union_a):
        assert not HardshipFile.objects.get(pk=file.pk).assistance.exists()


def test_the_chairman_names_officers_and_a_consent_can_be_withdrawn(
    union_a, client_for, people, file, consent
):
    officer2 = api(client_for, union_a, people["officer2"])
    assert officer2.get(f"/api/v1/hardship/files/{file.pk}/").status_code == 404
    # An officer cannot name others on a file; the chairman can, and only officers
    officer = api(client_for, union_a, people["officer"])
    refused = officer.post(f"/api/v1/hardship/files/{file.pk}/officers/", {"officers": [people["officer2"].pk]},
                           content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    chairman = api(client_for, union_a, people["chairman"])
    member = chairman.post(f"/api/v1/hardship/files/{file.pk}/officers/", {"officers": [people["member"].pk]},
                           content_type="application/json")  # fmt: skip
    assert member.status_code == 400 and member.json()["code"] == "hardship_officer_role"
    named = chairman.post(f"/api/v1/hardship/files/{file.pk}/officers/",
                          {"officers": [people["officer"].pk, people["officer2"].pk]}, content_type="application/json")  # fmt: skip
    assert named.status_code == 200
    assert officer2.get(f"/api/v1/hardship/files/{file.pk}/").status_code == 200
    # The worker withdraws the consent: the file stays, no new member can be added under it
    withdrawn = officer.post(f"/api/v1/hardship/consents/{consent.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    from tenants.hardship.services import hardship_member_add
    from workershome.errors import ServiceError

    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        hardship_member_add(file=file, name="王大明", relation="parent", by=people["officer"])
    assert error.value.code == "consent_required"
