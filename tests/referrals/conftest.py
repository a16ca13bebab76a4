"""Fixtures of the referral tests across the three levels: union A (Chaoyang, on 望京街道 with
its station) refers its cases to the station, Chaoyang's service centre, the city's, or union
B (Haidian) as a sister union. Reuses the station tests' fixtures."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from stations.models import StationReferral
from tenants.cases.services import case_open
from tenants.events.delivery import outbox_deliver_pending
from tenants.referrals_out.services import referral_send
from tests.elections.conftest import district_admins  # noqa: F401
from tests.factories import make_person
from tests.mediation.conftest import accepted, applied, frozen, people  # noqa: F401
from tests.stations.conftest import failed, staff, stations, streets  # noqa: F401

SUBJECT = "子女跨区入学需要协调"
DETAILS = "职工家住海淀区，孩子今年秋季入学，户籍与居住地不一致，学校要求补充材料。"


@pytest.fixture
def appeal(union_a, people):  # noqa: F811
    """An open appeal raised by union A's worker 王小明."""
    with tenant_context(union_a), frozen("2026-03-16", 9):
        case, _code = case_open(kind="appeal", title=SUBJECT, description=DETAILS, channel="walk_in",
                                requester=people["worker"], by=people["officer"])  # fmt: skip
    return case


@pytest.fixture
def sister(union_b):
    """Union B's chairman and officer, who handle what sister unions refer to it, and a member."""
    return {
        "chairman": make_person(union_b, "chairman", name="冯主席")[1],
        "officer": make_person(union_b, "officer", name="韩干事")[1],
        "member": make_person(union_b, "member", name="褚职工")[1],
    }


def refer(union, case, by, *, day: str = "2026-03-16", **overrides) -> StationReferral:
    """Send ``case`` from ``union`` (to the district by default) and deliver the outbox."""
    values = dict(case=case, receiver_kind="district", shared=["worker_name", "subject"], difficulty="normal",
                  consent_given=True, note="请协助协调。", by=by)  # fmt: skip
    values.update(overrides)
    with tenant_context(union), frozen(day, 11):
        referral = referral_send(**values)
        outbox_deliver_pending()
    connection.set_schema_to_public()
    return StationReferral.objects.get(referral_uuid=referral.uuid)
