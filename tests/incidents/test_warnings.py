"""Journey 7: an officer reports that forty workers plan to stop work over wage arrears.

The warning is written with its outbox event in one transaction, the chairman is told at once,
the district federation's inbox shows it (exactly once, however often it is delivered), the
district acknowledges it, and without acknowledgement it is re-sent and escalated to the city.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db.models import F
from django_tenants.utils import schema_context, tenant_context

from accounts import sms
from federation.inbox import inbox_warning_acknowledge, inbox_warnings_resend_due
from federation.models import Fact, InboxWarning, InboxWarningNotice
from tenants.cases.models import Case
from tenants.events.delivery import outbox_deliver_pending
from tenants.events.models import OutboxEvent
from tenants.events.tasks import outbox_deliver_all
from tenants.incidents.delivery import warning_raised_deliver
from tenants.incidents.models import IncidentWarning
from tenants.incidents.selectors import delivery_state
from tenants.incidents.services import incident_warning_mirror
from tenants.notifications.models import Notification
from workershome.errors import ServiceError

from .conftest import WAGE_ARREARS, report

pytestmark = pytest.mark.django_db


def _counts(union) -> tuple[int, int, int, int]:
    with tenant_context(union):
        return (
            Case.objects.count(),
            IncidentWarning.objects.count(),
            OutboxEvent.objects.count(),
            Notification.objects.count(),
        )


def _age(warning: InboxWarning, minutes: int) -> None:
    """Pretend the last notice went out ``minutes`` ago."""
    InboxWarning.objects.filter(pk=warning.pk).update(
        last_sent_at=F("last_sent_at") - datetime.timedelta(minutes=minutes)
    )


def test_a_report_opens_a_warning_case_with_its_event_and_tells_the_chairman(
    union_a, staff_a, django_capture_on_commit_callbacks
):
    officer, chairman = staff_a["officer"], staff_a["chairman"]
    warning = report(union_a, officer.user, captures=django_capture_on_commit_callbacks)
    with tenant_context(union_a):
        case = warning.case
        assert case.kind == "warning" and case.step == "reported" and case.status == "open"
        assert case.priority == Case.Priority.URGENT
        assert "约40人" in case.title and "厂区三车间" in case.title
        event = OutboxEvent.objects.get(name="warning.raised")
        assert event.pk == warning.event_id
        payload = event.payload
        assert payload["warning"] == str(warning.uuid) and payload["reference"] == case.reference
        assert payload["headcount"] == 40 and payload["risk_level"] == "elevated"
        assert payload["category"] == "wage_arrears" and payload["district"] == union_a.district_id
        assert payload["union"] == union_a.pk
        # Counted facts and the incident's what/where; nothing about who reported it.
        flat = str(payload)
        for personal in ("李干事", officer.account.mobile):
            assert personal not in flat
        assert set(payload) == {
            "warning", "reference", "category", "risk_level", "headcount", "summary", "location",
            "expected_at", "reported_at", "union", "district", "street",
        }  # fmt: skip
        told = Notification.objects.filter(recipient=chairman.user, title__contains=case.reference)
        assert told.exists()
    assert chairman.account.mobile in {message.mobile for message in sms.outbox}
    # Delivered on commit: the district's inbox has it, and the union's record says so.
    inbox = InboxWarning.objects.get(event_id=warning.event_id)
    assert inbox.union == union_a and inbox.headcount == 40 and inbox.district_id == union_a.district_id
    with tenant_context(union_a):
        warning.refresh_from_db()
        assert warning.delivered_at is not None
        assert delivery_state(warning).code == "delivered"
        assert OutboxEvent.objects.get(pk=warning.event_id).dispatched_at is not None


def test_if_the_case_cannot_be_opened_nothing_is_written(union_a, staff_a, monkeypatch):
    import tenants.incidents.services as services

    before = _counts(union_a)
    real_case_open = services.case_open

    def case_open_then_fail(**kwargs):
        real_case_open(**kwargs)
        raise ServiceError("case_failed", "无法立案")

    monkeypatch.setattr(services, "case_open", case_open_then_fail)
    with pytest.raises(ServiceError):
        report(union_a, staff_a["officer"].user)
    assert _counts(union_a) == before


def test_if_the_warning_cannot_be_written_neither_the_case_nor_the_event_is(union_a, staff_a, monkeypatch):
    before = _counts(union_a)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(IncidentWarning.objects, "create", fail)
    with pytest.raises(RuntimeError):
        report(union_a, staff_a["officer"].user)
    assert _counts(union_a) == before
    assert not InboxWarning.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"headcount": 0}, "warning_headcount", "headcount"),
        ({"headcount": -5}, "warning_headcount", "headcount"),
        ({"headcount": "四十"}, "warning_headcount", "headcount"),
        ({"headcount": 10_000_000}, "warning_headcount", "headcount"),
        ({"summary": "   "}, "warning_summary", "summary"),
        ({"summary": "x" * 501}, "warning_summary_length", "summary"),
        ({"location": ""}, "warning_location", "location"),
        ({"risk_level": "red"}, "warning_risk_level", "risk_level"),
        ({"category": "gossip"}, "warning_category", "category"),
        ({"summary": "联系人王师傅 13912345678"}, "warning_personal_data", "summary"),
        ({"location": "门卫室，电话010-62345678"}, "warning_personal_data", "location"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
    union_a, staff_a, overrides, code, field
):
    before = _counts(union_a)
    with pytest.raises(ServiceError) as refused:
        report(union_a, staff_a["officer"].user, **overrides)
    assert refused.value.code == code and refused.value.field == field
    assert str(refused.value.message)
    assert _counts(union_a) == before


def test_only_the_chairman_and_officers_report_warnings(union_a, staff_a):
    before = _counts(union_a)
    with pytest.raises(ServiceError) as refused:
        report(union_a, staff_a["member"].user)
    assert refused.value.code == "warning_staff_only" and refused.value.status == 403
    assert _counts(union_a) == before
    assert report(union_a, staff_a["chairman"].user).pk


def test_delivering_twice_makes_exactly_one_inbox_row_and_one_first_notice(
    union_a, staff_a, federation, django_capture_on_commit_callbacks
):
    warning = report(union_a, staff_a["officer"].user)
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        first = outbox_deliver_pending()
        again = outbox_deliver_pending()
        # A delivery repeated after its commit was lost (the row still looks undelivered).
        OutboxEvent.objects.filter(pk=warning.event_id).update(dispatched_at=None)
        repeated = outbox_deliver_pending()
        warning_raised_deliver(OutboxEvent.objects.get(pk=warning.event_id))
    assert str(warning.event_id) in first.delivered and not again.delivered
    assert repeated.delivered == [str(warning.event_id)]
    assert InboxWarning.objects.filter(event_id=warning.event_id).count() == 1
    inbox = InboxWarning.objects.get(event_id=warning.event_id)
    assert list(inbox.notices.values_list("kind", flat=True)) == [InboxWarningNotice.Kind.SENT]
    # The district's administrator of Chaoyang is told by SMS and email; Haidian's is not.
    mobiles = {message.mobile for message in sms.outbox}
    assert federation["chaoyang"].account.mobile in mobiles
    assert federation["haidian"].account.mobile not in mobiles
    assert federation["city"].account.mobile not in mobiles
    assert [message.to for message in mail.outbox] == [["zhang@chaoyang.example"]]
    assert "厂区三车间" in mail.outbox[0].body and "/admin/warnings/" in mail.outbox[0].body
    assert inbox.notices.get().recipients == 1


def test_events_without_a_handler_of_their_own_are_delivered_as_facts_only(union_a, staff_a):
    report(union_a, staff_a["officer"].user)
    with tenant_context(union_a):
        outbox_deliver_pending()
        opened = OutboxEvent.objects.get(name="case.opened")
        assert opened.dispatched_at is not None and opened.attempts == 1
        assert OutboxEvent.objects.get(name="warning.raised").dispatched_at is not None
    facts = set(Fact.objects.filter(union=union_a).values_list("name", flat=True))
    assert {"case.opened", "warning.raised"} <= facts


def test_a_failing_handler_leaves_its_event_for_the_next_run_and_counts_the_attempt(
    union_a, staff_a, monkeypatch
):
    import tenants.incidents.delivery as delivery

    warning = report(union_a, staff_a["officer"].user)

    def broken(**kwargs):
        raise ValueError("bad payload")

    monkeypatch.setattr(delivery, "inbox_warning_receive", broken)
    with tenant_context(union_a):
        result = outbox_deliver_pending()
        assert result.failed == [str(warning.event_id)] and str(warning.event_id) not in result.delivered
        event = OutboxEvent.objects.get(pk=warning.event_id)
        assert event.dispatched_at is None and event.attempts == 1
    assert not InboxWarning.objects.exists()
    # Its fact was rolled back with it: the fact and the inbox row arrive together or not at all.
    assert not Fact.objects.filter(event_id=warning.event_id).exists()
    monkeypatch.undo()
    with tenant_context(union_a):
        assert outbox_deliver_pending().delivered == [str(warning.event_id)]


def test_the_sweep_delivers_what_the_commit_hook_missed(union_a, union_b, staff_a):
    # No on_commit callbacks run inside a test transaction: the warning is written, not sent.
    warning = report(union_a, staff_a["officer"].user)
    assert not InboxWarning.objects.exists()
    with schema_context("public"):
        assert outbox_deliver_all.delay().get() >= 2  # one task per active union
    assert InboxWarning.objects.filter(event_id=warning.event_id).count() == 1


def _delivered(union, by, captures) -> InboxWarning:
    warning = report(union, by, captures=captures)
    return InboxWarning.objects.get(event_id=warning.event_id)


def test_unacknowledged_warnings_are_re_sent_then_escalated_to_the_city(
    union_a, staff_a, federation, settings, django_capture_on_commit_callbacks
):
    settings.INCIDENT_WARNING_RESEND_MINUTES = 10
    settings.INCIDENT_WARNING_ESCALATE_AFTER = 3
    inbox = _delivered(union_a, staff_a["officer"].user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox_warnings_resend_due() == 0  # not due yet
    sms.outbox.clear()
    kinds = []
    for _round in range(5):
        _age(inbox, 10)
        with django_capture_on_commit_callbacks(execute=True):
            assert inbox_warnings_resend_due() == 1
        inbox.refresh_from_db()
        kinds.append(inbox.notices.order_by("-at", "-pk").first().kind)
    assert kinds == ["resent", "resent", "resent", "escalated", "resent"]
    assert inbox.resend_count == 4 and inbox.escalated_at is not None
    city_texts = [
        message.text for message in sms.outbox if message.mobile == federation["city"].account.mobile
    ]
    assert len(city_texts) == 2 and union_a.name in city_texts[0]
    district_texts = [m for m in sms.outbox if m.mobile == federation["chaoyang"].account.mobile]
    assert len(district_texts) == 5
    # The union sees that the warning went up to the city.
    with tenant_context(union_a):
        warning = IncidentWarning.objects.get(event_id=inbox.event_id)
        assert warning.escalated_at is not None
        assert delivery_state(warning).code == "escalated"
        chairman = staff_a["chairman"].user
        assert Notification.objects.filter(recipient=chairman, title__contains=warning.reference).count() >= 2


def test_acknowledgement_stops_the_re_sending_and_the_union_is_told(
    union_a, staff_a, federation, django_capture_on_commit_callbacks
):
    inbox = _delivered(union_a, staff_a["officer"].user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        inbox_warning_acknowledge(warning=inbox, by=federation["chaoyang"].user)
    inbox.refresh_from_db()
    assert inbox.acknowledged_by == federation["chaoyang"].user and inbox.acknowledged_at is not None
    _age(inbox, 60)
    sms.outbox.clear()
    assert inbox_warnings_resend_due() == 0
    assert not sms.outbox
    with tenant_context(union_a):
        warning = IncidentWarning.objects.get(event_id=inbox.event_id)
        assert warning.acknowledged_at == inbox.acknowledged_at
        assert delivery_state(warning).code == "acknowledged"
        told = Notification.objects.filter(
            recipient=staff_a["officer"].user, title__contains=warning.reference
        )
        assert told.exists()
        # Mirroring again changes nothing and tells nobody twice.
        count = Notification.objects.count()
        incident_warning_mirror(event_id=inbox.event_id)
        assert Notification.objects.count() == count
    with pytest.raises(ServiceError) as twice:
        inbox_warning_acknowledge(warning=inbox, by=federation["city"].user)
    assert twice.value.code == "warning_acknowledged"


def test_only_the_unions_district_or_the_city_may_acknowledge(
    union_a, staff_a, federation, django_capture_on_commit_callbacks
):
    inbox = _delivered(union_a, staff_a["officer"].user, django_capture_on_commit_callbacks)
    with pytest.raises(ServiceError) as refused:
        inbox_warning_acknowledge(warning=inbox, by=federation["haidian"].user)
    assert refused.value.code == "warning_forbidden" and refused.value.status == 403
    inbox.refresh_from_db()
    assert inbox.acknowledged_at is None
    inbox_warning_acknowledge(warning=inbox, by=federation["city"].user)


def test_the_form_text_goes_up_but_never_the_reporter(union_a, staff_a, django_capture_on_commit_callbacks):
    inbox = _delivered(union_a, staff_a["officer"].user, django_capture_on_commit_callbacks)
    assert inbox.summary == WAGE_ARREARS["summary"] and inbox.location == WAGE_ARREARS["location"]
    for value in (str(inbox.payload), inbox.summary, inbox.location):
        assert "李干事" not in value and staff_a["officer"].account.mobile not in value
