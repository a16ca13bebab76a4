"""The case engine: every kind's default procedure as a state machine, and the refusals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.kinds import KINDS
from tenants.cases.models import Case, CaseEvent, Procedure
from tenants.cases.procedures import machine_for, procedure_adapt, procedure_current, procedure_publish
from tenants.cases.services import case_escalate, case_note, case_open, case_rate, case_transition
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tests.factories import make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(union_a):
    _, chairman = make_person(union_a, "chairman", name="张主席")
    _, officer = make_person(union_a, "officer", name="李干事")
    _, worker = make_person(union_a, "member", name="王职工")
    return chairman, officer, worker


def _all_paths(machine, code, path=()):
    """Every path from ``code`` to an end step, as lists of step codes."""
    path = (*path, code)
    ways = machine.ways_from(code)
    if not ways:
        yield path
    for way in ways:
        if way.target not in path:
            yield from _all_paths(machine, way.target, path)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_path_of_every_default_procedure_runs_and_nothing_can_be_skipped(union_a, staff, kind):
    chairman, officer, worker = staff
    with tenant_context(union_a):
        machine = machine_for(procedure_current(kind))
        paths = list(_all_paths(machine, machine.start.code))
        assert paths, "the default procedure has a path to an end"
        for path in paths:
            case, _ = case_open(kind=kind, title="食堂饭菜价格偏高", description="希望工会反映", channel="web_form",
                                requester=worker, by=officer)  # fmt: skip
            for position, target in enumerate(path[1:], start=1):
                reachable = {way.target for way in machine.ways_from(case.step)}
                skipping = [code for code in path[position + 1 :] if code not in reachable]
                for code in skipping:
                    with pytest.raises(ServiceError) as refused:
                        case_transition(case=case, to_step=code, by=chairman, outcome="结果")
                    assert refused.value.code == "step_not_allowed"
                case = case_transition(
                    case=case, to_step=target, by=chairman, note="已处理", outcome="已答复职工"
                )
            case.refresh_from_db()
            assert case.status == Case.Status.CLOSED and case.outcome == "已答复职工"
            assert list(
                case.events.filter(kind=CaseEvent.Kind.DECISION).values_list("to_step", flat=True)
            ) == list(path[1:])


def test_closing_needs_an_outcome_and_a_closed_case_takes_nothing_more(union_a, staff):
    _chairman, officer, worker = staff
    with tenant_context(union_a):
        case, _ = case_open(
            kind="appeal", title="加班费", description="加班费计算", channel="walk_in", requester=worker
        )
        for step in ("assess", "reply"):
            case = case_transition(case=case, to_step=step, by=officer)
        with pytest.raises(ServiceError) as refused:
            case_transition(case=case, to_step="closed", by=officer, outcome="  ")
        assert refused.value.code == "outcome_required"
        case.refresh_from_db()
        assert case.status == "open" and case.step == "reply"
        case_transition(
            case=case, to_step="closed", by=officer, outcome="已与人力资源部沟通，下月起按新标准计算"
        )
        with pytest.raises(ServiceError) as refused:
            case_note(case=case, kind="reply", text="补充答复", by=officer)
        assert refused.value.code == "case_closed"
        assert OutboxEvent.objects.filter(name="case.closed", payload__kind="appeal").exists()


def test_only_the_steps_role_acts(union_a, staff):
    chairman, officer, worker = staff
    with tenant_context(union_a):
        case, _ = case_open(
            kind="warning", title="停工苗头", description="四十人", channel="walk_in", requester=worker
        )
        case = case_transition(case=case, to_step="verify", by=officer)
        with pytest.raises(ServiceError) as refused:
            case_transition(case=case, to_step="resolve", by=officer)  # verifying is the chairman's step
        assert refused.value.code == "step_role" and refused.value.status == 403
        with pytest.raises(ServiceError):
            case_transition(case=case, to_step="verify", by=worker)
        case_transition(case=case, to_step="resolve", by=chairman)


def test_rating_only_by_the_requester_once_in_range_after_closing(union_a, staff):
    _chairman, officer, worker = staff
    with tenant_context(union_a):
        case, _ = case_open(
            kind="appeal", title="班车", description="增加班车", channel="web_form", requester=worker
        )
        with pytest.raises(ServiceError) as refused:
            case_rate(case=case, rating=5, by=worker)
        assert refused.value.code == "rating_open_case"
        for step in ("assess", "reply"):
            case_transition(case=case, to_step=step, by=officer)
        case_transition(case=case, to_step="closed", by=officer, outcome="已增加一班")
        for bad in (0, 6, "x"):
            with pytest.raises(ServiceError) as refused:
                case_rate(case=case, rating=bad, by=worker)
            assert refused.value.code == "rating_range"
        with pytest.raises(ServiceError):
            case_rate(case=case, rating=4, by=officer)
        case_rate(case=case, rating=4, comment="满意", by=worker)
        with pytest.raises(ServiceError) as refused:
            case_rate(case=case, rating=5, by=worker)
        assert refused.value.code == "rating_done"
        assert Case.objects.get(pk=case.pk).rating == 4


def test_an_adapted_procedure_applies_to_new_cases_only(union_a, staff):
    chairman, _officer, worker = staff
    with tenant_context(union_a):
        old = procedure_current("appeal")
        running, _ = case_open(kind="appeal", title="a", description="b", channel="letter", requester=worker)
        draft = procedure_adapt(procedure=old, by=chairman)
        draft.steps.filter(code="handle").update(label="部门协调")
        procedure_publish(procedure=draft, by=chairman)
        assert Procedure.objects.get(pk=old.pk).status == "retired"
        fresh, _ = case_open(kind="appeal", title="c", description="d", channel="letter", requester=worker)
        assert fresh.procedure_id == draft.pk and running.procedure_id == old.pk
        assert machine_for(draft).step("handle").label == "部门协调"
        assert machine_for(old).step("handle").label == "协调办理"


def test_an_overdue_case_is_escalated_to_the_chairman_once(union_a, staff):
    chairman, _officer, worker = staff
    with tenant_context(union_a):
        case, _ = case_open(
            kind="appeal", title="宿舍", description="热水", channel="hotline", requester=worker
        )
        Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
        from tenants.cases.tasks import cases_escalate_overdue

        assert cases_escalate_overdue() == 1
        assert cases_escalate_overdue() == 0
        assert case_escalate(case=case) is False
        assert Notification.objects.filter(recipient=chairman, title__contains=case.reference).exists()
        assert OutboxEvent.objects.filter(name="case.overdue").count() == 1


def test_the_periodic_sweep_escalates_in_each_union_its_own_cases(union_a, union_b, staff):
    from tenants.cases.tasks import cases_escalate_overdue_all

    chairman_a, _officer, worker_a = staff
    _, chairman_b = make_person(union_b, "chairman", name="刘主席")
    _, worker_b = make_person(union_b, "member", name="孙职工")
    past = timezone.now() - datetime.timedelta(days=2)
    opened = {}
    for union, worker in ((union_a, worker_a), (union_b, worker_b)):
        with tenant_context(union):
            case, _ = case_open(kind="appeal", title=f"{union.slug}的诉求", description="…", channel="letter",
                                requester=worker)  # fmt: skip
            Case.objects.filter(pk=case.pk).update(due_at=past)
            opened[union.slug] = case
    assert cases_escalate_overdue_all() >= 2  # queued once per active union, each in its schema
    with tenant_context(union_a):
        assert Case.objects.get(pk=opened["xinghe"].pk).escalated_at is not None
        titles = list(Notification.objects.filter(recipient=chairman_a).values_list("title", flat=True))
        assert any(opened["xinghe"].reference in title for title in titles)
    with tenant_context(union_b):
        assert Case.objects.get(pk=opened["hengtong"].pk).escalated_at is not None
        assert (
            Notification.objects.filter(recipient=chairman_b, title__contains="超期").exists()
            or Notification.objects.filter(recipient=chairman_b).exists()
        )
        assert not Notification.objects.filter(title__contains="xinghe").exists()


def test_nobody_rates_a_named_non_members_case_for_them(union_a, staff):
    from django.contrib.auth.models import AnonymousUser

    _chairman, officer, _worker = staff
    with tenant_context(union_a):
        case, _ = case_open(kind="appeal", title="来信", description="…", channel="letter",
                            requester_type="named", requester_name="陈先生", by=officer)  # fmt: skip
        for step in ("assess", "reply"):
            case_transition(case=case, to_step=step, by=officer)
        case_transition(case=case, to_step="closed", by=officer, outcome="已电话答复")
        for someone in (AnonymousUser(), officer):
            with pytest.raises(ServiceError) as refused:
                case_rate(case=case, rating=5, by=someone)
            assert refused.value.code == "rating_not_requester"
