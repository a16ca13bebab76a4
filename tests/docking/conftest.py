"""Fixtures of the docking tests: union A (朝阳, on 望京街道, with its street's service station)
and union B (海淀), each with a chairman holding the docking permission and a plain member;
station staff of 望京 and of 中关村; district administrators of 朝阳 and 海淀 and a city
administrator."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from docking.selectors import Party
from docking.services import resource_create
from federation.models import District, FederationRole, Street
from stations.models import ServiceStation
from tenants.registry.models import Union
from tenants.users.models import User
from tests.factories import PASSWORD, make_person

WANGJING, ZHONGGUANCUN = "110105010", "110108015"


@dataclass
class Person:
    account: Account
    user: User


def signed_in(client, account: Account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def soon(days: int = 3, hour: int = 10, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def placed(union_a, union_b) -> dict[str, Street]:
    wangjing, zgc = Street.objects.get(code=WANGJING), Street.objects.get(code=ZHONGGUANCUN)
    Union.objects.filter(pk=union_a.pk).update(street=wangjing)
    Union.objects.filter(pk=union_b.pk).update(street=zgc)
    union_a.refresh_from_db()
    union_b.refresh_from_db()
    return {"wangjing": wangjing, "zhongguancun": zgc}


@pytest.fixture
def people(union_a, union_b, placed) -> dict[str, Person]:
    def person(union, role, name) -> Person:
        return Person(*make_person(union, role, name=name))

    return {
        "a_chair": person(union_a, "chairman", "星河主席"),
        "a_officer": person(union_a, "officer", "星河干事"),
        "a_member": person(union_a, "member", "星河会员"),
        "b_chair": person(union_b, "chairman", "恒通主席"),
        "b_member": person(union_b, "member", "恒通会员"),
    }


@pytest.fixture
def stations(placed) -> dict[str, ServiceStation]:
    return {
        "wangjing": ServiceStation.objects.create(
            street=placed["wangjing"], name="望京街道工会服务站", address="朝阳区阜通东大街6号", phone="010-84701234",
            services="法律咨询",
        ),
        "zhongguancun": ServiceStation.objects.create(
            street=placed["zhongguancun"], name="中关村街道工会服务站", address="海淀区中关村大街27号",
            phone="010-62551234", services="职工书屋",
        ),
    }  # fmt: skip


@pytest.fixture
def portal_people(portal, placed) -> dict[str, Person]:
    def person(kind, name, *, district=None, street=None) -> Person:
        account, user = make_person(portal, kind, name=name)
        FederationRole.objects.create(user=user, kind=kind, district=district, street=street)
        return Person(account, user)

    return {
        "wangjing": person("station_staff", "周站长", street=placed["wangjing"]),
        "zhongguancun": person("station_staff", "吴站长", street=placed["zhongguancun"]),
        "chaoyang": person("district_admin", "张丽华", district=District.objects.get(code="110105")),
        "haidian": person("district_admin", "陈国栋", district=District.objects.get(code="110108")),
        "city": person("city_admin", "王建国"),
    }


def publish(union, by, **overrides):
    values = dict(kind="room", title="星河会议室", address="朝阳区望京科技园A座3层", contact="工会办公室 010-64701234",
                  capacity=30, description="30人会议室，配视频会议设备。", publish=True)  # fmt: skip
    values.update(overrides)
    with tenant_context(union):
        return resource_create(party=Party(union=union), by=by, **values)


def ask(union, by, resource, **overrides):
    from docking.services import booking_request

    values = dict(requester_name="刘洋", requester_phone="13800138001", purpose="班组长安全培训", headcount=20,
                  starts_at=soon(3, 9), ends_at=soon(3, 11))  # fmt: skip
    values.update(overrides)
    with tenant_context(union):
        return booking_request(resource=resource, party=Party(union=union), by=by, **values)


@pytest.fixture
def room(union_a, people):
    return publish(union_a, people["a_chair"].user)
