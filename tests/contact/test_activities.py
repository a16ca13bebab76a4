"""Frontline visits and symposiums: the record, its issues, and an issue becoming a case."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.cases.models import Case
from tenants.contact.models import ContactActivity, RaisedIssue
from tenants.contact.services import contact_activity_record, contact_issue_add, contact_issue_case_open
from tenants.events.models import OutboxEvent
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def symposium(union, people, **fields):
    values = dict(
        kind="symposium", title="一线职工座谈会", held_on=timezone.localdate() - datetime.timedelta(days=1),
        place="三号楼会议室", attendees=[people["worker"][1], people["other"][1]], other_attendees=6,
        minutes="围绕夏季高温作业、班车线路和技能培训听取意见。",
        issues=[
            {"summary": "车间夏季降温设施不足", "details": "二车间下午温度超过35度。", "raised_by": people["worker"][1]},
            {"summary": "班车线路不经过新小区", "raised_by_name": "物流部职工"},
            {"summary": "希望增加电工培训名额"},
        ],
    )  # fmt: skip
    values.update(fields)
    with tenant_context(union):
        return contact_activity_record(by=people["officer"][1], **values)


def test_a_symposium_is_recorded_with_attendees_and_issues_and_counted_for_the_federation(union_a, people):
    activity = symposium(union_a, people)
    with tenant_context(union_a):
        assert activity.host == people["officer"][1]
        assert set(activity.attendees.all()) == {people["worker"][1], people["other"][1]}
        assert list(activity.issues.order_by("sort_order").values_list("summary", flat=True)) == [
            "车间夏季降温设施不足", "班车线路不经过新小区", "希望增加电工培训名额",
        ]  # fmt: skip
        event = OutboxEvent.objects.get(name="contact.activity_held")
        assert event.payload == {"kind": "symposium", "held_on": activity.held_on.isoformat(), "people": 8}


@pytest.mark.parametrize(
    ("issue_index", "channel_kind", "requester"),
    [(0, "symposium", "member"), (1, "symposium", "named"), (2, "frontline_visit", "named")],
)
def test_an_issue_becomes_a_linked_case_in_one_step(union_a, people, issue_index, channel_kind, requester):
    activity = symposium(union_a, people, kind=channel_kind)
    with tenant_context(union_a):
        issue = activity.issues.order_by("sort_order")[issue_index]
        case = contact_issue_case_open(issue=issue, by=people["chairman"][1], category="request")
        issue.refresh_from_db()
        assert issue.case == case
        assert (case.kind, case.channel, case.requester_type) == ("appeal", channel_kind, requester)
        assert case.title == issue.summary and activity.title in case.description
        if requester == "member":
            assert case.requester == people["worker"][1]
        elif issue.raised_by_name:
            assert case.requester_name == "物流部职工"
        else:
            assert activity.title in case.requester_name
        with pytest.raises(ServiceError) as refused:
            contact_issue_case_open(issue=issue, by=people["chairman"][1])
        assert refused.value.code == "issue_has_case" and Case.objects.count() == 1


def test_when_the_case_engine_refuses_the_issue_stays_without_a_case(union_a, people):
    activity = symposium(union_a, people)
    with tenant_context(union_a):
        issue = activity.issues.first()
        with pytest.raises(ServiceError) as refused:
            contact_issue_case_open(issue=issue, by=people["chairman"][1], priority=9)
        assert refused.value.code == "case_priority"
        issue.refresh_from_db()
        assert issue.case is None and not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"place": ""}, "place"),
        ({"kind": "party"}, "kind"),
        ({"held_on": timezone.localdate() + datetime.timedelta(days=5)}, "held_on"),
        ({"issues": [{"summary": " "}]}, "summary"),
    ],
)
def test_a_record_that_says_too_little_is_refused_and_nothing_is_saved(union_a, people, change, field):
    with pytest.raises(ServiceError) as refused:
        symposium(union_a, people, **change)
    assert refused.value.field == field
    with tenant_context(union_a):
        assert not ContactActivity.objects.exists() and not RaisedIssue.objects.exists()
        assert not OutboxEvent.objects.filter(name="contact.activity_held").exists()


def test_members_cannot_record_contact_or_open_cases(union_a, people):
    with pytest.raises(ServiceError) as refused, tenant_context(union_a):
        contact_activity_record(
            by=people["worker"][1], kind="symposium", title="x", held_on=timezone.localdate(), place="x"
        )
    assert refused.value.status == 403
    activity = symposium(union_a, people)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            contact_issue_add(activity=activity, by=people["worker"][1], summary="x")
        assert refused.value.status == 403
        with pytest.raises(ServiceError) as refused:
            contact_issue_case_open(issue=activity.issues.first(), by=people["worker"][1])
        assert refused.value.status == 403 and not Case.objects.exists()
