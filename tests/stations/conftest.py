"""Fixtures of the service station tests: union A (Chaoyang) placed on 望京街道 with its
station, station staff of 望京 and of 中关村, the district administrators, and a mediation case
of union A that failed and was referred to the street service station."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from federation.models import FederationRole, Street
from stations.models import ServiceStation, StationReferral
from stations.services import station_save
from tenants.events.delivery import outbox_deliver_pending
from tenants.mediation.services import mediation_fail
from tenants.referrals_out.services import referral_send
from tenants.registry.models import Union
from tests.elections.conftest import district_admins  # noqa: F401
from tests.factories import make_person
from tests.incidents.conftest import Person
from tests.mediation.conftest import accepted, applied, frozen, people  # noqa: F401

WANGJING, ZHONGGUANCUN = "110105010", "110108015"


@pytest.fixture
def streets(union_a) -> dict[str, Street]:
    """Union A on 望京街道 (the test unions are placed by district only)."""
    wangjing, zgc = Street.objects.get(code=WANGJING), Street.objects.get(code=ZHONGGUANCUN)
    Union.objects.filter(pk=union_a.pk).update(street=wangjing)
    union_a.refresh_from_db()
    return {"wangjing": wangjing, "zhongguancun": zgc}


@pytest.fixture
def stations(streets, district_admins) -> dict[str, ServiceStation]:  # noqa: F811
    city = district_admins["city"].user
    return {
        "wangjing": station_save(
            street=streets["wangjing"], name="望京街道工会服务站", address="朝阳区望京街道阜通东大街6号",
            phone="010-84701234", services="法律咨询\n劳动争议调解\n困难职工帮扶", grid_id="CY-WJ-001", by=city,
        ),
        "zhongguancun": station_save(
            street=streets["zhongguancun"], name="中关村街道工会服务站", address="海淀区中关村大街27号",
            phone="010-62551234", services="法律咨询\n职工书屋", grid_id="HD-ZGC-001", by=city,
        ),
    }  # fmt: skip


@pytest.fixture
def staff(portal, streets) -> dict[str, Person]:
    def member(name: str, street: Street) -> Person:
        account, user = make_person(portal, "station_staff", name=name)
        FederationRole.objects.create(user=user, kind=FederationRole.Kind.STATION_STAFF, street=street)
        return Person(account, user)

    return {
        "wangjing": member("周站长", streets["wangjing"]),
        "zhongguancun": member("吴站长", streets["zhongguancun"]),
    }


@pytest.fixture
def failed(union_a, people, accepted, stations):  # noqa: F811
    """Union A's case, failed on 2026-03-16 and referred to the street service station."""
    with tenant_context(union_a), frozen("2026-03-16"):
        return mediation_fail(
            mediation=accepted, referral_target="service_station",
            note="公司不认可加班时长，双方差距较大，调解不成；已告知职工可到街道服务站进一步求助。", by=people["mediator"],
        )  # fmt: skip


def send_and_deliver(union, mediation, by, *, day: str = "2026-03-16", **overrides) -> StationReferral:
    values = dict(mediation=mediation, shared=["worker_name", "claim"], difficulty="normal", consent_given=True,
                  note="职工希望服务站协助申请劳动仲裁。", by=by)  # fmt: skip
    values.update(overrides)
    with tenant_context(union), frozen(day, 11):
        referral = referral_send(**values)
        outbox_deliver_pending()
    connection.set_schema_to_public()
    return StationReferral.objects.get(referral_uuid=referral.uuid)
