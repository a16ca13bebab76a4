"""Demo content of the referrals to the service station (journey 6's end): the union's street
gets its service station registered (on the portal, by the city administrator) if it has none,
and the mediation case the mediation demo failed and referred to the station is sent there,
with the worker's written consent, sharing the worker's name, the dispute and why mediation
failed. The station's staff find it waiting for acceptance. Idempotent; runs after
``tenants.mediation.demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_tenants.utils import get_public_schema_name, schema_context

from federation.models import FederationRole
from stations.models import ServiceStation
from stations.services import station_save
from tenants.mediation.models import MediationCase
from tenants.registry.models import Union
from tenants.users.models import User
from workershome.tenancy import current_schema

from .models import OutgoingReferral
from .services import referral_send

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

SERVICES = "法律咨询与法律援助转介\n劳动争议调解\n困难职工帮扶\n职工心理咨询\n职业介绍与技能培训"


def _station_ensure(union: Union) -> ServiceStation | None:
    """The station of the union's street, registered by the city administrator if missing."""
    if union.street_id is None:
        return None
    with schema_context(get_public_schema_name()):
        station = ServiceStation.objects.filter(street_id=union.street_id).first()
        if station is not None:
            return station
        role = (
            FederationRole.objects.filter(kind=FederationRole.Kind.CITY_ADMIN).select_related("user").first()
        )
        if role is None:
            return None
        street = union.street
        assert street is not None
        return station_save(
            street=street, name=f"{street.name}工会服务站", address=f"{street.district.name}{street.name}社区服务中心二层",
            phone=f"010-{street.code[-4:]}0123", services=SERVICES, grid_id=f"GRID-{street.code}", by=role.user,
        )  # fmt: skip


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    union = Union.objects.select_related("street__district").get(schema_name=current_schema())
    failed = (
        MediationCase.objects.filter(
            outcome="failed", referral_target="service_station", station_referral=None
        )
        .order_by("pk")
        .first()
    )
    if failed is None or OutgoingReferral.objects.exists() or _station_ensure(union) is None:
        return
    mediator = (
        failed.mediator or User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    )
    if mediator is None:
        return
    referral_send(
        mediation=failed, shared=["worker_name", "claim", "mediation_note"], difficulty="normal", consent_given=True,
        note="申请人希望服务站协助申请法律援助，并陪同办理劳动仲裁立案。", by=mediator,
    )  # fmt: skip
