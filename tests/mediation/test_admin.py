"""The mediation admin: masked lists with the limit's state, one case's page written to the audit
log (refused views too, answered 404), actions through the forms with clear errors, the agreement
PDF served and audited, and union B's staff finding nothing of union A's."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.mediation.models import MediationCase
from tenants.mediation.services import consultation_ask
from tests.factories import make_person
from tests.mediation.conftest import audit_rows, frozen, signed_in

pytestmark = pytest.mark.django_db


def test_the_list_masks_names_and_shows_the_limit(union_a, client_for, people, accepted):
    client = signed_in(client_for(union_a), people["mediator"])
    with frozen("2026-03-15"):
        response = client.get("/admin/mediation/")
    body = response.content.decode()
    assert response.status_code == 200
    assert accepted.reference in body and "王*明" in body and "王小明" not in body
    assert "加班工资" not in body  # no dispute details in the list
    assert "limit-due" in body  # ends on 03-17: due
    with frozen("2026-03-18"):
        body = client.get("/admin/mediation/?state=overdue").content.decode()
    assert "limit-overdue" in body and accepted.reference in body
    assert audit_rows(union_a, accepted) == []  # a list is not a read of the case


def test_a_case_page_is_audited_and_refused_to_officers(union_a, client_for, people, accepted):
    client = signed_in(client_for(union_a), people["mediator"])
    response = client.get(f"/admin/mediation/cases/{accepted.pk}/")
    assert response.status_code == 200
    assert "考勤记录" in response.content.decode()
    officer = signed_in(client_for(union_a), people["officer"])
    assert officer.get(f"/admin/mediation/cases/{accepted.pk}/").status_code == 404
    assert officer.get("/admin/mediation/cases/new/").status_code == 404
    assert audit_rows(union_a, accepted) == [("钱调解", "read", "admin"), ("李干事", "refused", "admin")]


def test_the_mediator_records_a_session_and_bad_amounts_get_a_clear_message(
    union_a, client_for, people, accepted
):
    client = signed_in(client_for(union_a), people["mediator"])
    url = f"/admin/mediation/cases/{accepted.pk}/"
    with frozen("2026-03-08"):
        response = client.post(url, {"action": "session", "session-held_on": "2026-03-08",
                                     "session-place": "调解室", "session-attendees": "双方",
                                     "session-minutes": "第二次调解，双方接近一致。"})  # fmt: skip
        assert response.status_code == 302
        response = client.post(
            url, {"action": "settle", "settle-amount_agreed": "-5", "settle-terms": "支付"}
        )
    assert response.status_code == 400
    assert "金额不能为负数" in response.content.decode() or "cannot be negative" in response.content.decode()
    with tenant_context(union_a):
        mediation = MediationCase.objects.get(pk=accepted.pk)
        assert (mediation.status, mediation.sessions.count()) == ("accepted", 2)


def test_the_agreement_pdf_is_served_privately_and_audited(union_a, client_for, people, accepted, media_root):
    client = signed_in(client_for(union_a), people["mediator"])
    url = f"/admin/mediation/cases/{accepted.pk}/"
    with frozen("2026-03-09"):
        response = client.post(url, {"action": "settle", "settle-amount_agreed": "15000",
                                     "settle-terms": "公司支付加班工资15000元。"})  # fmt: skip
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert f"{url}agreement/" in page and "15000.00" in page
    response = client.get(f"{url}agreement/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    with tenant_context(union_a):
        name = MediationCase.objects.get(pk=accepted.pk).agreement_pdf.name
    assert name.startswith("private/")
    assert client_for(union_a).get(f"/media/{union_a.schema_name}/{name}").status_code == 404
    assert audit_rows(union_a, accepted)[-2:] == [("钱调解", "read", "admin"), ("钱调解", "export", "admin")]


def test_a_consultation_is_answered_in_the_admin(union_a, client_for, people):
    with tenant_context(union_a):
        asked = consultation_ask(worker=people["worker"], claim_kind="wages", question="拖欠两个月工资怎么办？",
                                 consent_given=True)  # fmt: skip
    officer = signed_in(client_for(union_a), people["officer"])
    assert asked.reference in officer.get("/admin/mediation/consultations/?waiting=1").content.decode()
    response = officer.post(f"/admin/mediation/consultations/{asked.pk}/", {"answer": "", "law_cited": ""})
    assert response.status_code == 400
    response = officer.post(f"/admin/mediation/consultations/{asked.pk}/",
                            {"answer": "可向劳动监察投诉或申请调解。", "law_cited": "《劳动合同法》第三十条"})  # fmt: skip
    assert response.status_code == 302
    member = signed_in(client_for(union_a), people["member"])
    assert member.get(f"/admin/mediation/consultations/{asked.pk}/").status_code in (302, 404)
    assert [row[1:] for row in audit_rows(union_a, asked)] == [("read", "admin"), ("read", "admin")]


def test_union_b_staff_find_nothing_of_union_a(union_a, union_b, client_for, people, accepted, media_root):
    with tenant_context(union_a), frozen("2026-03-09"):
        from tenants.mediation.services import mediation_settle

        mediation_settle(
            mediation=accepted, amount_agreed="1000", terms="支付1000元。", by=people["mediator"]
        )
    chairman_b = make_person(union_b, "chairman", name="吴主席")[1]
    mediator_b = make_person(union_b, "mediator", name="冯调解")[1]
    for person in (chairman_b, mediator_b):
        client = signed_in(client_for(union_b), person)
        assert accepted.reference not in client.get("/admin/mediation/").content.decode()
        for path in (
            f"/admin/mediation/cases/{accepted.pk}/",
            f"/admin/mediation/cases/{accepted.pk}/agreement/",
        ):
            assert client.get(path).status_code == 404
        assert client.post(f"/admin/mediation/cases/{accepted.pk}/", {"action": "accept"}).status_code == 404
    # Union A's session is worthless on union B's host
    client = signed_in(client_for(union_a), people["mediator"])
    client.defaults["HTTP_HOST"] = union_b.primary_host
    assert client.get(f"/admin/mediation/cases/{accepted.pk}/").status_code in (302, 404)
    with tenant_context(union_a):
        assert MediationCase.objects.get(pk=accepted.pk).status == "closed"
