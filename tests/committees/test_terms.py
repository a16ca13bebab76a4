"""Committees and terms (issue 9 part 2): overlapping terms refused clearly, positions by kind,
renewal reminders at 6, 3 and 1 months (each once, frozen time) and the overdue flag reported
to the federation as counted facts."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from tenants.committees.models import Committee, Term, TermReminder
from tenants.committees.services import committee_create, position_assign, term_create
from tenants.committees.tasks import committee_terms_check, committee_terms_check_all
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tests.factories import make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def test_a_term_overlapping_another_of_the_same_committee_is_refused_clearly(union_a, committee):
    committee_, term = committee
    with tenant_context(union_a), translation.override("en"):
        # A new term that starts before the serving one ends
        with pytest.raises(ServiceError) as refused:
            term_create(
                committee=committee_, number=4, years=5, starts_on=term.ends_on - datetime.timedelta(days=30)
            )
        assert refused.value.code == "term_overlap"
        message = str(refused.value.message)
        assert "term 3" in message and str(term.starts_on) in message and str(term.ends_on) in message
        # One that ends after the serving one starts
        with pytest.raises(ServiceError):
            term_create(
                committee=committee_,
                number=2,
                years=3,
                starts_on=term.starts_on - datetime.timedelta(days=365),
            )
        assert Term.objects.count() == 1
        # The next term, from the day after the end, is fine; so is a term of another committee
        term_create(
            committee=committee_, number=4, years=5, starts_on=term.ends_on + datetime.timedelta(days=1)
        )
        other = committee_create(kind="funds_review", name="经费审查委员会")
        term_create(committee=other, number=1, years=5, starts_on=term.starts_on)
        assert Term.objects.count() == 3


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"years": 4}, "term_years_invalid"),
        ({"ends_on": datetime.date(2020, 1, 1)}, "term_dates"),
        ({"ends_on": datetime.date(2029, 1, 1)}, "term_too_long"),
        ({"number": 3}, "term_number_taken"),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_saved(union_a, committee, values, code):
    committee_, _term = committee
    with tenant_context(union_a):
        data = {"number": 9, "years": 3, "starts_on": datetime.date(2021, 6, 1), **values}
        with pytest.raises(ServiceError) as refused:
            term_create(committee=committee_, **data)
        assert refused.value.code == code
        assert Term.objects.count() == 1


def test_positions_follow_the_kind_of_committee(union_a, roster, committee):
    _committee, term = committee
    with tenant_context(union_a):
        for role, member, code in (
            ("head", roster[2], "position_role_invalid"),  # the union committee has a chairman
            ("chairman", roster[2], "position_leader_taken"),
            ("member", roster[0], "position_member_taken"),
        ):
            with pytest.raises(ServiceError) as refused:
                position_assign(term=term, member=member, role=role)
            assert refused.value.code == code
        with pytest.raises(ServiceError) as refused:
            position_assign(term=term, member=roster[2], role="member", public_mobile="13920002003")
        assert refused.value.code == "position_contact_not_public"
        with pytest.raises(ServiceError) as refused:
            committee_create(kind="union_committee", name="第二个工会委员会")
        assert refused.value.code == "committee_kind_taken"
        assert term.positions.count() == 2


def at(day: datetime.date):
    """Freeze the clock at 10:00 on ``day`` (Asia/Shanghai)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return mock.patch("tenants.committees.services.timezone.now", return_value=moment)


def test_renewal_reminders_at_six_three_and_one_months_each_once_then_overdue(union_a, committee):
    _committee, term = committee
    _chairman_account, chairman = make_person(union_a, "chairman", name="张主席")
    end = term.ends_on
    with tenant_context(union_a):
        sent = []
        for day in (
            end - relativedelta(months=7),  # nothing yet
            end - relativedelta(months=6),  # the 6-month reminder
            end - relativedelta(months=6) + datetime.timedelta(days=1),  # not again
            end - relativedelta(months=3),  # the 3-month reminder
            end - relativedelta(months=3),  # not again the same day
            end - relativedelta(months=1),  # the 1-month reminder
            end,  # the last day: nothing new
            end + datetime.timedelta(days=1),  # overdue, reported once
            end + datetime.timedelta(days=30),  # not again
        ):
            with at(day):
                sent.append(committee_terms_check())
        assert sent == [0, 1, 0, 1, 0, 1, 0, 1, 0]
        assert sorted(TermReminder.objects.filter(term=term).values_list("months_before", "sent")) == [
            (1, True), (3, True), (6, True),
        ]  # fmt: skip
        events = list(OutboxEvent.objects.filter(name__startswith="committee.term_").exclude(
            name="committee.term_started").order_by("occurred_at").values_list("name", "payload"))  # fmt: skip
        assert [name for name, _payload in events] == ["committee.term_expiring"] * 3 + [
            "committee.term_overdue"
        ]
        assert [payload.get("months_before") for _name, payload in events[:3]] == [6, 3, 1]
        assert events[3][1] == {
            "committee_kind": "union_committee",
            "ends_on": end.isoformat(),
            "days_overdue": 1,
        }
        # Counted facts only: no names, no numbers of people
        assert all(
            set(payload) <= {"committee_kind", "months_before", "ends_on", "days_overdue"}
            for _n, payload in events
        )
        # The chairman was told four times (in-site; SMS and email follow from a task)
        assert Notification.objects.filter(recipient=chairman).count() == 4
        term.refresh_from_db()
        assert term.overdue_reported_at is not None


def test_a_reminder_found_late_sends_only_the_most_urgent_and_a_renewed_term_none(union_a, committee):
    committee_, term = committee
    with tenant_context(union_a):
        with at(term.ends_on - relativedelta(months=2)):
            assert committee_terms_check() == 1
            assert committee_terms_check() == 0
        assert sorted(TermReminder.objects.values_list("months_before", "sent")) == [(3, True), (6, False)]
        # Once the next term is recorded, the old one is neither reminded nor overdue
        term_create(
            committee=committee_, number=4, years=5, starts_on=term.ends_on + datetime.timedelta(days=1)
        )
        for day in (term.ends_on - relativedelta(months=1), term.ends_on + datetime.timedelta(days=40)):
            with at(day):
                assert committee_terms_check() == 0
        assert not OutboxEvent.objects.filter(name="committee.term_overdue").exists()


def test_the_periodic_task_fans_out_to_every_union_and_stays_in_each(union_a, union_b, committee):
    _committee, term = committee
    with at(term.ends_on - relativedelta(months=6)):
        assert committee_terms_check_all() >= 2
    with tenant_context(union_a):
        assert TermReminder.objects.filter(term=term, months_before=6).exists()
    with tenant_context(union_b):
        assert not Committee.objects.exists() and not TermReminder.objects.exists()
