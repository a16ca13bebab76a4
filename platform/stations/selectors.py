"""What a portal user sees of the service stations and their referrals.

Station staff see their own street's station, its unions and the referrals sent to it; a
district administrator those of their districts (to follow escalations); a city administrator
all of them; nobody else any, and nothing on a union's host.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from federation.models import FederationRole, Street
from tenants.registry.models import Union
from workershome.tenancy import on_portal

from .models import ServiceStation, StationReferral


def _roles(user) -> list[FederationRole]:
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return []
    return list(user.federation_roles.all())


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


def referrals_visible_to(user) -> QuerySet[StationReferral]:
    return StationReferral.objects.select_related("union", "station", "district").filter(
        station__in=stations_visible_to(user)
    )


def referral_for_union(*, referral_uuid) -> Any:
    """The station's record of one referral as plain values (no join to the user table, which on
    a union's schema would be the union's own): for the union's sync task."""
    return (
        StationReferral.objects.filter(referral_uuid=referral_uuid)
        .values("id", "status", "status_note", "changed_at", "station__name", "rating")
        .first()
    )
