"""What each person sees of the shared resources and their bookings.

A *party* is the unit a person acts for: on a union's site, the union itself (for its chairman
and officers, who hold ``docking.share_resources``); on the portal, the service station of a
street the person staffs. District administrators see the resources and bookings of their
district (usage only), city administrators all of them. The catalogue (published resources of
active unions and of stations) is public.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from federation.models import FederationRole
from federation.roles import CACHE_ATTRIBUTE as ROLES_ATTRIBUTE
from federation.roles import federation_roles
from stations.models import ServiceStation
from tenants.registry.models import Union
from workershome.tenancy import current_schema, current_tenant, on_portal

from .models import BookingRequest, BookingStatus, ResourceKind, SharedResource


@dataclass(frozen=True)
class Party:
    """A union or a service station: who publishes a resource, or who asks to book one."""

    union: Union | None = None
    station: ServiceStation | None = None

    def __post_init__(self) -> None:
        if (self.union is None) == (self.station is None):
            raise ValueError("a party is one union or one station")

    @property
    def name(self) -> str:
        return self.union.name if self.union is not None else self.station.name  # type: ignore[union-attr]

    @property
    def key(self) -> str:
        return f"u{self.union.pk}" if self.union is not None else f"s{self.station.pk}"  # type: ignore[union-attr]

    def owns(self, resource: SharedResource) -> bool:
        if self.union is not None:
            return resource.union_id == self.union.pk
        return resource.station_id == self.station.pk  # type: ignore[union-attr]

    def resources(self) -> QuerySet[SharedResource]:
        if self.union is not None:
            return SharedResource.objects.filter(union=self.union)
        return SharedResource.objects.filter(station=self.station)

    def requests_made(self) -> QuerySet[BookingRequest]:
        if self.union is not None:
            return _bookings().filter(requester_union=self.union)
        return _bookings().filter(requester_station=self.station)

    def requests_received(self) -> QuerySet[BookingRequest]:
        if self.union is not None:
            return _bookings().filter(resource__union=self.union)
        return _bookings().filter(resource__station=self.station)


def _roles(user) -> list[FederationRole]:
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return []
    return federation_roles(user)


# Where ``parties_for`` keeps its answer on the user object: (schema, user id, token, parties).
PARTIES_ATTRIBUTE = "_docking_parties"


def _memo_token(user) -> Any:
    """What a memo of the user's parties hangs on, compared by identity: on the portal the
    request's copy of their federation roles (``FederationRolesMiddleware``), on a union's site
    Django's permission cache on the user object (``ModelBackend``). Both live exactly as long
    as what the answer is made from is read once; ``None`` (no memo) anywhere else — tests, tasks
    and commands pass user objects whose roles or permissions may change, and get a fresh
    answer every time."""
    return getattr(user, ROLES_ATTRIBUTE if on_portal() else "_perm_cache", None)


def parties_for(user) -> list[Party]:
    """The units ``user`` may act for here: this union (chairman and officers), or on the portal
    the stations of the streets the user staffs.

    An admin page asks this a dozen times (menu items, the chosen station, scopes): the answer is
    kept on the request's user, keyed by the schema and the user, and hangs on the request's copy
    of what it is made from (``_memo_token``), so another schema, another user or a user object
    without such a copy never gets a kept answer."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    schema = current_schema()
    memo = getattr(user, PARTIES_ATTRIBUTE, None)
    token = _memo_token(user)
    if memo is not None and token is not None and memo[:2] == (schema, user.pk) and memo[2] is token:
        return list(memo[3])
    parties = _parties_read(user)
    token = _memo_token(user)  # a union's permission cache is made by the first read
    if token is not None:
        setattr(user, PARTIES_ATTRIBUTE, (schema, user.pk, token, tuple(parties)))
    return parties


def _parties_read(user) -> list[Party]:
    if not on_portal():
        union = current_tenant()
        if isinstance(union, Union) and union.pk and user.has_perm("docking.share_resources"):
            return [Party(union=union)]
        return []
    streets = [
        r.street_id for r in _roles(user) if r.kind == FederationRole.Kind.STATION_STAFF and r.street_id
    ]
    return [Party(station=s) for s in ServiceStation.objects.filter(street_id__in=streets).order_by("pk")]


def party_for(user, *, station_id: Any = None) -> Party | None:
    """The one party ``user`` acts for: with ``station_id`` (on the portal), that station if the
    user staffs it, else none; without, the first (a union's site has only one)."""
    parties = parties_for(user)
    if station_id not in (None, ""):
        return next(
            (p for p in parties if p.station is not None and str(p.station.pk) == str(station_id)), None
        )
    return parties[0] if parties else None


def resources_of(parties: Iterable[Party]) -> QuerySet[SharedResource]:
    """The resources of any of ``parties`` (published or not)."""
    scope = Q(pk__in=[])
    for party in parties:
        scope |= Q(union=party.union) if party.union is not None else Q(station=party.station)
    return _resources().filter(scope)


def requests_made_by(parties: Iterable[Party]) -> QuerySet[BookingRequest]:
    """The bookings any of ``parties`` asked for."""
    scope = Q(pk__in=[])
    for party in parties:
        scope |= (
            Q(requester_union=party.union) if party.union is not None else Q(requester_station=party.station)
        )
    return _bookings().filter(scope)


def requests_received_by(parties: Iterable[Party]) -> QuerySet[BookingRequest]:
    """The bookings of any of ``parties``' resources."""
    scope = Q(pk__in=[])
    for party in parties:
        scope |= (
            Q(resource__union=party.union) if party.union is not None else Q(resource__station=party.station)
        )
    return _bookings().filter(scope)


def _resources() -> QuerySet[SharedResource]:
    return SharedResource.objects.select_related("union", "station", "district", "street")


def _bookings() -> QuerySet[BookingRequest]:
    return BookingRequest.objects.select_related(
        "resource", "resource__union", "resource__station", "requester_union", "requester_station"
    )


def resources_catalogue(
    *, kind: str = "", district: Any = None, text: str = "", exclude: Party | None = None
) -> QuerySet[SharedResource]:
    """资源目录: published resources of active unions and of stations, by kind, district and text."""
    resources = (
        _resources()
        .filter(is_published=True)
        .filter(Q(union__isnull=True) | Q(union__status=Union.Status.ACTIVE))
    )
    if kind in ResourceKind.values:
        resources = resources.filter(kind=kind)
    if district is not None:
        resources = resources.filter(district=district)
    text = (text or "").replace("\x00", "").strip()[:50]  # PostgreSQL text never holds NUL
    if text:
        resources = resources.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(address__icontains=text)
            | Q(union__name__icontains=text) | Q(station__name__icontains=text)
        )  # fmt: skip
    if exclude is not None:
        resources = resources.exclude(pk__in=exclude.resources().values("pk"))
    return resources.order_by("district__code", "kind", "title", "pk")


def portal_scope_districts(user) -> list[int] | None:
    """The districts a portal user oversees: ``None`` for the city's administrators (all)."""
    roles = _roles(user)
    if any(r.kind == FederationRole.Kind.CITY_ADMIN for r in roles):
        return None
    return [r.district_id for r in roles if r.kind == FederationRole.Kind.DISTRICT_ADMIN and r.district_id]


def resources_visible_to(user) -> QuerySet[SharedResource]:
    """Every resource (published or not) a person may look at in the admin or the API: their own
    unit's; on the portal also their district's (district administrators) or all (city)."""
    resources = _resources()
    parties = parties_for(user)
    own = Q(pk__in=[])
    for party in parties:
        own |= Q(union=party.union) if party.union is not None else Q(station=party.station)
    if not on_portal():
        return resources.filter(own) if parties else resources.none()
    districts = portal_scope_districts(user)
    if districts is None:
        return resources
    return resources.filter(own | Q(district_id__in=districts))


def resource_visible(user, pk: Any) -> SharedResource | None:
    """One resource a person may look at: published ones in the catalogue, or those in their
    scope (their own unpublished ones included)."""
    found = resources_visible_to(user).filter(pk=pk).first()
    return found if found is not None else resources_catalogue().filter(pk=pk).first()


def bookings_visible_to(user) -> QuerySet[BookingRequest]:
    """Bookings a person may see: those their unit asked for or received; on the portal also those
    of resources in the user's district (district administrators) or all (city)."""
    bookings = _bookings()
    parties = parties_for(user)
    mine = Q(pk__in=[])
    for party in parties:
        if party.union is not None:
            mine |= Q(requester_union=party.union) | Q(resource__union=party.union)
        else:
            mine |= Q(requester_station=party.station) | Q(resource__station=party.station)
    if not on_portal():
        return bookings.filter(mine) if parties else bookings.none()
    districts = portal_scope_districts(user)
    if districts is None:
        return bookings
    return bookings.filter(mine | Q(resource__district_id__in=districts))


def may_see_usage(user) -> bool:
    return bool(parties_for(user)) or (on_portal() and portal_scope_districts(user) != [])


@dataclass(frozen=True)
class UsageRow:
    label: str
    approved: int
    completed: int


def usage_by_resource(bookings: QuerySet[BookingRequest]) -> list[UsageRow]:
    """Bookings approved (still to come) and completed, per resource."""
    rows = (
        bookings.filter(status__in=[BookingStatus.APPROVED, BookingStatus.COMPLETED])
        .values("resource_id", "resource__title")
        .annotate(
            approved=Count("pk", filter=Q(status=BookingStatus.APPROVED)),
            completed=Count("pk", filter=Q(status=BookingStatus.COMPLETED)),
        )
        .order_by("-completed", "-approved", "resource__title")
    )
    return [UsageRow(r["resource__title"], r["approved"], r["completed"]) for r in rows]


def usage_by_requester(bookings: QuerySet[BookingRequest]) -> list[UsageRow]:
    """Bookings approved and completed, per requesting union or station."""
    rows = (
        bookings.filter(status__in=[BookingStatus.APPROVED, BookingStatus.COMPLETED])
        .values("requester_union__name", "requester_station__name")
        .annotate(
            approved=Count("pk", filter=Q(status=BookingStatus.APPROVED)),
            completed=Count("pk", filter=Q(status=BookingStatus.COMPLETED)),
        )
        .order_by("-completed", "-approved", "requester_union__name", "requester_station__name")
    )
    return [
        UsageRow(
            r["requester_union__name"] or r["requester_station__name"] or "", r["approved"], r["completed"]
        )
        for r in rows
    ]


def docking_counts(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    unions: Iterable[int] | None = None,
) -> dict[int, dict[str, int]]:
    """有对接 for the federation's figures: per union, the bookings it had approved or completed
    (as requester, ``booked``) and those of its own resources (as publisher, ``hosted``), by the
    booking's start. Reads the public table only."""  # fmt: skip
    bookings = BookingRequest.objects.filter(status__in=[BookingStatus.APPROVED, BookingStatus.COMPLETED])
    if since is not None:
        bookings = bookings.filter(starts_at__gte=since)
    if until is not None:
        bookings = bookings.filter(starts_at__lt=until)
    wanted = set(unions) if unions is not None else None
    result: dict[int, dict[str, int]] = {}
    for key, field in (("booked", "requester_union_id"), ("hosted", "resource__union_id")):
        rows = bookings.filter(**{f"{field}__isnull": False})
        if wanted is not None:
            rows = rows.filter(**{f"{field}__in": wanted})
        for row in rows.values(field).annotate(n=Count("pk")):
            counts = result.setdefault(row[field], {"booked": 0, "hosted": 0})
            counts[key] = row["n"]
    return result
