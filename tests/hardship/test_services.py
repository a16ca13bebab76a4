"""Hardship files through the services: opening after consent, assistance, visits, the reviewed
exit and the fall-back warning; bad input refused with a clear message and nothing changed;
federation events carry counted facts only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.events.models import OutboxEvent
from tenants.hardship.models import AssistanceRecord, FollowUpVisit, HardshipFile
from tenants.hardship.services import (
    assistance_record,
    followup_record,
    hardship_exit_decide,
    hardship_exit_propose,
)
from tenants.notifications.models import Notification
from tenants.privacy.services import consent_record
from tests.hardship.conftest import open_file
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

PERSONAL = ("王小明", "11010519491231002X", "尿毒症", "2600")


def events(name: str) -> list[dict]:
    return list(
        OutboxEvent.objects.filter(name=name).order_by("occurred_at").values_list("payload", flat=True)
    )


def test_opening_a_file_runs_the_case_procedure_and_tells_the_chairman(union_a, file, people):
    with tenant_context(union_a):
        case = Case.objects.get(pk=file.case_id)
        assert (case.kind, case.step, case.confidentiality, case.assignee) == (
            "hardship",
            "assist",
            "restricted",
            people["officer"],
        )
        # The case holds nothing sensitive: the file does
        assert not any(secret in case.title + case.description for secret in PERSONAL)
        assert set(file.officers.all()) == {people["officer"]}
        assert file.next_followup_on == timezone.localdate() + datetime.timedelta(days=0) + _months(1)
        assert Notification.objects.filter(
            recipient=people["chairman"], title__contains=file.reference
        ).exists()
        assert events("hardship.file_opened") == [{"kind": "medical", "tier": "deep", "fallback": False}]
        assert not any(secret in str(payload) for payload in OutboxEvent.objects.values_list("payload", flat=True)
                       for secret in PERSONAL)  # fmt: skip


def _months(n: int):
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=n)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"id_number": "110105194912310021"}, "id_number_check_digit", "id_number"),
        ({"monthly_income": "-1"}, "income_negative", "monthly_income"),
        ({"monthly_income": "99999999"}, "income_too_large", "monthly_income"),
        ({"household_size": 0}, "household_size", "household_size"),
        ({"kind": "lottery"}, "hardship_kind", "kind"),
        ({"causes": "  "}, "hardship_causes", "causes"),
        ({"members": [{"name": "王小红", "relation": "child", "id_number": "110105201003070018"}]},
         "id_number_check_digit", "members.0.id_number"),
    ],
)  # fmt: skip
def test_bad_input_opens_nothing(union_a, people, consent, change, code, field):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            open_file(people, **change)
        assert (error.value.code, error.value.field) == (code, field) and str(error.value.message)
        assert not HardshipFile.objects.exists() and not Case.objects.filter(kind="hardship").exists()


def test_one_open_file_per_household(union_a, file, people):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            open_file(people)
        assert error.value.code == "hardship_file_exists" and HardshipFile.objects.count() == 1


def test_only_the_chairman_and_officers_open_files(union_a, people, consent):
    with tenant_context(union_a):
        for role in ("mediator", "member"):
            with pytest.raises(ServiceError) as error:
                open_file(people, by=people[role])
            assert error.value.status == 403
        assert not HardshipFile.objects.exists()


def test_assistance_amounts_and_dates_are_checked(union_a, file, people):
    with tenant_context(union_a):
        day = timezone.localdate()
        good = dict(form="money", amount="5000", source="union_funds", description="医疗救助金", given_on=day)
        for change, code in (
            ({"amount": "-100"}, "amount_negative"),
            ({"amount": "5000000"}, "amount_too_large"),
            ({"amount": "abc"}, "amount_invalid"),
            ({"amount": "0"}, "amount_zero"),
            ({"source": "lottery"}, "assistance_source"),
            ({"given_on": day - datetime.timedelta(days=3)}, "assistance_before_file"),
            ({"given_on": day + datetime.timedelta(days=3)}, "date_future"),
        ):
            with pytest.raises(ServiceError) as error:
                assistance_record(file=file, **{**good, **change}, by=people["officer"])
            assert error.value.code == code and str(error.value.message)
        assert not AssistanceRecord.objects.exists()
        # Another officer, not named on the file, cannot record on it
        with pytest.raises(ServiceError) as error:
            assistance_record(file=file, **good, by=people["officer2"])
        assert error.value.status == 403
        record = assistance_record(file=file, **good, by=people["officer"])
        assert record.amount == 5000
        assert events("hardship.assistance") == [
            {"kind": "medical", "tier": "deep", "form": "money", "source": "union_funds", "amount": "5000.00"}
        ]


def test_a_visit_dated_before_the_file_is_refused(union_a, file, people):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            followup_record(file=file, visited_on=timezone.localdate() - datetime.timedelta(days=1), method="home",
                            situation="stable", findings="家中情况稳定", by=people["officer"])  # fmt: skip
        assert error.value.code == "followup_before_file" and error.value.field == "visited_on"
        assert not FollowUpVisit.objects.exists()


def test_the_exit_is_proposed_by_the_officer_and_approved_by_the_chairman(union_a, file, people):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            hardship_exit_decide(file=file, approve=True, by=people["chairman"])
        assert error.value.code == "hardship_exit_state"
        hardship_exit_propose(
            file=file, reason="妻子病情稳定，本人已复工，人均收入超过困难标准。", by=people["officer"]
        )
        # The officer cannot approve their own proposal
        with pytest.raises(ServiceError) as error:
            hardship_exit_decide(file=file, approve=True, by=people["officer"])
        assert error.value.status == 403
        hardship_exit_decide(file=file, approve=True, note="同意退出", by=people["chairman"])
        file.refresh_from_db()
        assert file.status == "exited" and file.case.status == "closed"
        assert file.watch_until == timezone.localdate() + _months(12)
        assert events("hardship.file_closed") == [{"kind": "medical", "tier": "deep", "months_open": 0}]


def test_a_household_falling_back_warns_the_chairman(union_a, file, people):
    with tenant_context(union_a):
        hardship_exit_propose(file=file, reason="已脱困", by=people["officer"])
        hardship_exit_decide(file=file, approve=True, by=people["chairman"])
        # A post-exit visit finding income per head below the line (1450): 3000 / 3 = 1000
        followup_record(file=file, visited_on=timezone.localdate(), method="home", situation="worse",
                        findings="妻子病情反复", household_income="3000", by=people["officer"])  # fmt: skip
        assert events("hardship.fallback") == [{"kind": "medical", "tier": "deep", "reason": "income"}]
        # Reopening within the fall-back period is a fall back too
        consent_record(worker=people["worker"], scope="hardship", method="written", by=people["officer"],
                       purpose="重新建立帮扶档案，核实家庭收入和健康情况。")  # fmt: skip
        again = open_file(people, tier="sudden")
        assert again.fallback_of_id == file.pk
        assert events("hardship.fallback")[-1]["reason"] == "reopened"
        assert events("hardship.file_opened")[-1]["fallback"] is True
        warnings = Notification.objects.filter(
            recipient=people["chairman"], url__contains="/admin/hardship/files/"
        )
        assert warnings.count() >= 3  # the new file twice (opened, fall back) and the income warning
