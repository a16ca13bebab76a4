"""Demo warnings: in the first demo union, one warning the district has acknowledged and one
still waiting, both delivered to the district federation's inbox. Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from federation.inbox import inbox_warning_acknowledge
from federation.models import FederationRole, InboxWarning
from tenants.cases.models import Case
from tenants.events.delivery import outbox_deliver_pending
from tenants.registry.models import Union
from tenants.users.models import User
from workershome.tenancy import current_schema

from .choices import IncidentCategory, RiskLevel
from .models import IncidentWarning
from .services import incident_warning_mirror, incident_warning_report

ACKNOWLEDGED = dict(
    category=IncidentCategory.WORKING_HOURS,
    summary="装配二线职工反映连续三周每周加班超过36小时，部分职工在班组群里商量集体拒绝本周末加班。",
    headcount=25,
    location="装配车间二线",
    risk_level=RiskLevel.LOW,
    channel=Case.Channel.SYMPOSIUM,
)
PENDING = dict(
    category=IncidentCategory.WAGE_ARREARS,
    summary="外包保洁班组两个月工资未发，约四十名职工商量明天上午在厂区东门停工聚集，要求当面说明发放时间。",
    headcount=40,
    location="厂区东门",
    risk_level=RiskLevel.ELEVATED,
    channel=Case.Channel.FRONTLINE_VISIT,
)


def _reporter() -> User | None:
    for role in ("officer", "chairman"):
        user = User.objects.filter(is_active=True, groups__name=role).order_by("pk").first()
        if user is not None:
            return user
    return None


def _district_admin(union_schema: str) -> User | None:
    with schema_context(get_public_schema_name()):
        union = Union.objects.get(schema_name=union_schema)
        role = (
            FederationRole.objects.filter(
                kind=FederationRole.Kind.DISTRICT_ADMIN, district_id=union.district_id
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return role.user if role else None


def _ensure(values: dict, by: User, **extra) -> IncidentWarning:
    existing = IncidentWarning.objects.filter(summary=values["summary"]).first()
    if existing is not None:
        return existing
    warning = incident_warning_report(by=by, **values, **extra)
    outbox_deliver_pending(event_id=str(warning.event_id))
    return warning


def demo_fill(*, spec, index: int) -> None:
    """Runs in the union's schema. Only the first demo union gets warnings."""
    if index != 0:
        return
    reporter = _reporter()
    if reporter is None:
        return
    schema = current_schema()
    acknowledged = _ensure(ACKNOWLEDGED, reporter)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    _ensure(PENDING, reporter, expected_at=tomorrow.replace(hour=8, minute=30, second=0, microsecond=0))

    admin = _district_admin(schema)
    if admin is None:
        return
    with schema_context(get_public_schema_name()):
        inbox = InboxWarning.objects.filter(
            event_id=acknowledged.event_id, acknowledged_at__isnull=True
        ).first()
        if inbox is not None:
            inbox_warning_acknowledge(warning=inbox, by=admin)
    incident_warning_mirror(event_id=acknowledged.event_id)
