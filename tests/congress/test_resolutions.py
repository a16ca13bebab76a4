"""Resolutions (决议): the counts are entered (show of hands or ballots); a resolution passes only
when more than half of *all* delegates vote for it, not just more than half of those present."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from tenants.congress.models import Resolution
from tenants.congress.services import attendance_record, resolution_record, session_open
from tests.congress.conftest import seat_people
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_session(union_a, session, seats):
    """Six delegates, five present: the session is open."""
    with tenant_context(union_a):
        attendance_record(session=session, present_ids=[seat.delegate.pk for seat in seats[:5]])
        return session_open(session=session)


def test_more_than_half_of_all_delegates_must_vote_for(union_a, open_session):
    with tenant_context(union_a):
        # 3 of 6 is half, not more than half: rejected although 3 > 2 against among those present
        half = resolution_record(session=open_session, title="关于《集体合同》草案的决议", method="show_of_hands",
                                 votes_for=3, votes_against=2, votes_abstain=0)  # fmt: skip
        assert half.passed is False
        passed = resolution_record(session=open_session, title="关于职工福利方案的决议", method="ballot",
                                   votes_for=4, votes_against=1, votes_abstain=0)  # fmt: skip
        assert passed.passed is True


def test_more_votes_than_delegates_present_are_refused(union_a, open_session):
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as refused:
            resolution_record(session=open_session, title="决议", method="ballot", votes_for=5, votes_against=1,
                              votes_abstain=0)  # fmt: skip
        assert refused.value.code == "resolution_counts_too_many"
        assert not Resolution.objects.exists()


def test_the_pass_rule_is_a_database_constraint(union_a, open_session):
    with tenant_context(union_a):
        resolution = resolution_record(session=open_session, title="决议", method="ballot", votes_for=3,
                                       votes_against=0, votes_abstain=0)  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            Resolution.objects.filter(pk=resolution.pk).update(passed=True)


def test_odd_numbers_of_delegates(union_a):
    """With seven delegates, four for passes (4 > 3.5) and three does not."""
    import datetime

    from tenants.congress.services import session_create

    with tenant_context(union_a):
        session = session_create(
            congress_number=1, session_number=1, title="第一届第一次", held_on=datetime.date(2026, 3, 1)
        )
    seats = seat_people(union_a, session, names=("甲一", "乙二", "丙三", "丁四", "戊五", "己六"))
    with tenant_context(union_a):
        from tenants.congress.services import delegate_add
        from tenants.membership.services import member_create

        delegate_add(
            session=session,
            member=member_create(name="庚七", mobile="13977770007"),
            constituency="机关代表团",
        )
        attendance_record(session=session, present_ids=[seat.delegate.pk for seat in seats])
        session = session_open(session=session)
        assert session.delegates_total == 7
        assert resolution_record(session=session, title="甲", method="ballot", votes_for=4, votes_against=0,
                                 votes_abstain=0).passed  # fmt: skip
        assert not resolution_record(session=session, title="乙", method="ballot", votes_for=3, votes_against=0,
                                     votes_abstain=0).passed  # fmt: skip
