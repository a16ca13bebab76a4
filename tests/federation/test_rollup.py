"""The monthly and yearly rollups the dashboard reads: counted once per fact as facts arrive
(replays and late, out-of-order events included), equal to a recount from the facts, the yearly
rows the monthly rows summed, and the dashboard's figures the same whether a period is read from
the rollups, the facts, or all of them."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.dashboard import (
    METRICS,
    Scope,
    _aware,
    aggregates_for,
    metric_values,
    period_parse,
    trend_table,
)
from federation.facts import facts_receive
from federation.models import TREND_COLUMNS, Fact, FactMonth, FactTrend, FactYear
from federation.rollup import months_split, period_split, rollup_from_facts, rollup_rebuild, years_rebuild
from tenants.events.delivery import outbox_deliver_pending
from tenants.events.models import OutboxEvent
from tenants.events.services import event_emit

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "today", "months", "days"),
    [
        # This year to today: whole months, the current one up to today included.
        (D(2026, 1, 1), D(2026, 11, 25), D(2026, 11, 24), (D(2026, 1, 1), D(2026, 12, 1)), ()),
        # A past custom period with partial months at both ends.
        (D(2025, 3, 10), D(2025, 6, 16), D(2026, 11, 24), (D(2025, 4, 1), D(2025, 6, 1)),
         ((D(2025, 3, 10), D(2025, 4, 1)), (D(2025, 6, 1), D(2025, 6, 16)))),
        # Within one past month: facts only.
        (D(2025, 3, 10), D(2025, 3, 20), D(2026, 11, 24), None, ((D(2025, 3, 10), D(2025, 3, 20)),)),
        # Whole past months exactly.
        (D(2025, 1, 1), D(2026, 1, 1), D(2026, 11, 24), (D(2025, 1, 1), D(2026, 1, 1)), ()),
        # Running into the future: nothing happens after today, so the months count whole.
        (D(2026, 10, 5), D(2027, 2, 1), D(2026, 11, 24), (D(2026, 11, 1), D(2026, 12, 1)),
         ((D(2026, 10, 5), D(2026, 11, 1)),)),
    ],
)  # fmt: skip
def test_period_split(start, end, today, months, days):
    split = period_split(start, end, today=today)
    assert split.months == months
    assert split.days == days


@pytest.mark.parametrize(
    ("first", "stop", "today", "years", "months"),
    [
        # This year to date (the dashboard's default): the year, whole.
        (D(2026, 1, 1), D(2026, 12, 1), D(2026, 11, 24), (2026,), ()),
        # The last twelve months: last December from the months, this year whole.
        (D(2025, 12, 1), D(2026, 12, 1), D(2026, 11, 24), (2026,), ((D(2025, 12, 1), D(2026, 1, 1)),)),
        # This year up to last month only: the months (this month's days so far are not asked).
        (D(2026, 1, 1), D(2026, 11, 1), D(2026, 11, 24), (), ((D(2026, 1, 1), D(2026, 11, 1)),)),
        # A past year exactly, and past years with months on both sides.
        (D(2025, 1, 1), D(2026, 1, 1), D(2026, 11, 24), (2025,), ()),
        (D(2023, 10, 1), D(2025, 3, 1), D(2026, 11, 24), (2024,),
         ((D(2023, 10, 1), D(2024, 1, 1)), (D(2025, 1, 1), D(2025, 3, 1)))),
        # Within one year: months only.
        (D(2025, 2, 1), D(2025, 12, 1), D(2026, 11, 24), (), ((D(2025, 2, 1), D(2025, 12, 1)),)),
    ],
)  # fmt: skip
def test_months_split(first, stop, today, years, months):
    assert months_split(first, stop, today=today) == (years, months)


def year_rows(union) -> dict[tuple, dict]:
    return {
        (row["year"], row["name"], row["kind"]): {c: row[c] for c in COLUMNS}
        for row in FactYear.objects.filter(union=union).values("year", "name", "kind", *COLUMNS)
    }


def months_by_year(union) -> dict[tuple, dict]:
    """The monthly rows summed by year: what the yearly rollup must hold."""
    summed: dict[tuple, dict] = {}
    for (month, name, kind), values in rollup_rows(union).items():
        target = summed.setdefault((month.year, name, kind), dict.fromkeys(COLUMNS, 0))
        for column in COLUMNS:
            target[column] += values[column]
    return summed


def trend_rows(union) -> dict[tuple, dict]:
    return {
        (row["year"], row["name"]): {c: row[c] for c in TREND_COLUMNS}
        for row in FactTrend.objects.filter(union=union).values("year", "name", *TREND_COLUMNS)
    }


def months_by_year_and_name(union) -> dict[tuple, dict]:
    """The monthly rows' counts, kinds together, a year's months side by side: the trend's rows."""
    summed: dict[tuple, dict] = {}
    for (month, name, _kind), values in rollup_rows(union).items():
        target = summed.setdefault((month.year, name), dict.fromkeys(TREND_COLUMNS, 0))
        target[TREND_COLUMNS[month.month - 1]] += values["n"]
    return summed


def emit(union, name: str, payload: dict, at: datetime.datetime | None = None) -> OutboxEvent:
    with tenant_context(union), transaction.atomic():
        return event_emit(name=name, payload=payload, at=at)


COLUMNS = ("n", "n_on_time_true", "sum_amount", "sum_attended", "sum_count", "sum_participants")


def rollup_rows(union) -> dict[tuple, dict]:
    return {
        (row["month"], row["name"], row["kind"]): {c: row[c] for c in COLUMNS}
        for row in FactMonth.objects.filter(union=union).values("month", "name", "kind", *COLUMNS)
    }


@pytest.fixture
def clean(union_a, union_b):
    for union in (union_a, union_b):
        with tenant_context(union):
            OutboxEvent.objects.all().delete()
    Fact.objects.all().delete()
    FactMonth.objects.all().delete()
    FactYear.objects.all().delete()
    FactTrend.objects.all().delete()


def test_replayed_and_late_events_are_counted_once_in_their_month(clean, union_a):
    """Given events delivered, then delivered again (a lost commit acknowledgement), and an
    older event arriving late, then each is counted once, in the month it happened, and the
    rollup equals a recount from the facts."""
    now = timezone.now()
    last_year = now - datetime.timedelta(days=400)
    emit(union_a, "case.closed", {"kind": "appeal", "on_time": True})
    emit(union_a, "case.closed", {"kind": "appeal", "on_time": False})
    emit(union_a, "hardship.assistance", {"kind": "medical", "amount": "1200.50"})
    emit(union_a, "activity.held", {"kind": "sports", "participants": 30, "attended": 25})
    emit(union_a, "library.loaned", {"count": 1})  # no metric reads it: not rolled up
    with tenant_context(union_a):
        outbox_deliver_pending()
        events = list(OutboxEvent.objects.all())
        with transaction.atomic():
            assert facts_receive(events) == 0  # the replay adds nothing
    emit(union_a, "case.closed", {"kind": "appeal", "on_time": True}, at=last_year)
    with tenant_context(union_a):
        outbox_deliver_pending()

    rows = rollup_rows(union_a)
    month = timezone.localtime(now).date().replace(day=1)
    old_month = timezone.localtime(last_year).date().replace(day=1)
    assert rows[(month, "case.closed", "appeal")]["n"] == 2
    assert rows[(month, "case.closed", "appeal")]["n_on_time_true"] == 1
    assert rows[(old_month, "case.closed", "appeal")]["n"] == 1
    assert str(rows[(month, "hardship.assistance", "medical")]["sum_amount"]) == "1200.50"
    assert rows[(month, "activity.held", "sports")]["sum_attended"] == 25
    assert not any(name == "library.loaned" for _m, name, _k in rows)
    years = year_rows(union_a)
    assert years == months_by_year(union_a)
    trend = trend_rows(union_a)
    assert trend == months_by_year_and_name(union_a)
    assert trend[(month.year, "case.closed")][TREND_COLUMNS[month.month - 1]] == 2
    assert years[(month.year, "case.closed", "appeal")]["n_on_time_true"] == 1
    assert years[(old_month.year, "case.closed", "appeal")]["n"] == 1  # 400 days ago: last year

    counted = rollup_rows(union_a)
    rollup_rebuild(union_ids=[union_a.pk])
    assert rollup_rows(union_a) == counted
    assert year_rows(union_a) == years and trend_rows(union_a) == trend
    FactYear.objects.all().delete()
    FactTrend.objects.all().delete()
    years_rebuild()
    assert year_rows(union_a) == years and trend_rows(union_a) == trend


def test_figures_are_the_same_from_the_rollup_and_the_facts(clean, union_a, union_b):
    """Given facts over two years, when a custom period with partial months at both ends is
    read, then its figures equal the same aggregates computed straight from the facts."""
    now = timezone.now()
    for days_ago in range(0, 700, 9):
        at = now - datetime.timedelta(days=days_ago, hours=days_ago % 13)
        union = union_a if days_ago % 2 else union_b
        emit(
            union,
            "case.closed",
            {"kind": "appeal" if days_ago % 3 else "help", "on_time": days_ago % 4 == 0},
            at,
        )
        emit(union, "hardship.assistance", {"kind": "medical", "amount": f"{days_ago}.25"}, at)
        emit(union, "activity.held", {"kind": "culture", "participants": days_ago, "attended": 3}, at)
    for union in (union_a, union_b):
        with tenant_context(union):
            outbox_deliver_pending(limit=10_000)

    today = timezone.localdate()
    params = {"period": "custom", "from": (today - datetime.timedelta(days=500)).isoformat(),
              "to": (today - datetime.timedelta(days=40)).isoformat()}  # fmt: skip
    # From mid-December two years ago to today: last year and this one whole, and some days.
    years = {"period": "custom", "from": D(today.year - 2, 12, 12).isoformat(), "to": today.isoformat()}
    for period in (
        period_parse(params),
        period_parse(years),
        period_parse({}),
        period_parse({"period": "12m"}),
    ):
        split = period_split(period.start, period.end, today=today)
        if period.kind == "custom":
            assert split.months and split.days  # both sources are read
        if period.start == D(today.year - 2, 12, 12):
            assert split.months and months_split(*split.months, today=today)[0] == (
                today.year - 1,
                today.year,
            )
        expected = metric_values(
            Fact.objects.filter(period.q()).values("name").annotate(**aggregates_for(METRICS)).order_by(),
            METRICS,
        )
        got = metric_values(period.grouped(Scope("city"), (), METRICS), METRICS)
        assert got == expected, period
        assert got.get("cases_closed")
        # The trend's twelve months (from the trend's yearly rows) equal the facts counted by month.
        trend = {row.label: row.values for row in trend_table(Scope("city"), period).rows}
        assert len(trend) == 12
        for label, values in trend.items():
            first = D(int(label[:4]), int(label[5:]), 1)
            facts = Fact.objects.filter(
                occurred_at__gte=_aware(first), occurred_at__lt=_aware(first + relativedelta(months=1))
            )
            assert values["cases_closed"] == facts.filter(name="case.closed").count(), label
            assert values["activities_held"] == facts.filter(name="activity.held").count(), label
        assert sum(values["cases_closed"] for values in trend.values())


def test_the_rollup_is_counted_from_the_dashboards_own_aggregates(clean, union_a):
    """The recount and the migration use ``rollup_from_facts``: one row per union, month, name
    and kind."""
    emit(union_a, "case.opened", {"kind": "appeal"})
    emit(union_a, "case.opened", {"kind": "appeal"})
    emit(union_a, "case.opened", {})
    with tenant_context(union_a):
        outbox_deliver_pending()
    rows = {(row["name"], row["kind_text"]): row["n"] for row in rollup_from_facts(Fact.objects.all())}
    assert rows == {("case.opened", "appeal"): 2, ("case.opened", ""): 1}


def test_the_rebuild_command_recounts_a_damaged_rollup(clean, union_a):
    """Given a rollup row lost (or a metric that started reading a fact name), when the
    command recounts, then the rollup equals the facts again."""
    from django.core.management import call_command

    emit(union_a, "case.opened", {"kind": "appeal"})
    with tenant_context(union_a):
        outbox_deliver_pending()
    counted = rollup_rows(union_a)
    FactMonth.objects.filter(union=union_a).delete()
    call_command("facts_rollup_rebuild", "--union", union_a.schema_name, "--no-progress")
    assert rollup_rows(union_a) == counted != {}
