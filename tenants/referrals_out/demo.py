"""Demo content of referrals across the three levels (journey 6's end, and beyond): the union's
street gets its service station registered (on the portal, by the city administrator) if it
has none, and the mediation case the mediation demo failed and referred to the station is
sent there, with the worker's written consent, sharing the worker's name, the dispute and why
mediation failed. Then an open member's case goes to the district's service centre, and
another to a sister union (the next active union), each sharing the subject and the worker's
name. Receivers find them waiting for acceptance once the outbox is delivered. Idempotent;
runs after ``tenants.mediation.demo`` and the demos that open cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_tenants.utils import get_public_schema_name, schema_context

from federation.models import FederationRole
from stations.models import ServiceStation
from stations.services import station_save
from tenants.cases.models import Case
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
            outcome="failed", referral_target="service_station", case__outgoing_referrals=None
        )
        .order_by("pk")
        .first()
    )
    chairman = User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    if failed is not None and not OutgoingReferral.objects.filter(receiver_kind="station").exists():
        mediator = failed.mediator or chairman
        if mediator is not None and _station_ensure(union) is not None:
            referral_send(
                mediation=failed, shared=["worker_name", "claim", "mediation_note"], difficulty="normal",
                consent_given=True, note="申请人希望服务站协助申请法律援助，并陪同办理劳动仲裁立案。", by=mediator,
            )  # fmt: skip
    if chairman is None:
        return
    _refer_open_case(
        union,
        chairman,
        receiver_kind="district",
        note="职工子女入学需跨区协调，请区总工会服务中心协助对接教育部门。",
    )
    sister = (
        Union.objects.filter(status=Union.Status.ACTIVE).exclude(pk=union.pk).exclude(schema_name="public")
        .order_by("pk").first()
    )  # fmt: skip
    if sister is not None:
        _refer_open_case(
            union, chairman, receiver_kind="union", sister_union=sister.schema_name,
            note="该职工居住地靠近贵单位，请协助安排职工书屋借阅和技能培训报名。",
        )  # fmt: skip


def _refer_open_case(
    union: Union, chairman: User, *, receiver_kind: str, note: str, sister_union: str = ""
) -> None:
    """Refer the oldest open member's case not yet referred, once per kind of receiver."""
    if union.district_id is None or OutgoingReferral.objects.filter(receiver_kind=receiver_kind).exists():
        return
    case = (
        Case.objects.filter(status=Case.Status.OPEN, requester__isnull=False, outgoing_referrals=None)
        .exclude(kind="mediation").order_by("opened_at", "pk").first()
    )  # fmt: skip
    if case is None:
        return
    referral_send(
        case=case, receiver_kind=receiver_kind, sister_union=sister_union, shared=["worker_name", "subject"],
        difficulty="simple" if receiver_kind == "union" else "normal", consent_given=True, note=note, by=chairman,
    )  # fmt: skip
