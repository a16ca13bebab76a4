"""The facts pipeline: every union's outbox reaches the federation's fact table exactly once in
effect, placed by the registry, with its lag measured; the roster's counts keep the registry's
member count true. The federation never reads a union's tables to learn any of it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.facts import facts_lag
from federation.models import Fact, Street
from tenants.events.delivery import outbox_deliver_pending
from tenants.events.models import OutboxEvent
from tenants.events.services import event_emit
from tenants.membership.services import member_create

pytestmark = pytest.mark.django_db


def emit(union, name: str, payload: dict | None = None, at: datetime.datetime | None = None) -> OutboxEvent:
    with tenant_context(union), transaction.atomic():
        return event_emit(name=name, payload=payload or {}, at=at)


def deliver(union) -> list[str]:
    with tenant_context(union):
        return outbox_deliver_pending().delivered


@pytest.fixture(autouse=True)
def _no_earlier_facts(union_a, union_b):
    """Start from empty outboxes and no facts: setting a union up writes events of its own."""
    for union in (union_a, union_b):
        with tenant_context(union):
            OutboxEvent.objects.all().delete()
    Fact.objects.all().delete()


def test_a_unions_events_become_facts_placed_by_the_registry(union_a):
    """Given a union in a district and street, when its events are delivered, then each is one
    fact carrying its name, time and payload and where the registry places the union."""
    street = Street.objects.filter(district__code="110105").first()
    union_a.district, union_a.street = street.district, street
    union_a.save(update_fields=["district", "street"])
    opened = emit(union_a, "case.opened", {"kind": "appeal", "channel": "online"})
    emit(union_a, "activity.held", {"kind": "sports", "participants": 40})

    assert str(opened.pk) in deliver(union_a)
    fact = Fact.objects.get(event_id=opened.pk)
    assert (fact.union_id, fact.district_id, fact.street_id) == (union_a.pk, street.district_id, street.pk)
    assert fact.name == "case.opened" and fact.payload == {"kind": "appeal", "channel": "online"}
    assert fact.occurred_at == opened.occurred_at and fact.lag >= datetime.timedelta(0)
    assert Fact.objects.filter(union=union_a, name="activity.held").count() == 1
    with tenant_context(union_a):
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_delivering_again_changes_nothing(union_a):
    """Given delivered events, when the outbox forgets it delivered them (a lost commit
    acknowledgement) and delivers again, then the facts are the same rows, once each."""
    events = [emit(union_a, "case.opened", {"kind": "appeal"}) for _ in range(3)]
    deliver(union_a)
    ids = set(Fact.objects.values_list("pk", flat=True))
    with tenant_context(union_a):
        OutboxEvent.objects.update(dispatched_at=None)
    assert len(deliver(union_a)) == 3
    assert set(Fact.objects.values_list("pk", flat=True)) == ids
    assert Fact.objects.filter(event_id__in=[e.pk for e in events]).count() == 3


def test_batches_cover_a_large_outbox(union_a):
    """Given more facts-only events than one batch, then one run delivers them all."""
    with tenant_context(union_a), transaction.atomic():
        for n in range(450):
            event_emit(name="library.loaned", payload={"n": n})
    assert len(deliver(union_a)) == 450
    assert Fact.objects.filter(union=union_a, name="library.loaned", payload__has_key="n").count() == 450


def test_each_union_delivers_only_its_own_facts(union_a, union_b):
    """Given events in two unions, when only union B delivers, then only B's facts exist, and
    they are B's; A's wait in A's outbox."""
    emit(union_a, "case.opened", {"kind": "appeal"})
    emit(union_b, "case.opened", {"kind": "proposal"})
    deliver(union_b)
    assert list(Fact.objects.values_list("union_id", "payload")) == [(union_b.pk, {"kind": "proposal"})]
    with tenant_context(union_a):
        assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 1


def test_the_roster_count_sets_the_registrys_member_count(union_a):
    """Given a union registered with 300 members, when its roster has two active members, then
    the registry says two; an older count delivered late does not undo a newer one."""
    union_a.member_count = 300
    union_a.save(update_fields=["member_count"])
    with tenant_context(union_a):
        member_create(name="张建国", mobile="13920005001", department="综合办公室")
        member_create(name="李秀兰", mobile="13920005002", department="质量部")
    deliver(union_a)
    union_a.refresh_from_db()
    assert union_a.member_count == 2

    emit(union_a, "membership.roster_counted", {"active": 7}, at=timezone.now() - datetime.timedelta(days=3))
    deliver(union_a)
    union_a.refresh_from_db()
    assert union_a.member_count == 2


def test_the_lag_is_measured(union_a):
    """Given facts that happened a minute and ten minutes before they arrived, then the lag's
    median and worst are measured from them."""
    now = timezone.now()
    emit(union_a, "case.opened", at=now - datetime.timedelta(minutes=1))
    emit(union_a, "case.opened", at=now - datetime.timedelta(minutes=10))
    deliver(union_a)
    lag = facts_lag()
    assert lag.facts == 2
    assert datetime.timedelta(minutes=5) <= lag.p50 <= datetime.timedelta(minutes=6)
    assert datetime.timedelta(minutes=10) <= lag.worst < datetime.timedelta(minutes=11)
    assert lag.last_received_at is not None


def test_backfill_copies_events_delivered_before_the_pipeline_existed(union_a):
    """Given outbox rows already marked dispatched (by an older release), when the backfill
    runs twice, then each is a fact once."""
    emit(union_a, "warning.raised.old", {"risk_level": "high"})
    with tenant_context(union_a):
        OutboxEvent.objects.update(dispatched_at=timezone.now())
    call_command("facts_backfill", "--no-progress", verbosity=0)
    call_command("facts_backfill", "--no-progress", verbosity=0)
    assert Fact.objects.filter(union=union_a, name="warning.raised.old").count() == 1


def pending_deliveries(schema: str) -> list:
    """The outbox deliveries the current transaction will queue when it commits."""
    return [
        hook
        for _sids, hook, _robust in transaction.get_connection().run_on_commit
        if getattr(hook, "outbox_schema", None) == schema
    ]


def test_a_commit_delivers_its_events_at_once(union_a):
    """Given a transaction that writes three events, then its commit queues one delivery (not
    three), which delivers them all without waiting for the sweep; a rolled-back savepoint
    takes its delivery with it."""
    schema = union_a.schema_name
    connection = transaction.get_connection()
    with tenant_context(union_a):
        connection.run_on_commit[:] = []  # as after a commit: nothing pending
        with transaction.atomic():
            for kind in ("appeal", "proposal", "warning"):
                event_emit(name="case.opened", payload={"kind": kind})
        hooks = pending_deliveries(schema)
        assert len(hooks) == 1
        hooks[0]()  # what the commit runs (Celery is eager in tests)
        assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert Fact.objects.filter(union=union_a, name="case.opened").count() == 3

    with tenant_context(union_a):
        connection.run_on_commit[:] = []
        try:
            with transaction.atomic():
                event_emit(name="case.opened", payload={"kind": "appeal"})
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert pending_deliveries(schema) == []
        with transaction.atomic():
            event_emit(name="case.opened", payload={"kind": "appeal"})
        assert len(pending_deliveries(schema)) == 1
