"""What a portal user sees of the service stations and of the referrals across the levels.

Station staff see their own street's station, its unions and the referrals sent to it; a
district administrator the stations and station referrals of their districts (to follow
escalations), the referrals sent to their district's service centre, and the sister-union
referrals of their districts' unions once escalated to them; a city administrator every
station, station and district referral, those sent to the city, and escalated sister-union
referrals. Nobody else sees any on the portal. On a union's host, the union's chairman and
officers see the referrals sister unions sent to it (``referrals_received_in_union``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from federation.models import FederationRole, Street
from federation.roles import federation_roles
from tenants.registry.models import Union
from workershome.tenancy import current_schema, on_portal

from .models import ReceiverKind, ServiceStation, StationReferral

# The union roles that handle referrals sister unions send (收到的转介).
RECEIVING_ROLES = ("chairman", "officer")


def _roles(user) -> list[FederationRole]:
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return []
    return federation_roles(user)


def stations_visible_to(user) -> QuerySet[ServiceStation]:
    stations = ServiceStation.objects.select_related("street__district")
    roles = _roles(user)
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return stations
    districts = [
        r.district_id for r in roles if r.kind == FederationRole.Kind.DISTRICT_ADMIN and r.district_id
    ]
    streets = [r.street_id for r in roles if r.kind == FederationRole.Kind.STATION_STAFF and r.street_id]
    if not districts and not streets:
        return stations.none()
    return stations.filter(street__district_id__in=districts) | stations.filter(street_id__in=streets)


def streets_administered_by(user) -> QuerySet[Street]:
    """The streets whose station a city or district administrator may register or edit."""
    roles = _roles(user)
    streets = Street.objects.select_related("district")
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return streets
    districts = [
        r.district_id for r in roles if r.kind == FederationRole.Kind.DISTRICT_ADMIN and r.district_id
    ]
    return streets.filter(district_id__in=districts) if districts else streets.none()


def may_administer_stations(user) -> bool:
    return streets_administered_by(user).exists()


def staffs_station(user, station: ServiceStation) -> bool:
    return any(
        role.kind == FederationRole.Kind.STATION_STAFF and role.street_id == station.street_id
        for role in _roles(user)
    )


def station_staff(station: ServiceStation) -> list[str]:
    """The names of the portal users who staff the station."""
    roles = FederationRole.objects.filter(kind=FederationRole.Kind.STATION_STAFF, street_id=station.street_id)
    return [(r.user.get_full_name() or r.user.username) for r in roles.select_related("user").order_by("pk")]


def station_unions(station: ServiceStation) -> QuerySet[Union]:
    """The unions the station serves: those the registry places on its street."""
    return Union.objects.filter(street_id=station.street_id, status=Union.Status.ACTIVE).order_by("name")


def station_for_union(union: Union) -> ServiceStation | None:
    return ServiceStation.objects.filter(street_id=union.street_id).first() if union.street_id else None


def _referrals():
    # Never joins the user table: on a union's host it would be the union's own.
    return StationReferral.objects.select_related(
        "union", "station", "district", "receiver_district", "receiver_union", "previous"
    )


def referrals_visible_to(user) -> QuerySet[StationReferral]:
    """The referrals a portal user sees (see the module's docstring); none on a union's host."""
    roles = _roles(user)
    referrals = _referrals()
    if not roles:
        return referrals.none()
    escalated_union = Q(receiver_kind=ReceiverKind.UNION, escalated_at__isnull=False)
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return referrals.filter(~Q(receiver_kind=ReceiverKind.UNION) | escalated_union)
    districts = [
        r.district_id for r in roles if r.kind == FederationRole.Kind.DISTRICT_ADMIN and r.district_id
    ]
    streets = [r.street_id for r in roles if r.kind == FederationRole.Kind.STATION_STAFF and r.street_id]
    scope = Q(receiver_kind=ReceiverKind.STATION, station__street_id__in=streets)
    if districts:
        scope |= (
            Q(receiver_kind=ReceiverKind.STATION, station__street__district_id__in=districts)
            | Q(receiver_kind=ReceiverKind.DISTRICT, receiver_district_id__in=districts)
            | (escalated_union & Q(district_id__in=districts))
        )
    return referrals.filter(scope)


def referrals_handled_by(user) -> QuerySet[StationReferral]:
    """The portal referrals ``user`` is the receiver of (their station's, district's, or the
    city's), as opposed to those they oversee."""
    roles = _roles(user)
    scope = Q(pk__in=[])
    for role in roles:
        if role.kind == FederationRole.Kind.CITY_ADMIN:
            scope |= Q(receiver_kind=ReceiverKind.CITY)
        elif role.kind == FederationRole.Kind.DISTRICT_ADMIN:
            scope |= Q(receiver_kind=ReceiverKind.DISTRICT, receiver_district_id=role.district_id)
        elif role.kind == FederationRole.Kind.STATION_STAFF:
            scope |= Q(receiver_kind=ReceiverKind.STATION, station__street_id=role.street_id)
    return _referrals().filter(scope) if roles else _referrals().none()


def handles_referral(user, referral: StationReferral) -> bool:
    """Whether ``user`` is the receiver who moves ``referral`` along: the staff of its station,
    an administrator of its district or of the city, or — on the receiving union's own host —
    that union's chairman or officers. Overseers who only see it (escalations) do not."""
    kind = referral.receiver_kind
    if kind == ReceiverKind.UNION:
        return bool(
            not on_portal()
            and referral.receiver_union_id
            and Union.objects.filter(pk=referral.receiver_union_id, schema_name=current_schema()).exists()
            and receives_in_union(user)
        )
    roles = _roles(user)
    if kind == ReceiverKind.STATION:
        return referral.station is not None and staffs_station(user, referral.station)
    if kind == ReceiverKind.DISTRICT:
        return any(
            r.kind == FederationRole.Kind.DISTRICT_ADMIN and r.district_id == referral.receiver_district_id
            for r in roles
        )
    return any(r.kind == FederationRole.Kind.CITY_ADMIN for r in roles)


def receives_in_union(user) -> bool:
    """On a union's host: the chairman and officers handle what sister unions refer to it."""
    if on_portal() or not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_superuser or user.groups.filter(name__in=RECEIVING_ROLES).exists())


def referrals_received_in_union(user) -> QuerySet[StationReferral]:
    """On a union's host, for its chairman and officers: what sister unions referred to it."""
    if not receives_in_union(user):
        return StationReferral.objects.none()
    return _referrals().filter(receiver_kind=ReceiverKind.UNION, receiver_union__schema_name=current_schema())


def referral_history(referral: StationReferral) -> list[StationReferral]:
    """The declined referrals this one re-sends, newest first (each side shows the chain)."""
    chain: list[StationReferral] = []
    current = referral.previous
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = _referrals().filter(pk=current.previous_id).first() if current.previous_id else None
    return chain


def sister_unions_for(union: Union) -> QuerySet[Union]:
    """The unions a union may refer a case to: every other active union."""
    return (
        Union.objects.filter(status=Union.Status.ACTIVE)
        .exclude(pk=union.pk)
        .exclude(schema_name="public")
        .order_by("name")
    )


def referral_for_union(*, referral_uuid) -> Any:
    """The receiver's record of one referral as plain values (no join to the user table, which
    on a union's schema would be the union's own): for the sender's sync task."""
    return (
        StationReferral.objects.filter(referral_uuid=referral_uuid)
        .values(
            "id",
            "status",
            "status_note",
            "changed_at",
            "rating",
            "receiver_kind",
            "station__name",
            "receiver_district__name",
            "receiver_union__name",
            "escalated_at",
        )
        .first()
    )
