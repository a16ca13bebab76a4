"""数据看板: the federation dashboard's figures, read from the registry and the facts only.

Nothing here reads a union's schema. The figures come from two public tables: the registry
(``registry.Union``: where each union is, its members and status) and the facts the unions'
outboxes delivered (``federation.Fact``). Every page is a handful of aggregate queries grouped
by union (facts per union, terms per union, the registry's unions, breakdowns by kind, the
monthly trend), rolled up in Python to the level below the one shown: the city's districts, a
district's streets, a street's unions.

The metrics are declared in one table (``METRICS``): a label, the fact name(s) it counts and how
to count them from the payload (count the facts, or sum a payload field, optionally only facts
whose payload holds given values). When an app's event is renamed, its metric changes in one
line. The tables of the page (``TABLES``) list which metrics they show as columns.

Small groups are suppressed in one place, ``table_suppress``: a sensitive count (people in
hardship, assistance, follow-ups, counselling and mediation cases) of a street or a union below
five shows as "<5", a second cell is hidden with it when the table's total would otherwise give
it away, and amounts and rates derived from a hidden count are hidden with it. The page and the
Excel export both show ``Table`` objects that went through it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, DecimalField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.registry.models import Union

from .models import TREND_COLUMNS, District, Fact, FactMonth, FactTrend, FactYear, FederationRole, Street
from .roles import federation_roles
from .rollup import months_split, period_split

SMALL_GROUP = 5
SUPPRESSED = "<5"
TERM_HORIZON_MONTHS = 6
TREND_MONTHS = 12

Level = Literal["city", "district", "street", "union"]
# Levels whose figures are about few enough people that a small count could point at someone.
SMALL_AREAS: frozenset[str] = frozenset({"street", "union"})

# Case kinds about an individual's sensitive situation: their counts are suppressed like hardship's.
SENSITIVE_CASE_KINDS = frozenset({"hardship", "mediation", "counselling"})


# --- The metrics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """One figure counted from facts: ``names`` are the facts it reads; it counts them, or sums
    the payload field ``total``; ``where`` keeps only facts whose payload holds these values."""

    key: str
    label: str | Promise
    names: tuple[str, ...]
    total: str | None = None
    where: dict[str, Any] = field(default_factory=dict)
    sensitive: bool = False
    money: bool = False
    guard: str | None = None  # the count an amount is hidden with

    @cached_property
    def alias(self) -> str:
        """The aggregate, over facts grouped by name, this metric is read from (shared by every
        metric counted the same way)."""
        parts = [f"sum_{self.total}" if self.total else "n"]
        parts += [f"{key}_{str(value).lower()}" for key, value in sorted(self.where.items())]
        return "_".join(parts)


def aggregates_for(metrics: Iterable[Metric]) -> dict[str, Count | Sum]:
    """The aggregates a query grouped by fact name needs for ``metrics``: one per way of
    counting (count, count where …, sum of a field where …), not one per metric. A sum reads its
    field only in the facts of the metrics that sum it, so another event's field of the same
    name is never cast."""
    metrics = list(metrics)
    out: dict[str, Count | Sum] = {}
    for metric in metrics:
        if metric.alias in out:
            continue
        condition = Q()
        for key, value in metric.where.items():
            condition &= Q(**{f"payload__{key}": value})
        if metric.total is None:
            out[metric.alias] = Count("pk", filter=condition) if metric.where else Count("pk")
        else:
            names = sorted({name for other in metrics if other.alias == metric.alias for name in other.names})
            out[metric.alias] = Sum(
                Cast(KT(f"payload__{metric.total}"), DecimalField(max_digits=16, decimal_places=2)),
                filter=condition & Q(name__in=names),
            )
    return out


def metric_values(rows: Iterable[dict[str, Any]], metrics: Iterable[Metric]) -> dict[str, Any]:
    """Each metric's value from rows of ``aggregates_for`` grouped by (at least) fact name."""
    by_name: dict[str, list[Metric]] = defaultdict(list)
    for metric in metrics:
        for name in metric.names:
            by_name[name].append(metric)
    values: dict[str, Any] = {}
    for row in rows:
        for metric in by_name.get(row["name"], ()):
            value = row.get(metric.alias)
            if value:
                value = value if metric.money else int(value)
                values[metric.key] = values.get(metric.key, 0) + value
    return values


# The lead aligns event names here, one line per metric.
METRICS: tuple[Metric, ...] = (
    Metric("cases_opened", _("Cases opened"), ("case.opened",)),
    Metric("cases_closed", _("Cases closed"), ("case.closed",)),
    Metric("cases_on_time", _("Closed within the time limit"), ("case.closed",), where={"on_time": True}),
    Metric("cases_overdue", _("Went overdue"), ("case.overdue",)),
    Metric("hardship_opened", _("Hardship files opened"), ("hardship.file_opened",), sensitive=True),
    Metric("hardship_closed", _("Hardship files closed"), ("hardship.file_closed",), sensitive=True),
    Metric("assistance_given", _("Assistance given (times)"), ("hardship.assistance",), sensitive=True),
    Metric(
        "assistance_amount",
        _("Assistance amount (yuan)"),
        ("hardship.assistance",),
        total="amount",
        sensitive=True,
        money=True,
        guard="assistance_given",
    ),
    Metric("followups_due", _("Follow-ups due"), ("followup.due",), total="count", sensitive=True),
    Metric("followups_done", _("Follow-ups done"), ("followup.done",), sensitive=True),
    Metric(
        "followups_on_time", _("Done on time"), ("followup.done",), where={"on_time": True}, sensitive=True
    ),
    Metric(
        "followups_overdue", _("Follow-ups overdue"), ("followup.overdue",), total="count", sensitive=True
    ),
    Metric("activities_held", _("Activities held"), ("activity.held",)),
    Metric("activity_signups", _("Signed up"), ("activity.held",), total="participants"),
    Metric("activity_attended", _("Attended"), ("activity.held",), total="attended"),
    Metric("congresses_held", _("Congress sessions held"), ("congress.session_held",)),
    Metric("docking_used", _("Shared resources used"), ("docking.booking_used",)),
    Metric("elections_held", _("Elections held"), ("election.held",)),
    Metric("mediations_accepted", _("Mediations accepted"), ("mediation.case_accepted",), sensitive=True),
    Metric("mediations_closed", _("Mediations closed"), ("mediation.case_closed",), sensitive=True),
    Metric(
        "counselling_held", _("Counselling sessions held"), ("counselling.appointment_held",), sensitive=True
    ),
)
METRIC = {metric.key: metric for metric in METRICS}
FACT_NAMES = sorted({name for metric in METRICS for name in metric.names})
TERM_FACT = "committee.term_started"


# --- Scope and period --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The part of the city a page shows: the city, a district, a street or one union.

    A street's scope carries its district too, and a union's its district and street (as the
    registry places it), so that ``scope_allowed`` can check the area above."""

    level: Level
    district: District | None = None
    street: Street | None = None
    union: Union | None = None

    @property
    def label(self) -> str:
        if self.union is not None:
            return self.union.name
        if self.street is not None:
            return f"{self.street.district.name}{self.street.name}"
        if self.district is not None:
            return self.district.name
        return str(_("Whole city"))

    def unions(self) -> QuerySet[Union]:
        unions = Union.objects.exclude(schema_name="public")
        if self.union is not None:
            return unions.filter(pk=self.union.pk)
        if self.street is not None:
            return unions.filter(street_id=self.street.pk)
        if self.district is not None:
            return unions.filter(district_id=self.district.pk)
        return unions

    def facts(self) -> QuerySet[Fact]:
        """The facts of the scope's unions, placed by the registry as it is now."""
        facts = Fact.objects.all()
        if self.union is not None:
            return facts.filter(union_id=self.union.pk)
        if self.street is not None:
            return facts.filter(union__street_id=self.street.pk)
        if self.district is not None:
            return facts.filter(union__district_id=self.district.pk)
        return facts

    def months(self) -> QuerySet[FactMonth]:
        """The scope's monthly rollup rows (``rollup``), placed like ``facts``."""
        return self._placed(FactMonth.objects.all())

    def years(self) -> QuerySet[FactYear]:
        """The scope's yearly rollup rows, placed like ``facts``."""
        return self._placed(FactYear.objects.all())

    def trends(self) -> QuerySet[FactTrend]:
        """The scope's rows of monthly counts by year (the trend's), placed like ``facts``."""
        return self._placed(FactTrend.objects.all())

    def _placed(self, rows):
        if self.union is not None:
            return rows.filter(union_id=self.union.pk)
        if self.street is not None:
            return rows.filter(union__street_id=self.street.pk)
        if self.district is not None:
            return rows.filter(union__district_id=self.district.pk)
        return rows


def scope_allowed(user, scope: Scope) -> bool:
    """Whether a portal user's federation roles cover ``scope``: the city's administrators all of
    it, a district's administrators their district and what is in it, station staff their street
    and its unions."""
    district_id = scope.district.pk if scope.district is not None else None
    street_id = scope.street.pk if scope.street is not None else None
    for role in federation_roles(user):
        if role.kind == FederationRole.Kind.CITY_ADMIN:
            return True
        in_district = scope.level != "city" and district_id is not None and district_id == role.district_id
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and in_district:
            return True
        on_street = scope.level in SMALL_AREAS and street_id is not None and street_id == role.street_id
        if role.kind == FederationRole.Kind.STATION_STAFF and on_street:
            return True
    return False


def scope_home(user) -> Scope | None:
    """Where a user's dashboard opens: the city, their district or their street."""
    roles = federation_roles(user)
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return Scope("city")
    for role in roles:
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and role.district is not None:
            return Scope("district", district=role.district)
    for role in roles:
        if role.kind == FederationRole.Kind.STATION_STAFF and role.street is not None:
            return Scope("street", district=role.street.district, street=role.street)
    return None


@dataclass(frozen=True)
class Period:
    """The facts' time window: ``start`` inclusive, ``end`` exclusive, local dates."""

    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def q(self) -> Q:
        return Q(occurred_at__gte=_aware(self.start), occurred_at__lt=_aware(self.end))

    def grouped(
        self,
        scope: Scope,
        group: tuple[str, ...],
        metrics: Sequence[Metric],
        *,
        kind: bool = False,
        where: Q | None = None,
    ) -> list[dict[str, Any]]:
        """The scope's figures in the period grouped by ``group`` and fact name (and the
        payload's kind), of the rows ``where`` selects: whole years from the yearly rollup,
        whole months from the monthly one, a custom period's partial months from the facts.
        Rows hold each metric's aggregate under its ``alias``; ``metric_values`` sums them."""
        where = where or Q()
        names = sorted({name for metric in metrics for name in metric.names})
        aliases = sorted({metric.alias for metric in metrics})
        today = timezone.localdate()
        split = period_split(self.start, self.end, today=today)
        rows: list[dict[str, Any]] = []
        if split.months is not None:
            years, months = months_split(*split.months, today=today)
            counted: list[QuerySet[Any]] = []
            if years:
                counted.append(scope.years().filter(year__in=years))
            if months:
                spans = Q()
                for first, stop in months:
                    spans |= Q(month__gte=first, month__lt=stop)
                counted.append(scope.months().filter(spans))
            fields = (*group, "name", *(("kind",) if kind else ()))
            for rollup in counted:
                for row in (
                    rollup.filter(where, name__in=names)
                    .values(*fields)
                    .annotate(**{alias: Sum(alias) for alias in aliases})
                    .order_by()
                ):
                    if kind:
                        row["kind"] = row["kind"] or None
                    rows.append(row)
        for start, end in split.days:
            days = Q(occurred_at__gte=_aware(start), occurred_at__lt=_aware(end))
            facts = scope.facts().filter(where, days, name__in=names)
            values = (
                facts.values(*group, "name", kind=KT("payload__kind"))
                if kind
                else facts.values(*group, "name")
            )
            rows += [dict(row) for row in values.annotate(**aggregates_for(metrics)).order_by()]
        return rows

    def query(self) -> dict[str, str]:
        if self.kind == "custom":
            return {"period": "custom", "from": self.start.isoformat(), "to": self.last_day.isoformat()}
        return {"period": self.kind}


class PeriodError(ValueError):
    pass


def period_parse(params, *, today: datetime.date | None = None) -> Period:
    """The period the page's filter asks for: ``year`` (this year, the default), ``12m`` (the
    last twelve months) or ``custom`` with ``from`` and ``to`` dates (both included). Raises
    ``PeriodError`` with a message for dates that are missing, malformed or reversed."""
    today = today or timezone.localdate()
    kind = params.get("period") or "year"
    if kind == "12m":
        return Period(
            "12m", today.replace(day=1) - relativedelta(months=11), today + datetime.timedelta(days=1)
        )
    if kind == "custom":
        try:
            start = datetime.date.fromisoformat(params.get("from") or "")
            last = datetime.date.fromisoformat(params.get("to") or "")
        except ValueError:
            raise PeriodError(_("Enter both dates of the period as YYYY-MM-DD.")) from None
        if last < start:
            raise PeriodError(_("The period's end is before its start."))
        if (last - start).days > 366 * 10:
            raise PeriodError(_("Choose a period of at most ten years."))
        return Period("custom", start, last + datetime.timedelta(days=1))
    return Period("year", today.replace(month=1, day=1), today + datetime.timedelta(days=1))


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Tables and suppression ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a table. ``sensitive`` counts are suppressed in small groups; ``guards`` are
    columns a derived figure (an amount, a rate) is computed from: hidden when any of them is."""

    key: str
    label: str | Promise
    sensitive: bool = False
    guards: tuple[str, ...] = ()
    kind: Literal["count", "money", "rate"] = "count"


@dataclass
class Row:
    """A row of a table: a label, where it drills down to, and its values by column key.

    ``protect`` says its sensitive cells are small-group protected (a street's or a union's row,
    or a sensitive kind's row in a small area); ``cells`` holds what is shown, after
    ``table_suppress``."""

    label: str
    values: dict[str, Any]
    url: str = ""
    protect: bool = False
    cells: dict[str, Any] = field(default_factory=dict)
    shown: list[tuple[Any, str]] = field(default_factory=list)  # (cell, column kind), in column order


@dataclass
class Table:
    key: str
    title: str | Promise
    head: str | Promise
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None


def suppressed_indexes(
    values: Sequence[Any], *, subject: Sequence[bool], total: Any = None, total_subject: bool = False
) -> set[int]:
    """Which cells of one column to hide; index ``len(values)`` is the total.

    A subject cell from 1 to 4 is hidden. When exactly one row cell is hidden and the total is
    shown, the total minus the others would give it back: the smallest other non-zero cell is
    hidden too or, when there is none, the total.
    """
    hidden = {i for i, value in enumerate(values) if subject[i] and value and 0 < value < SMALL_GROUP}
    has_total = total is not None
    total_index = len(values)
    if has_total and total_subject and total and 0 < total < SMALL_GROUP:
        hidden.add(total_index)
    if has_total and len(hidden) == 1 and total_index not in hidden:
        others = [(value, i) for i, value in enumerate(values) if i not in hidden and value]
        hidden.add(min(others)[1] if others else total_index)
    return hidden


def table_suppress(table: Table) -> Table:
    """Fill every row's (and the total's) ``cells`` from its values, with small groups hidden."""
    rows = table.rows
    hidden_by_column: dict[str, set[int]] = {}
    for column in table.columns:
        if column.guards:
            continue
        if column.sensitive:
            hidden_by_column[column.key] = suppressed_indexes(
                [row.values.get(column.key) for row in rows],
                subject=[row.protect for row in rows],
                total=table.total.values.get(column.key) if table.total else None,
                total_subject=bool(table.total and table.total.protect),
            )
        else:
            hidden_by_column[column.key] = set()
    for column in table.columns:
        if column.guards:
            hidden_by_column[column.key] = set().union(
                *(hidden_by_column.get(key, set()) for key in column.guards)
            )
    everything = [*rows, *([table.total] if table.total else [])]
    for index, row in enumerate(everything):
        row.cells = {
            column.key: SUPPRESSED if index in hidden_by_column[column.key] else row.values.get(column.key)
            for column in table.columns
        }
        row.shown = [(row.cells[column.key], column.kind) for column in table.columns]
    return table


# --- Reading the figures -----------------------------------------------------------------------------


# What a unit row below each level is, as a path from a fact (or a rollup row).
UNIT_FIELD: dict[str, str] = {
    "city": "union__district_id",
    "district": "union__street_id",
    "street": "union_id",
    "union": "union_id",
}


def scope_rows(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """The one query the units table and the breakdowns share: the period's figures grouped by
    the unit below the scope (district on the city's page, street on a district's, union below),
    fact name and payload kind."""
    return period.grouped(scope, (UNIT_FIELD[scope.level],), METRICS, kind=True)


def _figures_by_unit(
    scope: Scope, period: Period, unplaced: list[int], rows: list[dict[str, Any]]
) -> dict[tuple[Level, int], dict]:
    """Each unit's figures from ``scope_rows``; the unions not placed at that level
    (``unplaced``) are rows of their own, from a second query."""
    level_below: dict[str, Level] = {
        "city": "district",
        "district": "street",
        "street": "union",
        "union": "union",
    }
    field = UNIT_FIELD[scope.level]
    grouped: dict[tuple[Level, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row[field] is not None:
            grouped[(level_below[scope.level], row[field])].append(row)
    if unplaced and field != "union_id":
        for row in period.grouped(scope, ("union_id",), METRICS, where=Q(union_id__in=unplaced)):
            grouped[("union", row["union_id"])].append(row)
    return {key: metric_values(rows, METRICS) for key, rows in grouped.items()}


def _terms_by_union(scope: Scope, *, today: datetime.date) -> dict[int, dict[str, int]]:
    """One query: each union's latest term of each committee (its last ``term_started`` fact),
    counted as overdue (ended) or expiring within six months."""
    horizon = today + relativedelta(months=TERM_HORIZON_MONTHS)
    latest = (
        scope.facts()
        .filter(name=TERM_FACT)
        .annotate(committee=KT("payload__committee_kind"), ends=KT("payload__ends_on"))
        .order_by("union_id", "committee", "-occurred_at", "-pk")
        .distinct("union_id", "committee")
        .values_list("union_id", "committee", "ends")
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"terms_overdue": 0, "terms_expiring": 0})
    for union_id, _committee, ends in latest:
        try:
            ends_on = datetime.date.fromisoformat(ends or "")
        except ValueError:
            continue
        if ends_on < today:
            counts[union_id]["terms_overdue"] += 1
        elif ends_on <= horizon:
            counts[union_id]["terms_expiring"] += 1
    return counts


@dataclass
class Unit:
    """One row of the level below the scope: a district, a street, or a union placed directly."""

    level: Level
    pk: int
    label: str
    values: dict[str, Any] = field(default_factory=dict)


def _add(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if value is None:
            continue
        target[key] = target.get(key, 0) + value


def units_figures(
    scope: Scope,
    period: Period,
    *,
    today: datetime.date | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> tuple[list[Unit], dict[str, Any]]:
    """The rows of the level below ``scope`` and the scope's total, each with the registry's
    figures, every metric and the committee terms; three or four queries."""
    today = today or timezone.localdate()
    unions = list(
        scope.unions()
        .values(
            "pk",
            "name",
            "status",
            "member_count",
            "district_id",
            "district__name",
            "street_id",
            "street__name",
        )
        .order_by("district__code", "street__code", "name")
    )
    terms = _terms_by_union(scope, today=today)
    units: dict[tuple[Level, int], Unit] = {}
    unplaced: list[int] = []
    for union in unions:
        # A union not yet placed in a district (or street) is a row of its own.
        level: Level
        if scope.level == "city" and union["district_id"] is not None:
            level, pk, label = "district", union["district_id"], union["district__name"]
        elif scope.level == "district" and union["street_id"] is not None:
            level, pk, label = "street", union["street_id"], union["street__name"]
        else:
            level, pk, label = "union", union["pk"], union["name"]
            unplaced.append(union["pk"])
        unit = units.get((level, pk))
        if unit is None:
            unit = units[(level, pk)] = Unit(level=level, pk=pk, label=label)
        own = {
            "unions": 1,
            "members": union["member_count"],
            "active": int(union["status"] == Union.Status.ACTIVE),
            "suspended": int(union["status"] == Union.Status.SUSPENDED),
            **terms.get(union["pk"], {}),
        }
        _add(unit.values, own)
    rows = scope_rows(scope, period) if rows is None else rows
    for key, figures in _figures_by_unit(scope, period, unplaced, rows).items():
        if key in units:
            _add(units[key].values, figures)
    total: dict[str, Any] = {}
    for unit in units.values():
        _add(total, unit.values)
    return list(units.values()), total


def _ratio(numerator: Any, denominator: Any) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator or 0) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class TableSpec:
    """A table of the units below the scope: its columns, as metric keys, registry figures or
    rates (``(key, label, numerator, denominator)``)."""

    key: str
    title: str | Promise
    columns: tuple[Column, ...]
    rates: tuple[tuple[str, str, str], ...] = ()  # (column key, numerator key, denominator key)


def _metric_column(key: str, *, sensitive: bool | None = None) -> Column:
    metric = METRIC[key]
    return Column(
        key,
        metric.label,
        sensitive=metric.sensitive if sensitive is None else sensitive,
        guards=(metric.guard,) if metric.guard else (),
        kind="money" if metric.money else "count",
    )


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "unions",
        _("Unions"),
        (
            Column("unions", _("Unions")),
            Column("members", _("Members")),
            Column("active", _("Active")),
            Column("suspended", _("Suspended")),
        ),
    ),
    TableSpec(
        "cases",
        _("Cases and time limits"),
        (
            _metric_column("cases_opened"),
            _metric_column("cases_closed"),
            _metric_column("cases_on_time"),
            Column(
                "cases_compliance",
                _("Within the time limit (%)"),
                guards=("cases_on_time", "cases_closed"),
                kind="rate",
            ),
            _metric_column("cases_overdue"),
        ),
        rates=(("cases_compliance", "cases_on_time", "cases_closed"),),
    ),
    TableSpec(
        "hardship",
        _("Hardship files and assistance"),
        (
            _metric_column("hardship_opened"),
            _metric_column("hardship_closed"),
            _metric_column("assistance_given"),
            _metric_column("assistance_amount"),
        ),
    ),
    TableSpec(
        "followups",
        _("Follow-up visits"),
        (
            _metric_column("followups_due"),
            _metric_column("followups_done"),
            _metric_column("followups_on_time"),
            Column(
                "followups_rate",
                _("On time (%)"),
                sensitive=True,
                guards=("followups_on_time", "followups_done"),
                kind="rate",
            ),
            _metric_column("followups_overdue"),
        ),
        rates=(("followups_rate", "followups_on_time", "followups_done"),),
    ),
    TableSpec(
        "activities",
        _("Activities and congresses"),
        (
            _metric_column("activities_held"),
            _metric_column("activity_signups"),
            _metric_column("activity_attended"),
            _metric_column("congresses_held"),
            _metric_column("docking_used"),
        ),
    ),
    TableSpec(
        "terms",
        _("Committee terms"),
        (
            Column("terms_expiring", _("Terms ending within 6 months")),
            Column("terms_overdue", _("Terms overdue for renewal")),
            _metric_column("elections_held"),
        ),
    ),
    TableSpec(
        "mediation_counselling",
        _("Mediation and counselling"),
        (
            _metric_column("mediations_accepted"),
            _metric_column("mediations_closed"),
            _metric_column("counselling_held"),
        ),
    ),
)

HEADS: dict[str, str | Promise] = {
    "city": _("District"),
    "district": _("Street"),
    "street": _("Union"),
    "union": _("Union"),
}


def _table_values(figures: dict[str, Any], spec: TableSpec) -> dict[str, Any]:
    values = {column.key: figures.get(column.key) or 0 for column in spec.columns}
    for key, numerator, denominator in spec.rates:
        values[key] = _ratio(figures.get(numerator), figures.get(denominator))
    return values


def units_tables(scope: Scope, units: list[Unit], total: dict[str, Any], *, link) -> list[Table]:
    """The unit tables of ``TABLES``, suppressed; ``link(level, pk)`` gives a row's drill-down."""
    tables = []
    for spec in TABLES:
        rows = [
            Row(
                label=unit.label,
                values=_table_values(unit.values, spec),
                url=link(unit.level, unit.pk) if scope.level != "union" else "",
                protect=unit.level in SMALL_AREAS,
            )
            for unit in units
        ]
        total_row = None
        if scope.level != "union":
            total_row = Row(
                label=str(_("Total")),
                values=_table_values(total, spec),
                protect=scope.level in SMALL_AREAS,
            )
        tables.append(
            table_suppress(
                Table(spec.key, spec.title, HEADS[scope.level], list(spec.columns), rows, total_row)
            )
        )
    return tables


# --- Breakdowns by kind and the monthly trend -------------------------------------------------------


@dataclass(frozen=True)
class BreakdownSpec:
    """A table of the scope's figures by the payload's ``kind``: its metrics as columns."""

    key: str
    title: str | Promise
    head: str | Promise
    metrics: tuple[str, ...]
    labels: dict[str, Any]
    sensitive_kinds: frozenset[str] | None = None  # None: every kind is sensitive


def _kind_labels() -> dict[str, dict[str, Any]]:
    from tenants.activities.models import ActivityKind
    from tenants.cases.kinds import CaseKind
    from tenants.hardship.models import HardshipKind

    return {
        "cases": dict(CaseKind.choices),
        "hardship": dict(HardshipKind.choices),
        "activities": dict(ActivityKind.choices),
    }


def breakdown_specs() -> tuple[BreakdownSpec, ...]:
    labels = _kind_labels()
    return (
        BreakdownSpec(
            "cases_by_kind",
            _("Cases by kind"),
            _("Kind"),
            ("cases_opened", "cases_closed", "cases_on_time", "cases_overdue"),
            labels["cases"],
            sensitive_kinds=SENSITIVE_CASE_KINDS,
        ),
        BreakdownSpec(
            "hardship_by_kind",
            _("Hardship and assistance by kind"),
            _("Kind of hardship"),
            ("hardship_opened", "hardship_closed", "assistance_given", "assistance_amount"),
            labels["hardship"],
        ),
        BreakdownSpec(
            "activities_by_kind",
            _("Activities by kind"),
            _("Kind"),
            ("activities_held", "activity_signups", "activity_attended"),
            labels["activities"],
            sensitive_kinds=frozenset(),
        ),
    )


def breakdown_tables(
    scope: Scope, period: Period, *, rows: list[dict[str, Any]] | None = None
) -> list[Table]:
    """Every breakdown from one query: the scope's figures grouped by name and the payload's
    kind (``rows``: ``scope_rows``, shared with the units table, grouped by unit too)."""
    specs = breakdown_specs()
    metrics = [METRIC[key] for spec in specs for key in spec.metrics]
    grouped = period.grouped(scope, (), metrics, kind=True) if rows is None else rows
    tables = []
    small = scope.level in SMALL_AREAS
    for spec in specs:
        own = [METRIC[key] for key in spec.metrics]
        names = {name for metric in own for name in metric.names}
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in grouped:
            if row["name"] in names and row["kind"] is not None:
                by_kind[row["kind"]].append(dict(row))
        kinds = [kind for kind in spec.labels if kind in by_kind] + sorted(
            kind for kind in by_kind if kind not in spec.labels
        )
        # Within a breakdown the kind (the row) decides what is sensitive.
        columns = [_metric_column(key, sensitive=True) for key in spec.metrics]
        table_rows: list[Row] = []
        total: dict[str, Any] = {}
        for kind in kinds:
            figures = metric_values(by_kind[kind], own)
            values = {metric.key: figures.get(metric.key, 0) for metric in own}
            _add(total, values)
            sensitive = spec.sensitive_kinds is None or kind in spec.sensitive_kinds
            table_rows.append(
                Row(label=str(spec.labels.get(kind, kind)), values=values, protect=small and sensitive)
            )
        if not table_rows:
            continue
        total_row = Row(label=str(_("Total")), values=total, protect=small and spec.sensitive_kinds is None)
        tables.append(table_suppress(Table(spec.key, spec.title, spec.head, columns, table_rows, total_row)))
    return tables


TREND = (
    ("cases_opened", _("Cases opened"), "case.opened"),
    ("cases_closed", _("Cases closed"), "case.closed"),
    ("activities_held", _("Activities held"), "activity.held"),
)


def trend_table(scope: Scope, period: Period) -> Table:
    """One query on the trend's rollup (a union's year of a fact name, month by month): cases
    opened and closed and activities held, month by month, over the twelve months that end with
    the period's last month (two years' rows at most)."""
    last_month = period.last_day.replace(day=1)
    first_month = last_month - relativedelta(months=TREND_MONTHS - 1)
    grouped: Iterable[Any] = (
        scope.trends()
        .filter(year__in=sorted({first_month.year, last_month.year}), name__in=[n for _k, _l, n in TREND])
        .values("year", "name")
        .annotate(**{column: Sum(column) for column in TREND_COLUMNS})
        .order_by()
    )
    key_of = {name: key for key, _label, name in TREND}
    by_month: dict[datetime.date, dict[str, Any]] = defaultdict(dict)
    for row in grouped:
        for number, column in enumerate(TREND_COLUMNS, start=1):
            by_month[datetime.date(row["year"], number, 1)][key_of[row["name"]]] = row[column] or 0
    rows = []
    for n in range(TREND_MONTHS):
        month = first_month + relativedelta(months=n)
        values = by_month.get(month, {})
        rows.append(
            Row(label=month.strftime("%Y-%m"), values={key: values.get(key, 0) for key, _l, _n in TREND})
        )
    columns = [Column(key, label) for key, label, _name in TREND]
    return table_suppress(Table("trend", _("Month by month"), _("Month"), columns, rows))


# --- Charts: server-rendered SVG geometry -------------------------------------------------------------


CHART_WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 150


def bar_chart(title: str | Promise, items: Iterable[tuple[str, Any]]) -> dict[str, Any] | None:
    """Horizontal bars for (label, number) pairs, as coordinates for the SVG template; numbers
    only (a suppressed cell is never drawn)."""
    items = [
        (label, value)
        for label, value in items
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    ]
    if not items or not any(value for _label, value in items):
        return None
    peak = max(value for _label, value in items) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 60
    # Numbers as text: a template localizes every number it prints, a cost per coordinate.
    bars = [
        {
            "label": label,
            # What the template's truncatechars:12 made of it, without a filter per bar.
            "short": label if len(label) <= 12 else label[:11] + "…",
            "value": str(value),
            "y": str(8 + i * (BAR_HEIGHT + 6)),
            "text_y": str(8 + i * (BAR_HEIGHT + 6) + BAR_HEIGHT * 0.7),
            "width": str(max(1, round(float(value) / float(peak) * room))),
            "value_x": str(LABEL_WIDTH + max(1, round(float(value) / float(peak) * room)) + 6),
        }
        for i, (label, value) in enumerate(items)
    ]
    return {
        "title": title,
        "width": CHART_WIDTH,
        "height": 16 + len(bars) * (BAR_HEIGHT + 6),
        "label_width": LABEL_WIDTH,
        "label_end": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }


def line_chart(table: Table) -> dict[str, Any]:
    """One polyline per column of the trend table over its months."""
    width, height, left, bottom, top = CHART_WIDTH, 240, 40, 30, 16
    months = [row.label for row in table.rows]
    peak = max([row.values.get(c.key, 0) for row in table.rows for c in table.columns] + [1])
    step = (width - left - 16) / max(len(months) - 1, 1)

    def y(value: float) -> float:
        return round(height - bottom - (value / peak) * (height - bottom - top), 1)

    lines = []
    for n, column in enumerate(table.columns):
        points = [
            (round(left + i * step, 1), y(row.values.get(column.key, 0))) for i, row in enumerate(table.rows)
        ]
        lines.append(
            {
                "label": column.label,
                "series": n + 1,
                "points": " ".join(f"{x},{py}" for x, py in points),
                # Numbers as text, as in ``bar_chart``.
                "dots": [
                    {
                        "x": str(x),
                        "y": str(py),
                        "value": str(row.values.get(column.key, 0)),
                        "month": row.label,
                    }
                    for (x, py), row in zip(points, table.rows, strict=True)
                ],
            }
        )
    ticks = [{"x": str(round(left + i * step, 1)), "label": month[2:]} for i, month in enumerate(months)]
    grid = [{"y": str(y(peak * f)), "label": str(round(peak * f))} for f in (0, 0.5, 1)]
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "ticks": ticks,
        "grid": grid,
        "left": left,
        "axis_y": height - bottom,
    }


# --- The page's data ------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    units: list[Table]
    breakdowns: list[Table]
    trend: Table
    charts: list[dict[str, Any]]
    trend_chart: dict[str, Any]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.all_tables() if t.key == key), None)

    def all_tables(self) -> list[Table]:
        return [*self.units, *self.breakdowns, self.trend]


def dashboard_build(scope: Scope, period: Period, *, link, today: datetime.date | None = None) -> Dashboard:
    """Every table and chart of one dashboard page (a handful of queries whatever the size)."""
    rows = scope_rows(scope, period)
    units, total = units_figures(scope, period, today=today, rows=rows)
    unit_tables = units_tables(scope, units, total, link=link)
    trend = trend_table(scope, period)
    charts = []
    if scope.level != "union":
        by_key = {t.key: t for t in unit_tables}
        for table_key, column_key, title in (
            ("unions", "members", _("Members")),
            ("cases", "cases_opened", _("Cases opened")),
            ("activities", "activities_held", _("Activities held")),
        ):
            chart = bar_chart(title, [(row.label, row.cells[column_key]) for row in by_key[table_key].rows])
            if chart:
                chart["key"] = f"{table_key}-{column_key}"
                charts.append(chart)
    return Dashboard(
        scope=scope,
        period=period,
        units=unit_tables,
        breakdowns=breakdown_tables(scope, period, rows=rows),
        trend=trend,
        charts=charts,
        trend_chart=line_chart(trend),
    )


# --- Excel -------------------------------------------------------------------------------------------


def tables_xlsx(tables: list[Table], *, title: str) -> bytes:
    """The tables as a workbook, one sheet each, exactly as shown (suppressed cells as "<5")."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = str(table.title)[:28]
        while name in used:
            name = name[:26] + str(len(used))
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([title])
        sheet.append([str(table.head), *(str(column.label) for column in table.columns)])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in [*table.rows, *([table.total] if table.total else [])]:
            sheet.append([row.label, *(_xlsx_value(row.cells.get(column.key)) for column in table.columns)])
        sheet.column_dimensions["A"].width = 30
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return float(value)
    return value
