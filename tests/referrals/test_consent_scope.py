"""Every referral of a case records the worker's consent under a scope of its own,
``case_referral`` (转介案件给上级或兄弟工会), whatever the kind of case; the worker sees it on
/my/privacy/; once they withdraw it nothing about them is referred until they agree again; and
the consents recorded for referrals before are moved to it by a migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django_tenants.utils import tenant_context

from tenants.cases.services import case_open
from tenants.privacy.models import Consent
from tenants.referrals_out.models import OutgoingReferral
from tenants.referrals_out.services import referral_consent_withdrawn, referral_resend, referral_send
from tests.mediation.conftest import frozen, signed_in
from workershome.errors import ServiceError

from .conftest import refer

pytestmark = pytest.mark.django_db


def second_case(union, people):
    with tenant_context(union), frozen("2026-03-20", 9):
        case, _code = case_open(kind="appeal", title="夜班补贴标准", description="夜班补贴多年未调整。",
                                channel="walk_in", requester=people["worker"], by=people["officer"])  # fmt: skip
    return case


def test_an_appeal_and_a_failed_mediation_are_referred_under_the_case_referral_scope(
    union_a, people, appeal, failed, stations
):
    to_district = refer(union_a, appeal, people["officer"])
    to_station = refer(union_a, failed.case, people["mediator"], receiver_kind="station", shared=["claim"])
    with tenant_context(union_a):
        for referral, receiver in ((to_district, "朝阳区总工会服务中心"), (to_station, "望京街道工会服务站")):
            consent = OutgoingReferral.objects.get(uuid=referral.referral_uuid).consent
            assert consent.scope == "case_referral" and receiver in consent.purpose
            assert consent.get_scope_display() == "转介案件给上级或兄弟工会"
        # The mediation's own consent (to collect the dispute's data) is another row, untouched.
        assert list(Consent.objects.filter(worker=people["worker"]).values_list("scope", flat=True).order_by("pk")) == [
            "mediation", "case_referral", "case_referral",
        ]  # fmt: skip


def test_the_worker_sees_it_on_my_privacy_and_withdrawing_it_stops_new_referrals(
    union_a, people, appeal, client_for
):
    refer(union_a, appeal, people["officer"])
    worker = signed_in(client_for(union_a), people["worker"])
    page = worker.get("/my/privacy/").content.decode()
    assert "转介案件给上级或兄弟工会" in page and "向朝阳区总工会服务中心转介案件" in page
    with tenant_context(union_a):
        consent = Consent.objects.get(worker=people["worker"], scope="case_referral")
    assert worker.post(f"/my/privacy/consents/{consent.pk}/withdraw/").status_code == 302
    with tenant_context(union_a):
        assert referral_consent_withdrawn(people["worker"]) is not None
    case = second_case(union_a, people)

    # The service, the admin form and the API all refuse, clearly, and nothing is saved.
    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        referral_send(case=case, receiver_kind="city", shared=["subject"], difficulty="normal", consent_given=True,
                      by=people["officer"])  # fmt: skip
    assert error.value.code == "consent_withdrawn" and error.value.field == "consent_renewed"
    assert "撤回" in str(error.value.message)
    officer = signed_in(client_for(union_a), people["officer"])
    form = officer.get(f"/admin/referrals-out/send/case/{case.pk}/").content.decode()
    assert 'name="consent_renewed"' in form
    post = {"receiver_kind": "city", "difficulty": "normal", "shared": ["subject"], "consent_given": "on"}
    refused = officer.post(f"/admin/referrals-out/send/case/{case.pk}/", post)
    assert refused.status_code == 400 and "撤回" in refused.content.decode()
    api = officer.post("/api/v1/referrals/sent/", {"case": case.pk, "receiver_kind": "city", "shared": ["subject"],
                       "difficulty": "normal", "consent_given": True}, content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and api.json()["code"] == "consent_withdrawn"
    assert "withdrew" in api.json()["message_en"] and "consent_renewed" in api.json()["fields"]
    with tenant_context(union_a):
        assert not OutgoingReferral.objects.filter(case=case).exists()
        assert Consent.objects.filter(worker=people["worker"], scope="case_referral").count() == 1

    # The worker agreed again, in writing: the officer records that, and the case goes.
    sent = officer.post(f"/admin/referrals-out/send/case/{case.pk}/", {**post, "consent_renewed": "on"})
    assert sent.status_code == 302
    with tenant_context(union_a):
        assert OutgoingReferral.objects.get(case=case).consent.withdrawn_at is None
        assert referral_consent_withdrawn(people["worker"]) is None
    assert (
        'name="consent_renewed"'
        not in officer.get(f"/admin/referrals-out/send/case/{appeal.pk}/").content.decode()
    )


def test_a_declined_referral_is_not_re_sent_after_the_withdrawal(union_a, people, appeal, district_admins):
    from stations.services import referral_advance
    from tenants.referrals_out.services import referral_sync

    referral = refer(union_a, appeal, people["officer"])
    referral_advance(
        referral=referral, action="decline", note="请转街道服务站。", by=district_admins["chaoyang"].user
    )
    with tenant_context(union_a):
        referral_sync(referral_uuid=str(referral.referral_uuid))
        sent = OutgoingReferral.objects.get(uuid=referral.referral_uuid)
        consent = sent.consent
        from tenants.privacy.services import consent_withdraw

        consent_withdraw(consent=consent, by=people["worker"])
        with pytest.raises(ServiceError) as error:
            referral_resend(referral=sent, receiver_kind="city", shared=["subject"], difficulty="normal",
                            consent_given=True, by=people["officer"])  # fmt: skip
        assert error.value.code == "consent_withdrawn"
        assert not OutgoingReferral.objects.filter(previous=sent).exists()


def test_the_migration_moves_exactly_the_consents_recorded_for_referrals(
    union_a, people, appeal, failed, stations
):
    """Before, an appeal's referral consent was under ``referral`` and a mediation's under
    ``mediation``; the migration moves those two rows, not the mediation's own consent, and
    moves them back when reversed."""
    migration = importlib.import_module("tenants.referrals_out.migrations.0005_consent_scope_case_referral")
    to_district = refer(union_a, appeal, people["officer"])
    to_station = refer(union_a, failed.case, people["mediator"], receiver_kind="station", shared=["claim"])
    with tenant_context(union_a):
        appeal_consent = OutgoingReferral.objects.get(uuid=to_district.referral_uuid).consent_id
        mediation_referral_consent = OutgoingReferral.objects.get(uuid=to_station.referral_uuid).consent_id
        own = Consent.objects.get(worker=people["worker"], scope="mediation").pk
        Consent.objects.filter(pk=appeal_consent).update(scope="referral")  # as recorded before
        Consent.objects.filter(pk=mediation_referral_consent).update(scope="mediation")

        def scopes():
            return dict(Consent.objects.filter(worker=people["worker"]).values_list("pk", "scope"))

        migration.forwards(django_apps, None)
        assert scopes() == {
            own: "mediation",
            appeal_consent: "case_referral",
            mediation_referral_consent: "case_referral",
        }
        migration.forwards(django_apps, None)  # again: nothing more moves
        assert scopes()[own] == "mediation"
        migration.backwards(django_apps, None)
        assert scopes() == {
            own: "mediation",
            appeal_consent: "referral",
            mediation_referral_consent: "mediation",
        }
