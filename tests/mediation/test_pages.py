"""The worker's pages: asking a legal question (consent first), seeing the answer and their own
cases' status on /my/mediation/, downloading their own agreement (audited), nobody else's, and
nothing of union A's on union B's host."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.mediation.models import Consultation
from tenants.mediation.services import consultation_answer, mediation_settle
from tests.mediation.conftest import audit_rows, frozen, signed_in

pytestmark = pytest.mark.django_db


def test_a_worker_asks_and_sees_the_answer(union_a, client_for, people):
    client = signed_in(client_for(union_a), people["worker"])
    assert "/my/mediation/" in client.get("/my/").content.decode()
    response = client.post(
        "/my/mediation/ask/", {"claim_kind": "working_hours", "question": "周六加班没有加班费"}
    )
    assert response.status_code == 400
    assert "同意" in response.content.decode()
    with tenant_context(union_a):
        assert not Consultation.objects.exists()
    response = client.post("/my/mediation/ask/", {"claim_kind": "nonsense", "question": "x", "consent": "on"})
    assert response.status_code == 400
    response = client.post("/my/mediation/ask/", {"claim_kind": "working_hours", "question": "周六加班没有加班费",
                                                  "consent": "on"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/my/mediation/"
    with tenant_context(union_a):
        asked = Consultation.objects.get()
        assert asked.consent.purpose.startswith("为解答劳动法律咨询")
        consultation_answer(consultation=asked, answer="应支付200%工资报酬。", law_cited="《劳动法》第四十四条",
                            by=people["mediator"])  # fmt: skip
    body = client.get("/my/mediation/").content.decode()
    assert "周六加班没有加班费" in body and "应支付200%工资报酬。" in body and "《劳动法》第四十四条" in body
    other = signed_in(client_for(union_a), people["member"])
    assert "周六加班没有加班费" not in other.get("/my/mediation/").content.decode()


def test_the_applicant_sees_status_and_their_own_agreement(
    union_a, union_b, client_for, people, accepted, media_root
):
    client = signed_in(client_for(union_a), people["worker"])
    with frozen("2026-03-05"):
        body = client.get("/my/mediation/").content.decode()
    assert accepted.reference in body and "2026-03-17" in body
    assert "考勤记录" not in body  # the minutes stay with the mediators
    with tenant_context(union_a), frozen("2026-03-09"):
        mediation_settle(mediation=accepted, amount_agreed="15000", terms="公司支付加班工资15000元。",
                         by=people["mediator"])  # fmt: skip
    url = f"/my/mediation/cases/{accepted.pk}/agreement/"
    assert url in client.get("/my/mediation/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    other = signed_in(client_for(union_a), people["member"])
    assert other.get(url).status_code == 404
    assert client_for(union_a).get(url).status_code == 302  # signed out: to the login page
    assert [row[1:] for row in audit_rows(union_a, accepted)] == [("export", "site"), ("refused", "site")]
    # On union B's host the worker's session is worthless and the case is not found
    client.defaults["HTTP_HOST"] = union_b.primary_host
    assert client.get(url).status_code in (302, 404)
    from tests.factories import make_person

    worker_b = make_person(union_b, "member", name="冯职工")[1]
    client_b = signed_in(client_for(union_b), worker_b)
    assert client_b.get(url).status_code == 404
    assert accepted.reference not in client_b.get("/my/mediation/").content.decode()


def test_a_visitor_cannot_ask(union_a, client_for):
    from tests.factories import make_person

    visitor = make_person(union_a, "visitor", name="访客")[1]
    client = signed_in(client_for(union_a), visitor)
    assert client.get("/my/mediation/ask/").status_code == 404


def test_the_worker_sees_which_mediation_records_exist(union_a, client_for, people, accepted):
    """PIPL art. 44–45: /my/privacy/ lists the case (its existence only, never the dispute)."""
    client = signed_in(client_for(union_a), people["worker"])
    body = client.get("/my/privacy/").content.decode()
    assert accepted.reference in body and "考勤记录" not in body and "加班" not in body
