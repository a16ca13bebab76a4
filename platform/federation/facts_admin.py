"""The facts pipeline's state where federation staff and operators look: a panel on the
portal's admin home (数据上报) and gauges in ``/metrics``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from wagtail.admin.ui.components import Component

from workershome.tenancy import on_portal

from .facts import facts_lag
from .roles import has_federation_role


class FactsPipelinePanel(Component):
    """How many facts arrived in the last hour and how late: staff see at once whether the
    figures they read are current."""

    name = "facts_pipeline"
    order = 20
    template_name = "federation/admin/facts_panel.html"

    def get_context_data(self, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        lag = facts_lag()
        since_last = timezone.now() - lag.last_received_at if lag.last_received_at else None
        return {"lag": lag, "since_last": since_last}


def facts_panel_visible_to(user) -> bool:
    return bool(on_portal() and user.is_active and has_federation_role(user))


class FactsCollector:
    """Prometheus gauges of the pipeline, read from the fact table at each scrape (never at
    registration: ``describe`` names them without a query)."""

    def _families(self):
        from prometheus_client.core import GaugeMetricFamily

        received = GaugeMetricFamily(
            "workershome_facts_received_last_hour", "Facts the federation received in the last hour."
        )
        seconds = GaugeMetricFamily(
            "workershome_facts_lag_seconds",
            "Delay between an event in a union and its fact at the federation, last hour.",
            labels=["quantile"],
        )
        return received, seconds

    def describe(self):
        return list(self._families())

    def collect(self):
        received, seconds = self._families()
        with schema_context(get_public_schema_name()):
            lag = facts_lag()
        received.add_metric([], lag.facts)
        for quantile, value in (("0.5", lag.p50), ("0.95", lag.p95), ("1", lag.worst)):
            if value is not None:
                seconds.add_metric([quantile], value.total_seconds())
        return [received, seconds]


_collector_registered = False


def facts_collector_register() -> None:
    """Register the gauges once per process (the web's ``/metrics``)."""
    global _collector_registered
    if _collector_registered:
        return
    from prometheus_client import REGISTRY

    REGISTRY.register(FactsCollector())
    _collector_registered = True
