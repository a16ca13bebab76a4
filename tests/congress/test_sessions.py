"""Sessions and the quorum (两个三分之一): a session convenes only with at least two thirds of its
delegates present, refused with a clear message otherwise (nothing changed); convening is
reported to the federation with the quorum ratio; a year without a session is flagged and
reported once."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.congress.models import CongressOverdueReport, CongressSession
from tenants.congress.selectors import congress_overdue
from tenants.congress.services import attendance_record, congress_due_check, session_close, session_open
from tenants.events.models import OutboxEvent
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db
QUORUM = (
    "The session cannot convene: %(present)s of %(total)s delegates are present, and at least two thirds "
    "(%(needed)s) must be."
)


def test_a_session_without_two_thirds_present_cannot_convene(union_a, session, seats):
    """Given six delegates of whom three are present, when the chairman opens the session, then
    it is refused with a message naming the counts, and it stays planned; with four it opens."""
    with tenant_context(union_a), translation.override("en"):
        attendance_record(session=session, present_ids=[seat.delegate.pk for seat in seats[:3]])
        with pytest.raises(ServiceError) as refused:
            session_open(session=session)
        assert refused.value.code == "quorum_not_met"
        message = str(refused.value.message)
        assert "3 of 6" in message and "(4)" in message
        session.refresh_from_db()
        assert (
            session.status == "planned"
            and not OutboxEvent.objects.filter(name="congress.session_held").exists()
        )

        attendance_record(session=session, present_ids=[seat.delegate.pk for seat in seats[:4]])
        session_open(session=session)
        session.refresh_from_db()
        assert (session.status, session.delegates_total, session.present_count) == ("open", 6, 4)
        event = OutboxEvent.objects.get(name="congress.session_held")
        assert event.payload == {"held_on": "2026-04-18", "delegates": 6, "present": 4, "quorum_ratio": 0.667}


def test_the_refusal_is_rendered_in_the_language_that_shows_it(union_a, session, seats):
    """The message stays lazy: the same refusal reads in Chinese (the default) or in English."""
    with tenant_context(union_a), pytest.raises(ServiceError) as refused:
        session_open(session=session)
    params = {"present": 0, "total": 6, "needed": 4}
    with translation.override("zh-hans"):
        assert str(refused.value.message) == translation.gettext(QUORUM) % params
    with translation.override("en"):
        assert str(refused.value.message) == QUORUM % params


def test_the_database_refuses_an_open_session_below_quorum(union_a, session, seats):
    """The rule is a database constraint too: no code path can store an open session below quorum."""
    with tenant_context(union_a), pytest.raises(IntegrityError), transaction.atomic():
        CongressSession.objects.filter(pk=session.pk).update(
            status="open", delegates_total=6, present_count=3
        )


def test_a_year_without_a_session_is_flagged_and_reported_once(union_a, session, seats):
    """Given a session held on 2026-04-18, when a year and a day pass, then the congress is
    overdue, reported once (a second check does nothing); a new session clears the flag."""
    with tenant_context(union_a):
        attendance_record(session=session, present_ids=[seat.delegate.pk for seat in seats])
        session_open(session=session)
        session_close(session=session)
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2027, 4, 18)):
            assert not congress_overdue()
            assert congress_due_check() is None
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2027, 4, 19)):
            assert congress_overdue()
            assert congress_due_check() == "overdue"
            assert congress_due_check() is None
        assert CongressOverdueReport.objects.count() == 1
        event = OutboxEvent.objects.get(name="congress.session_overdue")
        assert event.payload == {"last_held_on": "2026-04-18"}
