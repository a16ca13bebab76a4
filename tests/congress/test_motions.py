"""Motions (提案): co-signed by enough delegates before they can be submitted, reviewed by the
motions committee, answered by the responsible department within the session's time limit
(overdue flagged and reminded, frozen time), and rated by the proposer — a second reply when
unsatisfied. Journey 8: accepted, assigned to 人力资源部, answered in time, rated satisfied."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.congress.models import Motion, MotionCosigner
from tenants.congress.selectors import motions_for_staff
from tenants.congress.services import (
    motion_cosign,
    motion_deadline_check,
    motion_draft,
    motion_rate,
    motion_reply,
    motion_review,
    motion_submit,
)
from tenants.congress.tasks import congress_check
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tests.factories import make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

CANTEEN = {"title": "关于延长职工食堂晚餐供应时间的提案", "reason": "夜班职工下班时食堂已停止供餐。",
           "proposal": "建议晚餐供应延长至20:30，并增设夜宵窗口。"}  # fmt: skip


def _submitted(union, seats) -> Motion:
    with tenant_context(union):
        motion = motion_draft(session=seats[0].delegate.session, user=seats[0].user, **CANTEEN)
        for seat in seats[1:3]:
            motion_cosign(motion=motion, user=seat.user)
        return motion_submit(motion=motion, user=seats[0].user)


def test_a_motion_without_enough_cosigners_cannot_be_submitted(union_a, seats):
    """Given a draft with one co-signer where the session needs two, when the proposer submits,
    then it is refused with the numbers and stays a draft; a second co-signer lets it through."""
    with tenant_context(union_a), translation.override("en"):
        motion = motion_draft(session=seats[0].delegate.session, user=seats[0].user, **CANTEEN)
        motion_cosign(motion=motion, user=seats[1].user)
        with pytest.raises(ServiceError) as refused:
            motion_submit(motion=motion, user=seats[0].user)
        assert refused.value.code == "motion_cosigners_missing"
        assert "at least 2 co-signers" in str(refused.value.message) and "has 1" in str(refused.value.message)
        motion.refresh_from_db()
        assert motion.status == "draft" and motion.number is None
        assert not OutboxEvent.objects.filter(name="congress.motion_submitted").exists()

        motion_cosign(motion=motion, user=seats[2].user)
        submitted = motion_submit(motion=motion, user=seats[0].user)
        assert submitted.status == "submitted" and submitted.reference == "5-2-001"


def test_cosigning_rules(union_a, union_b, seats):
    """Only delegates of the session co-sign, once each, never their own motion, only drafts."""
    outsider = make_person(union_a, "member", name="非代表")[1]
    with tenant_context(union_a), translation.override("en"):
        motion = motion_draft(session=seats[0].delegate.session, user=seats[0].user, **CANTEEN)
        with pytest.raises(ServiceError) as own:
            motion_cosign(motion=motion, user=seats[0].user)
        assert own.value.code == "motion_cosign_own"
        with pytest.raises(ServiceError) as stranger:
            motion_cosign(motion=motion, user=outsider)
        assert stranger.value.code == "not_a_delegate" and stranger.value.status == 403
        with pytest.raises(ServiceError) as not_delegate:
            motion_draft(session=seats[0].delegate.session, user=outsider, **CANTEEN)
        assert not_delegate.value.code == "not_a_delegate"
        motion_cosign(motion=motion, user=seats[1].user)
        with pytest.raises(ServiceError) as twice:
            motion_cosign(motion=motion, user=seats[1].user)
        assert twice.value.code == "motion_cosigned"
        with pytest.raises(ServiceError) as not_proposer:
            motion_submit(motion=motion, user=seats[1].user)
        assert not_proposer.value.code == "motion_not_yours"
        assert MotionCosigner.objects.filter(motion=motion).count() == 1


def test_journey_8_accepted_assigned_to_hr_answered_in_time_and_rated_satisfied(union_a, seats):
    motion = _submitted(union_a, seats)
    with tenant_context(union_a), translation.override("en"):
        with pytest.raises(ServiceError) as no_department:
            motion_review(motion=motion, decision="accepted")
        assert no_department.value.code == "motion_department_missing"
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 4, 20)):
            accepted = motion_review(
                motion=motion, decision="accepted", department="人力资源部", note="同意立案"
            )
        assert accepted.reply_due_on == datetime.date(2026, 5, 20)  # the session's 30 days
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 5, 10)):
            motion_reply(motion=motion, reply="自5月起晚餐供应延长至20:30，夜宵窗口已开放。")
        rated = motion_rate(motion=motion, user=seats[0].user, satisfaction="satisfied")
        assert (rated.status, rated.satisfaction) == ("closed", "satisfied")
        with pytest.raises(ServiceError):
            motion_rate(motion=motion, user=seats[0].user, satisfaction="unsatisfied")
        replied = OutboxEvent.objects.get(name="congress.motion_replied")
        assert replied.payload["on_time"] is True
        assert OutboxEvent.objects.get(name="congress.motion_rated").payload == {
            "satisfaction": "satisfied", "second": False}  # fmt: skip
        assert Notification.objects.filter(recipient=seats[0].user).count() == 2  # reviewed, replied


def test_an_unsatisfied_proposer_gets_a_second_reply_and_rates_it(union_a, seats):
    motion = _submitted(union_a, seats)
    with tenant_context(union_a):
        motion_review(motion=motion, decision="accepted", department="人力资源部")
        motion_reply(motion=motion, reply="正在研究。")
        with pytest.raises(ServiceError) as someone_else:
            motion_rate(motion=motion, user=seats[1].user, satisfaction="satisfied")
        assert someone_else.value.code == "motion_not_yours"
        after_first = motion_rate(motion=motion, user=seats[0].user, satisfaction="unsatisfied")
        assert after_first.status == "answered"  # waiting for the second reply
        with pytest.raises(ServiceError) as premature:
            motion_rate(motion=motion, user=seats[0].user, satisfaction="basic")
        assert premature.value.code == "motion_not_answered"
        motion_reply(motion=motion, reply="经研究，6月1日起执行新的供餐时间。")
        final = motion_rate(motion=motion, user=seats[0].user, satisfaction="basic")
        assert (final.status, final.satisfaction, final.final_satisfaction) == (
            "closed",
            "unsatisfied",
            "basic",
        )
        with pytest.raises(ServiceError) as third:
            motion_reply(motion=motion, reply="再次答复")
        assert third.value.code == "motion_reply_not_due"


def test_review_as_suggestion_or_not_accepted_needs_a_reason(union_a, seats):
    motion = _submitted(union_a, seats)
    with tenant_context(union_a), translation.override("en"):
        with pytest.raises(ServiceError) as no_reason:
            motion_review(motion=motion, decision="not_accepted")
        assert no_reason.value.code == "motion_reason_missing"
        suggestion = motion_review(
            motion=motion, decision="suggestion", department="后勤保障部", note="作为建议转交"
        )
        assert suggestion.status == "suggestion" and suggestion.reply_due_on is None
        with pytest.raises(ServiceError):
            motion_reply(motion=motion, reply="答复")


def test_a_reply_not_given_in_time_is_reminded_then_flagged_overdue_once(union_a, seats):
    """Frozen time: accepted on 4-20 with 30 days; on 5-13 (a week before) the chairman is
    reminded once; on 5-21 it is overdue, flagged in the staff list, reported once."""
    chairman = make_person(union_a, "chairman", name="张主席")[1]
    motion = _submitted(union_a, seats)
    with tenant_context(union_a):
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 4, 20)):
            motion_review(motion=motion, decision="accepted", department="人力资源部")
            assert motion_deadline_check(motion=motion) is None
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 5, 13)):
            assert motion_deadline_check(motion=motion) == "reminded"
            assert motion_deadline_check(motion=motion) is None
            assert not motions_for_staff(status="overdue").exists()
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 5, 20)):
            assert motion_deadline_check(motion=motion) is None  # due today: still in time
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 5, 21)):
            assert congress_check() >= 1
            assert congress_check() == 0
            assert list(motions_for_staff(status="overdue")) == [motion]
            motion.refresh_from_db()
            assert motion.is_overdue(datetime.date(2026, 5, 21))
            motion_reply(motion=motion, reply="迟到的答复")
        assert OutboxEvent.objects.filter(name="congress.motion_reply_overdue").count() == 1
        assert OutboxEvent.objects.get(name="congress.motion_reply_overdue").payload == {
            "due_on": "2026-05-20", "days_overdue": 1}  # fmt: skip
        assert OutboxEvent.objects.get(name="congress.motion_replied").payload["on_time"] is False
        titles = list(Notification.objects.filter(recipient=chairman).values_list("title", flat=True))
        assert len(titles) == 2
