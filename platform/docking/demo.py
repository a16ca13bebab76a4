"""Demo of resource sharing: each union publishes two of its resources, the station of the first
union's street publishes its meeting room and its legal-aid lawyer, and each union after the first
books a resource of the union before it (approved by that union's chairman).

Called per union inside its schema, like the unions' demo modules (``demo_fill(spec=, index=)``),
after the unions are provisioned. Safe to run again: a resource whose title its publisher already
has is not published twice, and a union that has asked for bookings asks for no more.
"""

from __future__ import annotations

import datetime
import zlib
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from federation.models import FederationRole
from stations.models import ServiceStation
from tenants.registry.models import Union
from tenants.users.models import User
from workershome.tenancy import current_schema

from .models import SharedResource
from .selectors import Party
from .services import booking_decide, booking_request, resource_create

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

# kind, title (``{union}`` is the union's short name), capacity, one booking at a time, needs approval,
# description, terms
RESOURCES: tuple[tuple[str, str, int, bool, bool, str, str], ...] = (
    ("venue", "{union}职工活动中心多功能厅", 120, True, True,
     "可容纳120人，配有舞台、音响、投影和可移动桌椅，适合职工大会、文艺汇演和培训讲座。", "使用后请恢复桌椅摆放；禁止明火。"),
    ("room", "{union}会议室", 30, True, False,
     "30人会议室，配有视频会议设备和白板。工作日9:00—18:00开放。", "请提前一天预约；自带茶水。"),
    ("lawyer", "法律援助律师 王律师（{union}法律顾问）", 1, True, True,
     "执业十二年，擅长劳动合同、工伤认定和欠薪追讨，可到场为职工提供法律咨询。", "每次服务不超过3小时；不代理诉讼。"),
    ("counsellor", "心理咨询师 李老师（{union}）", 12, True, True,
     "国家二级心理咨询师，可开展减压团体辅导和一对一咨询。", "团体辅导每场不超过12人。"),
    ("books", "{union}职工书屋流动图书箱", 200, False, False,
     "每箱约200册，含文学、历史、技能类图书，可借出一个月。", "借用单位负责运送并保管，损坏照价赔偿。"),
    ("venue", "{union}篮球场", 20, True, False,
     "标准室外篮球场，夜间有照明，周末全天开放。", "请穿运动鞋入场。"),
    ("course", "{union}安全生产技能培训课程", 40, True, True,
     "由高级技师授课，8课时，含实操演练，结业发放培训证明。", "需提前两周预约，每期不超过40人。"),
    ("equipment", "{union}便携音响和投影设备", 1, True, True,
     "一套便携音响（含两支无线话筒）和一台投影仪，适合户外活动。", "借用单位自提自还，损坏照价赔偿。"),
)  # fmt: skip

STATION_RESOURCES = (
    ("room", "{station}会议室", 40, True, True, "服务站二楼会议室，可开展培训、座谈和调解。", "工作日开放。"),
    ("lawyer", "法律援助律师 王律师（{station}）", 1, True, True,
     "每周二、四在服务站值班，提供劳动争议法律咨询。", "每次预约不超过2小时。"),
)  # fmt: skip

PURPOSES = (
    "班组长安全培训",
    "职工心理减压团体辅导",
    "工会会员代表座谈会",
    "职工篮球友谊赛",
    "劳动法律知识讲座",
)


def _chairman() -> User | None:
    return User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()


def _publish(party: Party, by: Any, rows, *, address: str, **names: str) -> None:
    for kind, title, capacity, exclusive, approval, description, terms in rows:
        title = title.format(**names)
        if party.resources().filter(title=title).exists():
            continue
        resource_create(
            party=party, by=by, kind=kind, title=title, address=address,
            contact="工会办公室 010-6" + str(zlib.crc32(title.encode()) % 10_000_000).zfill(7), capacity=capacity,
            description=description, exclusive=exclusive, terms=terms, requires_approval=approval, publish=True,
        )  # fmt: skip


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    union = Union.objects.get(schema_name=current_schema())
    chairman = _chairman()
    if chairman is None:
        return
    party = Party(union=union)
    picks = (RESOURCES[(2 * index) % len(RESOURCES)], RESOURCES[(2 * index + 1) % len(RESOURCES)])
    _publish(party, chairman, picks, address=spec.address, union=spec.short_name)
    if index == 0:
        _station_publish(union)
    if index == 0 or party.requests_made().exists():
        return
    previous = (
        SharedResource.objects.filter(is_published=True, union__isnull=False, exclusive=True)
        .exclude(union=union)
        .order_by("-union__created_at", "pk")
        .first()
    )
    if previous is None:
        return
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=7 + index % 14
    )
    booking = booking_request(
        resource=previous, party=party, by=chairman, requester_name=spec.short_name + "工会办公室",
        requester_phone="010-8" + str(1000000 + index).zfill(7), purpose=PURPOSES[index % len(PURPOSES)],
        headcount=min(previous.capacity, 10 + index), starts_at=start, ends_at=start + datetime.timedelta(hours=2),
    )  # fmt: skip
    if booking.status == "requested" and index % 3 != 0:
        publisher = previous.union
        assert publisher is not None
        with tenant_context(publisher):
            decider = _chairman()
            if decider is not None:
                booking_decide(
                    booking=booking,
                    approve=True,
                    reply="欢迎！请提前15分钟到场，联系人在门口接待。",
                    by=decider,
                )


def _station_publish(union: Union) -> None:
    with schema_context(get_public_schema_name()):
        station = (
            ServiceStation.objects.filter(street_id=union.street_id).first() if union.street_id else None
        )
        role = (
            FederationRole.objects.filter(kind=FederationRole.Kind.STATION_STAFF, street_id=union.street_id)
            .select_related("user")
            .first()
        )
        if station is None or role is None:
            return
        _publish(
            Party(station=station),
            role.user,
            STATION_RESOURCES,
            address=station.address,
            station=station.name,
        )
