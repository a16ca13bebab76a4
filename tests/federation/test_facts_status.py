"""The facts pipeline's state is visible: a panel on the portal's admin home for federation
staff, and gauges for the operators' Prometheus."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from federation.models import Fact, FederationRole
from tests.factories import make_person
from tests.federation.test_admin_unions import sign_in

pytestmark = pytest.mark.django_db


def facts(union, *lags_in_seconds: int) -> None:
    Fact.objects.all().delete()  # only these: setting unions up writes facts of its own
    now = timezone.now()
    for seconds in lags_in_seconds:
        Fact.objects.create(
            event_id=uuid.uuid4(),
            union=union,
            name="case.opened",
            occurred_at=now - datetime.timedelta(seconds=seconds),
            received_at=now,
        )


def test_federation_staff_see_how_current_the_facts_are(portal, union_a, client_for):
    """Given facts that arrived 2, 4 and 60 seconds after they happened, when a city
    administrator opens the portal's admin, then the panel shows three facts and their delay;
    a portal user with no federation role does not see it."""
    facts(union_a, 2, 4, 60)
    account, user = make_person(portal, "city_admin", name="陈主任")
    FederationRole.objects.create(user=user, kind="city_admin")
    client = client_for(portal)
    sign_in(client, account.mobile)
    page = client.get("/admin/").content.decode()
    assert "data-facts-pipeline" in page
    assert "最近一小时收到 3 条" in page and "中位 4 秒" in page and "最长 60 秒" in page

    other, _user = make_person(portal, "city_admin", name="无角色")
    client = client_for(portal)
    sign_in(client, other.mobile)
    assert "data-facts-pipeline" not in client.get("/admin/").content.decode()


def test_the_lag_is_a_prometheus_gauge(settings, union_a):
    facts(union_a, 3, 5)
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    response = Client(HTTP_HOST="10.42.0.17:8000").get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token"
    )
    body = response.content.decode()
    assert "workershome_facts_received_last_hour 2.0" in body
    assert 'workershome_facts_lag_seconds{quantile="1"} 5.0' in body
