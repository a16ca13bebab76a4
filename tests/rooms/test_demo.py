"""The interest group and room booking demo: realistic content through the services, and
nothing added twice."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.groups import demo as groups_demo
from tenants.groups.models import GroupJoinRequest, GroupMeeting, GroupMembership, GroupPost, InterestGroup
from tenants.registry.demo_data import UNIONS
from tenants.rooms import demo as rooms_demo
from tenants.rooms.models import RoomBooking, RoomBookingRule
from tests.factories import make_person
from tests.groups.conftest import room_add

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        InterestGroup.objects.count(), GroupMembership.objects.count(), GroupMeeting.objects.count(),
        GroupPost.objects.count(), GroupJoinRequest.objects.filter(status="pending").count(),
        RoomBookingRule.objects.count(), RoomBooking.objects.count(),
    )  # fmt: skip


def test_the_demo_fills_groups_meetings_posts_rooms_and_bookings_once(union_a):
    for name in ("王芳", "赵强", "孙丽", "周敏", "吴涛", "郑洁", "冯磊", "陈静", "褚晓东", "卫红"):
        make_person(union_a, "member", name=name)
    with tenant_context(union_a):
        room_add(
            title="职工活动中心", kind="activity_centre", uses=["sports_room", "study_room"], capacity=80
        )
        room_add(title="职工减压室", kind="stress_relief_room", uses=["nursing_room"], capacity=6)
        groups_demo.demo_fill(spec=UNIONS[0], index=0)
        rooms_demo.demo_fill(spec=UNIONS[0], index=0)
        first = counts()
        assert first[0] == 5 and first[2] == 5 and first[4] == 1 and first[5] == 2
        assert first[6] >= 3  # some demo times may fall on a group's meeting and are skipped
        assert RoomBooking.objects.filter(group__name="羽毛球小组").exists()
        assert RoomBooking.objects.filter(status="pending", room__title="职工减压室").exists()
        assert not InterestGroup.objects.get(name="读书会").open_to_join
        groups_demo.demo_fill(spec=UNIONS[0], index=0)
        rooms_demo.demo_fill(spec=UNIONS[0], index=0)
        assert counts() == first
