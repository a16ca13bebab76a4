"""The demo refers union A's failed mediation case to its station, an open appeal to the
district's service centre and another to a sister union, once each however often it runs."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from stations.models import StationReferral
from tenants.cases.services import case_open
from tenants.events.delivery import outbox_deliver_pending
from tenants.referrals_out.demo import demo_fill
from tenants.referrals_out.models import OutgoingReferral

pytestmark = pytest.mark.django_db


def test_demo_refers_to_the_station_the_district_and_a_sister_union_once(
    union_a, union_b, people, appeal, failed, district_admins
):
    with tenant_context(union_a):
        case_open(kind="appeal", title="希望增加职工书屋开放时间", description="…", channel="walk_in",
                  requester=people["member"], by=people["officer"])  # fmt: skip
        demo_fill(spec=None, index=0)
        demo_fill(spec=None, index=0)
        kinds = sorted(OutgoingReferral.objects.values_list("receiver_kind", flat=True))
        assert kinds == ["district", "station", "union"]
        outbox_deliver_pending()
    rows = {row.receiver_kind: row for row in StationReferral.objects.filter(union=union_a)}
    assert set(rows) == {"station", "district", "union"}
    assert rows["district"].receiver_district_id == union_a.district_id
    assert rows["union"].receiver_union is not None and rows["union"].receiver_union != union_a
