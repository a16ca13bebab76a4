"""Mediation through the services: consultations, the case from application to agreement or
referral, the 15-day statutory limit with frozen time (and an agreed extension), the periodic
reminder scan, bad input refused with nothing changed, ciphertext at rest, counted events."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from tenants.cases.models import Case
from tenants.events.models import OutboxEvent
from tenants.mediation.models import Consultation, LimitExtension, MediationCase, MediationSession
from tenants.mediation.services import (
    consultation_answer,
    consultation_ask,
    consultation_log,
    mediation_accept,
    mediation_extend,
    mediation_fail,
    mediation_limits_scan,
    mediation_settle,
    mediation_withdraw,
    session_record,
)
from tenants.notifications.models import Notification
from tests.mediation.conftest import CLAIM, PERSONAL, apply, frozen
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def events(name: str) -> list[dict]:
    return list(OutboxEvent.objects.filter(name=name).order_by("pk").values_list("payload", flat=True))


def _keep_first_page(pdf_path: str) -> None:
    """The agreement's first page as var/screenshots/mediation-agreement.png, for people to look at."""
    import pypdfium2

    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf_path)
    document[0].render(scale=1.2).to_pil().save(SCREENSHOTS / "mediation-agreement.png")
    document.close()


def _session(mediation, people, day: str, minutes: str = "双方就加班小时数达成一致。"):
    return session_record(mediation=mediation, held_on=day, place="工会劳动争议调解室",
                          attendees="申请人、被申请人代表、调解员", minutes=minutes, by=people["mediator"])  # fmt: skip


def test_a_worker_asks_online_and_the_mediator_answers(union_a, people):
    with tenant_context(union_a):
        asked = consultation_ask(worker=people["worker"], claim_kind="working_hours",
                                 question="周六加班公司不给加班费，也不安排补休，我该怎么办？", consent_given=True)  # fmt: skip
        assert (asked.status, asked.channel, asked.consent.method) == ("waiting", "online", "online")
        assert Notification.objects.filter(
            recipient=people["mediator"], title__contains=asked.reference
        ).exists()
        answered = consultation_answer(
            consultation=asked, answer="休息日安排加班又不能安排补休的，应支付不低于工资200%的工资报酬。",
            law_cited="《劳动法》第四十四条", by=people["mediator"],
        )  # fmt: skip
        assert answered.status == "answered" and answered.answered_by == people["mediator"]
        assert Notification.objects.filter(recipient=people["worker"], url="/my/mediation/").exists()
        assert events("mediation.consultation_logged") == [
            {"claim_kind": "working_hours", "channel": "online"}
        ]


def test_consultations_need_consent_and_a_question(union_a, people):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            consultation_ask(
                worker=people["worker"], claim_kind="wages", question="工资拖欠", consent_given=False
            )
        assert refused.value.code == "consent_required"
        with pytest.raises(ServiceError) as refused:
            consultation_log(worker=people["worker"], claim_kind="wages", channel="phone", question="工资拖欠",
                             by=people["mediator"])  # fmt: skip
        assert refused.value.code == "consent_required"
        with pytest.raises(ServiceError) as refused:
            consultation_ask(worker=people["worker"], claim_kind="wages", question="  ", consent_given=True)
        assert refused.value.field == "question"
        with pytest.raises(ServiceError) as refused:
            consultation_log(worker=people["worker"], claim_kind="wages", channel="phone", question="工资拖欠",
                             consent_given=True, by=people["member"])  # fmt: skip
        assert refused.value.status == 403
        assert not Consultation.objects.exists()
        logged = consultation_log(worker=people["worker"], claim_kind="wages", channel="phone", question="工资拖欠",
                                  answer="可先申请调解。", law_cited="《劳动争议调解仲裁法》第四条", consent_given=True,
                                  by=people["officer"])  # fmt: skip
        assert logged.status == "answered"


def test_the_dispute_details_are_ciphertext_in_the_database(union_a, people, accepted):
    with tenant_context(union_a), connection.cursor() as cursor:
        cursor.execute("SELECT claim FROM mediation_mediationcase WHERE id = %s", [accepted.pk])
        (raw_claim,) = cursor.fetchone()
        cursor.execute("SELECT minutes, attendees FROM mediation_mediationsession WHERE mediation_id = %s",
                       [accepted.pk])  # fmt: skip
        raw_minutes, raw_attendees = cursor.fetchone()
        assert "加班" not in raw_claim and "考勤" not in raw_minutes and "王小明" not in raw_attendees
        assert MediationCase.objects.get(pk=accepted.pk).claim == CLAIM
        # The case on the engine holds nothing of the dispute
        case = Case.objects.get(pk=accepted.case_id)
        assert (case.kind, case.confidentiality, case.step) == ("mediation", "restricted", "mediating")
        assert not any(secret in case.title + case.description for secret in PERSONAL)


def test_acceptance_starts_the_fifteen_day_limit(union_a, people, applied):
    with tenant_context(union_a), frozen("2026-03-02", 15):
        mediation = mediation_accept(mediation=applied, by=people["mediator"])
        assert mediation.ends_on == datetime.date(2026, 3, 17)
        assert events("mediation.case_accepted") == [{"claim_kind": "working_hours"}]


def test_a_session_before_acceptance_or_after_closure_is_refused(union_a, people, applied):
    with tenant_context(union_a):
        with frozen("2026-03-02"), pytest.raises(ServiceError) as refused:
            _session(applied, people, "2026-03-02")
        assert refused.value.code == "session_before_acceptance"
        with frozen("2026-03-03"):
            mediation = mediation_accept(mediation=applied, by=people["mediator"])
        with frozen("2026-03-04"), pytest.raises(ServiceError) as refused:
            _session(mediation, people, "2026-03-01")
        assert refused.value.field == "held_on"
        with frozen("2026-03-04"), pytest.raises(ServiceError) as refused:
            _session(mediation, people, "2026-03-09")
        assert refused.value.code == "date_future"
        with frozen("2026-03-06"):
            _session(mediation, people, "2026-03-06")
            mediation_withdraw(mediation=mediation, note="申请人与公司自行和解。", by=people["mediator"])
        with frozen("2026-03-07"), pytest.raises(ServiceError) as refused:
            _session(mediation, people, "2026-03-07")
        assert refused.value.code == "session_after_closure"
        assert MediationSession.objects.filter(mediation=mediation).count() == 1


@pytest.mark.parametrize(
    ("amount", "code"),
    [("-100", "amount_negative"), ("99999999999", "amount_too_large"), ("一万", "amount_invalid"),
     ("NaN", "amount_invalid"), ("Infinity", "amount_invalid")],
)  # fmt: skip
def test_bad_amounts_are_refused_and_nothing_is_saved(union_a, people, amount, code):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            apply(people, amount_claimed=amount)
        assert (refused.value.code, refused.value.field) == (code, "amount_claimed")
        assert not MediationCase.objects.exists() and not Case.objects.filter(kind="mediation").exists()


def test_a_bad_agreed_amount_is_refused_and_the_case_stays_open(union_a, people, accepted):
    with tenant_context(union_a), frozen("2026-03-06"):
        with pytest.raises(ServiceError) as refused:
            mediation_settle(
                mediation=accepted, amount_agreed="-1", terms="公司支付加班费。", by=people["mediator"]
            )
        assert refused.value.code == "amount_negative"
        accepted.refresh_from_db()
        assert (accepted.status, accepted.agreement_pdf.name) == ("accepted", "")


def test_an_agreement_within_the_limit_is_printed_and_counted(union_a, people, accepted, media_root):
    with tenant_context(union_a), frozen("2026-03-10"):
        _session(accepted, people, "2026-03-10")
        settled = mediation_settle(
            mediation=accepted, amount_agreed="15000", signed_on="2026-03-10", by=people["mediator"],
            terms="一、公司于2026年3月31日前一次性支付申请人加班工资15000元。\n二、申请人放弃其他请求。",
        )  # fmt: skip
        assert (settled.status, settled.outcome, settled.within_limit) == ("closed", "settled", True)
        assert settled.amount_agreed == Decimal("15000.00")
        assert settled.agreement_pdf.name.startswith("private/mediation/")
        text = "".join(page.extract_text() for page in PdfReader(settled.agreement_pdf.path).pages)
        for expected in ("劳动争议调解协议书", "王小明", "北京星河精密制造有限公司", "15000", "一次性支付申请人加班工资",
                         settled.reference):  # fmt: skip
            assert expected in text, expected
        assert Case.objects.get(pk=settled.case_id).status == "closed"
        _keep_first_page(settled.agreement_pdf.path)
        assert events("mediation.case_closed") == [
            {"outcome": "settled", "claim_kind": "working_hours", "within_limit": True, "days_taken": 8}
        ]
        assert not any(secret in str(payload) for payload in OutboxEvent.objects.values_list("payload", flat=True)
                       for secret in PERSONAL)  # fmt: skip


def test_the_limit_passes_reminder_then_overdue_once_each(union_a, people, accepted):
    """Accepted 2026-03-02, ends by 2026-03-17: reminded from 03-14, flagged on 03-18."""
    with tenant_context(union_a):
        with frozen("2026-03-13"):
            assert mediation_limits_scan() == {"reminded": 0, "overdue": 0}
        with frozen("2026-03-14"):
            assert mediation_limits_scan() == {"reminded": 1, "overdue": 0}
            assert mediation_limits_scan() == {"reminded": 0, "overdue": 0}  # idempotent
        assert (
            Notification.objects.filter(recipient=people["mediator"], title__contains="2026-03-17").count()
            == 1
        )
        with frozen("2026-03-18"):
            assert mediation_limits_scan() == {"reminded": 0, "overdue": 1}
            assert mediation_limits_scan() == {"reminded": 0, "overdue": 0}
        assert (
            Notification.objects.filter(
                recipient=people["chairman"], title__contains=accepted.reference
            ).count()
            == 1
        )
        assert events("mediation.overdue") == [{"claim_kind": "working_hours"}]
        with frozen("2026-03-19"):
            failed = mediation_fail(mediation=accepted, referral_target="service_station",
                                    note="公司坚持不同意支付，告知申请人可申请仲裁，转街道工会服务站跟进。", by=people["mediator"])  # fmt: skip
        assert (failed.outcome, failed.within_limit, failed.referral_target) == (
            "failed",
            False,
            "service_station",
        )
        assert events("mediation.referral") == [
            {"target_kind": "service_station", "claim_kind": "working_hours"}
        ]
        assert events("mediation.case_closed")[-1] == {
            "outcome": "failed",
            "claim_kind": "working_hours",
            "within_limit": False,
            "days_taken": 17,
        }


def test_an_agreed_extension_moves_the_limit_and_is_bounded(union_a, people, accepted):
    with tenant_context(union_a):
        with frozen("2026-03-15"):
            for new_end, code in (
                ("2026-03-16", "extension_not_later"),
                ("2026-04-30", "extension_too_long"),
            ):
                with pytest.raises(ServiceError) as refused:
                    mediation_extend(
                        mediation=accepted, new_end=new_end, reason="双方同意", by=people["mediator"]
                    )
                assert refused.value.code == code
            with pytest.raises(ServiceError) as refused:
                mediation_extend(mediation=accepted, new_end="2026-03-27", reason=" ", by=people["mediator"])
            assert refused.value.field == "reason"
            assert not LimitExtension.objects.exists()
            extension = mediation_extend(mediation=accepted, new_end="2026-03-27",
                                         reason="公司需核对考勤记录，双方同意延长十日。", by=people["mediator"])  # fmt: skip
            assert (extension.previous_end, extension.new_end) == (
                datetime.date(2026, 3, 17),
                datetime.date(2026, 3, 27),
            )
        with frozen("2026-03-18"):
            assert mediation_limits_scan() == {"reminded": 0, "overdue": 0}  # no longer past its limit
        with frozen("2026-03-25"):
            assert mediation_limits_scan() == {"reminded": 1, "overdue": 0}  # the new end day is reminded
            _session(accepted, people, "2026-03-25")
            settled = mediation_settle(mediation=accepted, amount_agreed="16000", terms="公司支付加班工资16000元。",
                                       by=people["mediator"])  # fmt: skip
        assert (settled.within_limit, events("mediation.case_closed")[-1]["days_taken"]) == (True, 23)


def test_only_mediators_and_the_chairman_handle_cases(union_a, people, applied):
    with tenant_context(union_a):
        for role in ("officer", "member"):
            with pytest.raises(ServiceError) as refused:
                mediation_accept(mediation=applied, by=people[role])
            assert refused.value.status == 403
        assert mediation_accept(mediation=applied, by=people["chairman"]).status == "accepted"


def test_an_agreement_needs_a_session(union_a, people, applied):
    with tenant_context(union_a):
        mediation = mediation_accept(mediation=applied, by=people["mediator"])
        with pytest.raises(ServiceError) as refused:
            mediation_settle(mediation=mediation, amount_agreed="1", terms="x", by=people["mediator"])
        assert refused.value.code == "agreement_without_session"


def test_the_periodic_task_scans_each_union_in_its_own_schema(union_a, union_b, people, accepted):
    """Beat's fan-out (tasks eager in tests) flags union A's case and touches nothing in union B."""
    from django.conf import settings

    from tenants.mediation.tasks import mediation_limits_scan_all

    entry = settings.CELERY_BEAT_SCHEDULE["mediation-limits-scan"]
    assert entry["task"] == "tenants.mediation.tasks.mediation_limits_scan_all"
    with frozen("2026-03-20"):
        assert mediation_limits_scan_all.delay().get() >= 2
    with tenant_context(union_a):
        assert MediationCase.objects.get(pk=accepted.pk).overdue_flagged_for == datetime.date(2026, 3, 17)
    with tenant_context(union_b):
        assert not OutboxEvent.objects.filter(name__startswith="mediation.").exists()
