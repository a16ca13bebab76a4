"""The mediation API: masked lists, audited reads and exports (refused ones too, answered 404),
the whole case from application to agreement through the API, bad input as 400 with a code,
and union B finding nothing of union A's on any endpoint."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.mediation.models import MediationCase
from tenants.mediation.services import consultation_ask
from tests.factories import make_person
from tests.mediation.conftest import CLAIM, api, audit_rows, frozen

pytestmark = pytest.mark.django_db


def test_a_mediator_runs_a_case_through_the_api(union_a, client_for, people, media_root):
    client = api(client_for, union_a, people["mediator"])
    with frozen("2026-03-02"):
        response = client.post("/api/v1/mediation/cases/", {
            "worker": people["worker"].pk, "respondent_kind": "employer", "respondent_name": "星河公司",
            "claim_kind": "wages", "claim": CLAIM, "amount_claimed": "8000", "consent_given": True,
        }, content_type="application/json")  # fmt: skip
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        assert client.post(f"/api/v1/mediation/cases/{pk}/accept/").json()["ends_on"] == "2026-03-17"
    with frozen("2026-03-04"):
        for day in ("2026-03-03", "2026-03-04"):
            response = client.post(f"/api/v1/mediation/cases/{pk}/sessions/", {
                "held_on": day, "place": "调解室", "attendees": "双方", "minutes": "调解。"},
                content_type="application/json")  # fmt: skip
            assert response.status_code == 201
        response = client.post(f"/api/v1/mediation/cases/{pk}/settle/", {"amount_agreed": "99999999999", "terms": "x"},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 400 and response.json()["code"] == "amount_too_large"
        response = client.post(f"/api/v1/mediation/cases/{pk}/settle/", {"amount_agreed": "7000", "terms": "支付7000元。"},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 200
        assert (response.json()["outcome"], response.json()["within_limit"]) == ("settled", True)
        response = client.post(f"/api/v1/mediation/cases/{pk}/sessions/", {
            "held_on": "2026-03-04", "place": "调解室", "attendees": "双方", "minutes": "再次调解。"},
            content_type="application/json")  # fmt: skip
        assert response.status_code == 409 and response.json()["code"] == "session_after_closure"
    response = client.get(f"/api/v1/mediation/cases/{pk}/agreement/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    listed = client.get("/api/v1/mediation/cases/").json()["results"][0]
    assert listed["applicant"] == "王*明" and "claim" not in listed and "amount_claimed" not in listed
    with tenant_context(union_a):
        mediation = MediationCase.objects.get(pk=pk)
    actions = [row[1] for row in audit_rows(union_a, mediation)]
    assert actions.count("export") == 1 and "read" in actions


def test_reads_by_others_are_refused_with_404_and_audited(union_a, client_for, people, accepted):
    mediator = api(client_for, union_a, people["mediator"])
    body = mediator.get(f"/api/v1/mediation/cases/{accepted.pk}/").json()
    assert body["claim"] == CLAIM and body["sessions"][0]["minutes"].startswith("申请人陈述")
    for role in ("officer", "worker"):
        client = api(client_for, union_a, people[role])
        assert client.get(f"/api/v1/mediation/cases/{accepted.pk}/").status_code == 404
        assert client.get(f"/api/v1/mediation/cases/{accepted.pk}/agreement/").status_code == 404
        assert client.get("/api/v1/mediation/cases/").status_code == 403
    assert [row[1:] for row in audit_rows(union_a, accepted)] == [
        ("read", "api"), ("refused", "api"), ("refused", "api"), ("refused", "api"), ("refused", "api"),
    ]  # fmt: skip


def test_consultations_through_the_api(union_a, client_for, people):
    officer = api(client_for, union_a, people["officer"])
    response = officer.post("/api/v1/mediation/consultations/", {
        "worker": people["worker"].pk, "channel": "phone", "claim_kind": "social_insurance",
        "question": "公司没给我交社保。", "consent_given": True}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    pk = response.json()["id"]
    response = officer.post(f"/api/v1/mediation/consultations/{pk}/answer/", {"answer": "", "law_cited": ""},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    response = officer.post(f"/api/v1/mediation/consultations/{pk}/answer/", {
        "answer": "用人单位应当依法为职工缴纳社会保险费。", "law_cited": "《社会保险法》第五十八条"},
        content_type="application/json")  # fmt: skip
    assert response.json()["status"] == "answered"
    assert officer.get("/api/v1/mediation/consultations/").json()["results"][0]["worker_name"] == "王*明"
    member = api(client_for, union_a, people["member"])
    assert member.get(f"/api/v1/mediation/consultations/{pk}/").status_code == 404
    assert member.get("/api/v1/mediation/consultations/").status_code == 403


def test_union_b_finds_nothing_of_union_a_through_the_api(union_a, union_b, client_for, people, accepted):
    with tenant_context(union_a):
        asked = consultation_ask(
            worker=people["worker"], claim_kind="wages", question="拖欠工资", consent_given=True
        )
    mediator_b = make_person(union_b, "mediator", name="冯调解")[1]
    chairman_b = make_person(union_b, "chairman", name="吴主席")[1]
    for person in (mediator_b, chairman_b):
        client = api(client_for, union_b, person)
        assert client.get("/api/v1/mediation/cases/").json()["results"] == []
        assert client.get("/api/v1/mediation/consultations/").json()["results"] == []
        for path in (f"/api/v1/mediation/cases/{accepted.pk}/", f"/api/v1/mediation/cases/{accepted.pk}/agreement/",
                     f"/api/v1/mediation/consultations/{asked.pk}/"):  # fmt: skip
            assert client.get(path).status_code == 404
        for path, data in ((f"/api/v1/mediation/cases/{accepted.pk}/withdraw/", {}),
                           (f"/api/v1/mediation/cases/{accepted.pk}/extend/", {"new_end": "2026-03-20", "reason": "x"}),
                           (f"/api/v1/mediation/consultations/{asked.pk}/answer/", {"answer": "x"})):  # fmt: skip
            assert client.post(path, data, content_type="application/json").status_code == 404
    # Union A's token is worthless on union B's host
    token_a = api(client_for, union_a, people["mediator"])
    token_a.defaults["HTTP_HOST"] = union_b.primary_host
    assert token_a.get("/api/v1/mediation/cases/").status_code in (401, 403)
    with tenant_context(union_a):
        assert MediationCase.objects.get(pk=accepted.pk).status == "accepted"
