"""The facts counted by month: the rollup the dashboard reads instead of every fact.

A fact is counted once, when it arrives (``facts_receive`` calls ``rollup_add`` in the delivery's
transaction with the facts that were new), into one ``FactMonth`` row per union, local month,
fact name and payload ``kind``: a count and one column per way the dashboard's metrics count
(``dashboard.aggregates_for``: a count where the payload holds a value, or the sum of a payload
field). The same counts go into one ``FactYear`` row per union, local year, name and kind, and
the counts alone into one ``FactTrend`` row per union, year and name (a column per month), in
the same transaction. The dashboard reads the years a period covers whole from the
yearly rows (this year to date, the default page, is one row per union, name and kind where the
monthly rollup holds up to twelve), the other whole months from the monthly rows, and only the
days of a month it covers in part (a custom period's edges) from the facts themselves; the
twelve-month trend reads ``FactTrend`` (a union's row of a name holds a year's months).

``rollup_rebuild`` recomputes the rows from the facts with the dashboard's own aggregates, so the
two ways cannot disagree, and the yearly rows from the monthly ones (``years_rebuild``); the
tests compare them after replays and out-of-order deliveries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import CharField, DecimalField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .models import TREND_COLUMNS, Fact, FactMonth, FactTrend, FactYear


def _metrics():
    from .dashboard import METRICS

    return METRICS


def rollup_columns() -> list[str]:
    """The counted columns: one per way of counting the metrics (their ``alias``)."""
    return sorted({metric.alias for metric in _metrics()})


def rollup_value(column: str, value: Any, model: Any = FactMonth) -> Decimal | int:
    """``value`` as the column stores it: decimals for money, integers for counts."""
    if isinstance(model._meta.get_field(column), DecimalField):
        return Decimal(value or 0)
    return int(value or 0)


def rollup_names() -> list[str]:
    """The facts the rollup counts: those some metric reads."""
    return sorted({name for metric in _metrics() for name in metric.names})


def _same(value: Any, expected: Any) -> bool:
    # JSON equality as PostgreSQL's jsonb compares it: true is not 1.
    return type(value) is type(expected) and value == expected


def _increments(name: str, payload: dict[str, Any]) -> dict[str, Decimal | int]:
    """What one fact adds to each column, as the dashboard's aggregates would count it."""
    out: dict[str, Decimal | int] = {}
    for metric in _metrics():
        if name not in metric.names or metric.alias in out:
            continue
        if not all(_same(payload.get(key), value) for key, value in metric.where.items()):
            continue
        if metric.total is None:
            out[metric.alias] = 1
            continue
        raw = payload.get(metric.total)
        if raw is None or isinstance(raw, bool):
            continue
        try:
            out[metric.alias] = Decimal(str(raw))
        except InvalidOperation:
            continue
    return out


def local_month(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


@dataclass(frozen=True)
class _Key:
    union_id: int
    month: datetime.date
    name: str
    kind: str


def rollup_add(facts: Iterable[Fact], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Count newly stored ``facts`` into the rollup (call it once per fact, in the transaction
    that stored it); returns the rows touched. Concurrent deliveries add atomically (one
    ``INSERT … ON CONFLICT DO UPDATE`` adding to the row)."""
    names = set(rollup_names())
    columns = rollup_columns()
    rows: dict[_Key, dict[str, Decimal | int]] = defaultdict(lambda: dict.fromkeys(columns, 0))
    for fact in facts:
        if fact.name not in names:
            continue
        kind = fact.payload.get("kind") if isinstance(fact.payload, dict) else None
        key = _Key(fact.union_id, local_month(fact.occurred_at), fact.name, str(kind) if kind else "")
        target = rows[key]
        for column, value in _increments(fact.name, fact.payload).items():
            target[column] += rollup_value(column, value)
    if not rows:
        return 0
    years: dict[tuple, dict[str, Decimal | int]] = defaultdict(lambda: dict.fromkeys(columns, 0))
    trend: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TREND_COLUMNS, 0))
    for key, values in rows.items():
        target = years[(key.union_id, key.month.year, key.name, key.kind)]
        for column in columns:
            target[column] += values[column]
        month_column = TREND_COLUMNS[key.month.month - 1]
        trend[(key.union_id, key.month.year, key.name)][month_column] += int(values["n"])
    # Always in the same order (month rows, then year rows, then trend rows, each sorted): two
    # deliveries that touch the same rows lock them in the same order.
    months = {(k.union_id, k.month, k.name, k.kind): v for k, v in rows.items()}
    _upsert(FactMonth, ("union_id", "month", "name", "kind"), months, columns, using=using)
    _upsert(FactYear, ("union_id", "year", "name", "kind"), years, columns, using=using)
    _upsert(FactTrend, ("union_id", "year", "name"), trend, list(TREND_COLUMNS), using=using)
    return len(rows)


def _upsert(
    model: Any, keys: Sequence[str], rows: dict[tuple, dict[str, Any]], columns: list[str], *, using: str
) -> None:
    """Add ``rows`` (values of ``keys`` → counts) to ``model``'s rows, creating the missing ones,
    in one ``INSERT … ON CONFLICT DO UPDATE``."""
    table = model._meta.db_table
    fields = [*keys, *columns]
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    updates = ", ".join(f'"{c}" = "{table}"."{c}" + EXCLUDED."{c}"' for c in columns)
    params: list[Any] = []
    for key in sorted(rows):
        params += [*key, *(rows[key][c] for c in columns)]
    columns_sql = ", ".join(f'"{f}"' for f in fields)
    conflict = ", ".join(f'"{k}"' for k in keys)
    sql = (
        f'INSERT INTO "{table}" ({columns_sql}) VALUES '
        + ", ".join([placeholders] * len(rows))
        + f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)


def rollup_from_facts(facts):
    """The rollup's rows computed from a queryset of facts with the dashboard's aggregates."""
    from .dashboard import METRICS, aggregates_for

    return (
        facts.filter(name__in=rollup_names())
        .annotate(
            month_at=TruncMonth("occurred_at"),
            kind_text=Coalesce(KT("payload__kind"), Value(""), output_field=CharField()),
        )
        .values("union_id", "month_at", "name", "kind_text")
        .annotate(**aggregates_for(METRICS))
        .order_by()
    )


@transaction.atomic
def rollup_rebuild(*, union_ids: Sequence[int] | None = None) -> int:
    """Recompute the rollup (of ``union_ids``, or everyone's) from the facts; returns its rows."""
    stale = FactMonth.objects.all()
    facts = Fact.objects.all()
    if union_ids is not None:
        stale = stale.filter(union_id__in=union_ids)
        facts = facts.filter(union_id__in=union_ids)
    stale.delete()
    columns = rollup_columns()
    batch = [
        FactMonth(
            union_id=row["union_id"],
            month=timezone.localtime(row["month_at"]).date(),
            name=row["name"],
            kind=row["kind_text"],
            **{column: rollup_value(column, row.get(column)) for column in columns},
        )
        for row in rollup_from_facts(facts).iterator(chunk_size=5000)
    ]
    FactMonth.objects.bulk_create(batch, batch_size=5000)
    years_rebuild(union_ids=union_ids)
    return len(batch)


def years_rebuild(*, union_ids: Sequence[int] | None = None) -> int:
    """Recompute the yearly rollups (``FactYear``, ``FactTrend``; of ``union_ids``, or everyone's)
    from the monthly one; returns the yearly rows. (The migration that added them runs the same
    statements.)"""
    where, params = ("", []) if union_ids is None else ('WHERE "union_id" = ANY(%s)', [list(union_ids)])
    with connection.cursor() as cursor:
        for model in (FactYear, FactTrend):
            cursor.execute(f'DELETE FROM "{model._meta.db_table}" {where}', params)
        cursor.execute(trend_from_months_sql(where), params)
        cursor.execute(years_from_months_sql(rollup_columns(), where), params)
        return cursor.rowcount


def years_from_months_sql(columns: Sequence[str], where: str = "") -> str:
    """``INSERT … SELECT`` of the yearly rollup's rows summed from the monthly rollup's rows
    (those ``where`` selects)."""
    listed = ", ".join(f'"{c}"' for c in columns)
    sums = ", ".join(f'SUM("{c}")' for c in columns)
    return (
        f'INSERT INTO "{FactYear._meta.db_table}" ("union_id", "year", "name", "kind", {listed}) '
        f'SELECT "union_id", EXTRACT(YEAR FROM "month")::integer, "name", "kind", {sums} '
        f'FROM "{FactMonth._meta.db_table}" {where} GROUP BY 1, 2, 3, 4'
    )


def trend_from_months_sql(where: str = "") -> str:
    """``INSERT … SELECT`` of the trend's rows (a year's months side by side, kinds together)
    from the monthly rollup's rows (those ``where`` selects)."""
    listed = ", ".join(f'"{m}"' for m in TREND_COLUMNS)
    sums = ", ".join(
        f'COALESCE(SUM("n") FILTER (WHERE EXTRACT(MONTH FROM "month") = {number}), 0)'
        for number in range(1, 13)
    )
    return (
        f'INSERT INTO "{FactTrend._meta.db_table}" ("union_id", "year", "name", {listed}) '
        f'SELECT "union_id", EXTRACT(YEAR FROM "month")::integer, "name", {sums} '
        f'FROM "{FactMonth._meta.db_table}" {where} GROUP BY 1, 2, 3'
    )


# --- Which part of a period the rollup answers ---------------------------------------------------


@dataclass(frozen=True)
class PeriodSplit:
    """A period as whole months (``months``: first day inclusive, end exclusive) read from the
    rollup and at most two stretches of days (``days``) read from the facts."""

    months: tuple[datetime.date, datetime.date] | None
    days: tuple[tuple[datetime.date, datetime.date], ...]


def period_split(start: datetime.date, end: datetime.date, *, today: datetime.date) -> PeriodSplit:
    """Split ``[start, end)`` (local dates). A month the period covers up to today counts as
    whole when the period runs to today or later: no fact happens after now."""
    first = start if start.day == 1 else start.replace(day=1) + relativedelta(months=1)
    if end > today:
        # Everything after today is empty: the months up to the period's last (or today's) count whole.
        last = end - datetime.timedelta(days=1)
        stop = min(last, today).replace(day=1) + relativedelta(months=1)
        tail: tuple[datetime.date, datetime.date] | None = None
    else:
        stop = end.replace(day=1)
        tail = (stop, end) if stop < end else None
    if first >= stop:
        return PeriodSplit(None, ((start, end),))
    days = []
    if start < first:
        days.append((start, first))
    if tail is not None:
        days.append(tail)
    return PeriodSplit((first, stop), tuple(days))


def months_split(
    first: datetime.date, stop: datetime.date, *, today: datetime.date
) -> tuple[tuple[int, ...], tuple[tuple[datetime.date, datetime.date], ...]]:
    """Split whole months ``[first, stop)`` (first days of months) into calendar years read
    whole from the yearly rollup and the months left over (at most two stretches), read from the
    monthly one. A year counts whole when the months cover it, or cover it up to today's month
    (nothing happens after now, as ``period_split`` holds): this year to date is one read."""
    years: list[int] = []
    year = first.year if first.month == 1 else first.year + 1
    while datetime.date(year, 1, 1) < stop:
        if not (stop >= datetime.date(year + 1, 1, 1) or (year == today.year and stop > today)):
            break
        years.append(year)
        year += 1
    if not years:
        return (), ((first, stop),)
    months = []
    if first < datetime.date(years[0], 1, 1):
        months.append((first, datetime.date(years[0], 1, 1)))
    after = datetime.date(years[-1] + 1, 1, 1)
    if after < stop:
        months.append((after, stop))
    return tuple(years), tuple(months)
