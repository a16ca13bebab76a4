"""The federation's warnings inbox (预警信息): receiving, acknowledging, re-sending, escalating.

A union's ``warning.raised`` outbox event arrives here through ``inbox_warning_receive``, called
by the union's outbox delivery inside its transaction: the inbox row and the union's
"dispatched" mark commit together or not at all, and the row is keyed by the event id, so a
second delivery finds the row and does nothing. The district administrators of the union's
district are told at once by SMS and email; until one of them (or a city administrator)
acknowledges it, the warning is re-sent every ``INCIDENT_WARNING_RESEND_MINUTES`` and, after
``INCIDENT_WARNING_ESCALATE_AFTER`` re-sends, escalated to the city administrators.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name

from accounts.models import Account
from accounts.sms import send_sms
from tenants.incidents.choices import MAX_HEADCOUNT, IncidentCategory, RiskLevel
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.shards import shared_alias, shared_atomic
from workershome.tenancy import current_schema, on_commit_in_schema, on_portal

from .models import FederationRole, InboxWarning, InboxWarningNotice
from .roles import federation_roles, has_federation_role


def resend_interval() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.INCIDENT_WARNING_RESEND_MINUTES)


# -------------------------------------------------------------------------------------------
# Reads.
# -------------------------------------------------------------------------------------------


def inbox_warnings_visible_to(user) -> QuerySet[InboxWarning]:
    """The warnings a portal user oversees: a city administrator all of them, a district
    administrator those of the districts they administer; nobody else any."""
    warnings = InboxWarning.objects.select_related("union", "district", "street")
    if not (on_portal() and getattr(user, "is_authenticated", False) and user.is_active):
        return warnings.none()
    roles = federation_roles(user)
    if any(role.kind == FederationRole.Kind.CITY_ADMIN for role in roles):
        return warnings
    districts = [
        role.district_id
        for role in roles
        if role.kind == FederationRole.Kind.DISTRICT_ADMIN and role.district_id is not None
    ]
    return warnings.filter(district_id__in=districts) if districts else warnings.none()


def may_view_inbox(user) -> bool:
    return bool(
        on_portal()
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and has_federation_role(user, FederationRole.Kind.CITY_ADMIN, FederationRole.Kind.DISTRICT_ADMIN)
    )


def inbox_warnings_due(*, now: datetime.datetime | None = None) -> QuerySet[InboxWarning]:
    """Unacknowledged warnings whose last notice is at least one re-send interval old."""
    now = now or timezone.now()
    return InboxWarning.objects.filter(
        acknowledged_at__isnull=True, last_sent_at__lte=now - resend_interval()
    )


def inbox_warning_recipients(warning: InboxWarning) -> list:
    """Portal users to tell: the district's administrators, and the city's once the warning is
    escalated (or when the union's district has no administrator at all). Public schema only."""
    from tenants.users.models import User

    roles = FederationRole.objects.filter(user__is_active=True)
    district_ids: set[int] = set()
    if warning.district_id is not None:
        district_ids = set(
            roles.filter(kind=FederationRole.Kind.DISTRICT_ADMIN, district=warning.district_id).values_list(
                "user_id", flat=True
            )
        )
    ids = set(district_ids)
    if warning.escalated_at is not None or not district_ids:
        ids |= set(roles.filter(kind=FederationRole.Kind.CITY_ADMIN).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# -------------------------------------------------------------------------------------------
# Writes.
# -------------------------------------------------------------------------------------------


def _parse_time(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@shared_atomic(savepoint=False)
def inbox_warning_receive(
    *, union_schema: str, event_id: uuid.UUID | str, occurred_at: datetime.datetime, payload: dict[str, Any]
) -> tuple[InboxWarning, bool]:
    """Store a union's warning in the inbox, once per event id; returns (row, created).

    Runs inside the caller's transaction (the union's outbox delivery, on the union's schema,
    whose search path reaches these public tables). A payload that does not follow the
    ``warning.raised`` contract raises ``ValueError``: that is a programming error, and the
    event stays undispatched until it is fixed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("inbox_warning_receive must run inside the delivery's transaction")
    existing = InboxWarning.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    union = Union.objects.get(schema_name=union_schema)
    category = payload.get("category") or IncidentCategory.OTHER
    risk_level = payload.get("risk_level")
    headcount = payload.get("headcount")
    if category not in IncidentCategory.values or risk_level not in RiskLevel.values:
        raise ValueError(f"warning.raised payload with unknown category or risk level: {payload!r}")
    if not isinstance(headcount, int) or not 1 <= headcount <= MAX_HEADCOUNT:
        raise ValueError(f"warning.raised payload with a bad headcount: {payload!r}")
    now = timezone.now()
    warning = InboxWarning.objects.create(
        event_id=event_id,
        warning_uuid=payload["warning"],
        reference=str(payload.get("reference", ""))[:30],
        union=union,
        # Where the registry places the union now, not where the payload said: the registry is
        # the federation's own record.
        district_id=union.district_id,
        street_id=union.street_id,
        category=category,
        risk_level=risk_level,
        headcount=headcount,
        summary=str(payload.get("summary", "")),
        location=str(payload.get("location", ""))[:200],
        expected_at=_parse_time(payload.get("expected_at")),
        reported_at=_parse_time(payload.get("reported_at")) or occurred_at,
        payload=payload,
        last_sent_at=now,
    )
    _notify_on_commit(warning.pk, InboxWarningNotice.Kind.SENT)
    return warning, True


def _notify_on_commit(warning_id: int, kind: str) -> None:
    from .tasks import inbox_warning_notify

    # The notice task reads portal users: it runs in public, wherever this was called. robust: if
    # the notice cannot be queued, the warning stays unacknowledged and the periodic re-send
    # tells the same people at the next interval.
    on_commit_in_schema(
        lambda: inbox_warning_notify.delay(warning_id=warning_id, kind=kind),
        schema=get_public_schema_name(),
        robust=True,
        using=shared_alias(),
    )


def _mirror_on_commit(warning: InboxWarning) -> None:
    """Tell the union (a task in its own schema) that its warning was acknowledged or escalated;
    the federation never writes a union's tables itself."""
    from tenants.incidents.tasks import incident_warning_mirror_task

    event_id = str(warning.event_id)
    # robust: the union's own pages read the inbox row live, so a lost mirror only delays the
    # union's notification, never what its staff see.
    on_commit_in_schema(
        lambda: incident_warning_mirror_task.delay(event_id=event_id),
        schema=warning.union.schema_name,
        robust=True,
        using=shared_alias(),
    )


def may_acknowledge(user, warning: InboxWarning) -> bool:
    return inbox_warnings_visible_to(user).filter(pk=warning.pk).exists()


@shared_atomic
def inbox_warning_acknowledge(*, warning: InboxWarning, by) -> InboxWarning:
    """签收: a district administrator of the warning's district, or a city administrator,
    records that the federation has the warning in hand. Stops the re-sending."""
    if not on_portal():
        raise ServiceError("not_on_portal", _("Warnings are acknowledged on the federation portal."))
    if not may_acknowledge(by, warning):
        raise ServiceError(
            "warning_forbidden", _("Only the administrators of this union's district or of the city can acknowledge it."),
            status=403,
        )  # fmt: skip
    warning = InboxWarning.objects.select_for_update().select_related("union").get(pk=warning.pk)
    if warning.acknowledged_at is not None:
        raise Conflict("warning_acknowledged", _("This warning has already been acknowledged."))
    warning.acknowledged_at = timezone.now()
    warning.acknowledged_by = by
    warning.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _mirror_on_commit(warning)
    return warning


@shared_atomic
def inbox_warning_resend(*, warning: InboxWarning, now: datetime.datetime | None = None) -> str | None:
    """Re-send one unacknowledged warning if it is due; after the allowed re-sends, escalate it
    to the city first. Returns the notice kind, or ``None`` when nothing was due (already
    acknowledged, or just sent by another run)."""
    now = now or timezone.now()
    locked = (
        InboxWarning.objects.select_for_update(skip_locked=True)
        .select_related("union")
        .filter(pk=warning.pk, acknowledged_at__isnull=True, last_sent_at__lte=now - resend_interval())
        .first()
    )
    if locked is None:
        return None
    fields = ["last_sent_at"]
    if locked.resend_count >= settings.INCIDENT_WARNING_ESCALATE_AFTER and locked.escalated_at is None:
        kind = InboxWarningNotice.Kind.ESCALATED
        locked.escalated_at = now
        fields.append("escalated_at")
        _mirror_on_commit(locked)
    else:
        kind = InboxWarningNotice.Kind.RESENT
        locked.resend_count += 1
        fields.append("resend_count")
    locked.last_sent_at = now
    locked.save(update_fields=fields)
    _notify_on_commit(locked.pk, kind)
    return kind


def inbox_warnings_resend_due() -> int:
    """Periodic, on the public schema: re-send or escalate every warning that is due."""
    return sum(
        inbox_warning_resend(warning=warning) is not None for warning in inbox_warnings_due().only("pk")
    )


def _notice_text(warning: InboxWarning, kind: str) -> tuple[str, str]:
    from tenants.registry.services import union_url

    heads: dict[str, Any] = {
        InboxWarningNotice.Kind.SENT: _("Collective-incident warning"),
        InboxWarningNotice.Kind.RESENT: _("Not yet acknowledged: collective-incident warning"),
        InboxWarningNotice.Kind.ESCALATED: _("Escalated to the city: collective-incident warning"),
    }
    portal = Union.objects.filter(schema_name=get_public_schema_name()).first()
    link = f"{union_url(portal).rstrip('/')}/admin/warnings/{warning.pk}/" if portal else ""
    title = str(
        _("%(head)s: %(union)s, %(category)s, about %(headcount)s people, risk %(risk)s")
        % {
            "head": heads.get(kind, heads[InboxWarningNotice.Kind.SENT]),
            "union": warning.union.name,
            "category": warning.get_category_display(),
            "headcount": warning.headcount,
            "risk": warning.get_risk_level_display(),
        }
    )
    body = str(
        _("Where: %(location)s. Please acknowledge it: %(link)s")
        % {"location": warning.location, "link": link}
    )
    return title, body


def _portal_notify(warning: InboxWarning, *, kind: str, recipients: list, title: str) -> None:
    """The same notice in the recipients' portal notifications, once per notice (a retried task
    adds none)."""
    from portal_notifications.models import NotificationKind
    from portal_notifications.services import portal_notify

    occasion = f"{kind}:{warning.resend_count}" if kind == InboxWarningNotice.Kind.RESENT else kind
    # A reminder replaces the recipient's earlier reminders still unread: one line per warning in
    # the inbox, not one per ten minutes until someone acknowledges it.
    replaces = f"warning:{warning.pk}:{kind}:" if kind == InboxWarningNotice.Kind.RESENT else ""
    body = str(_("Where: %(location)s.") % {"location": warning.location})
    portal_notify(recipients=recipients, kind=NotificationKind.WARNING, title=title, body=body,
                  link=f"/admin/warnings/{warning.pk}/", key=f"warning:{warning.pk}:{occasion}",
                  replaces=replaces)  # fmt: skip


def inbox_warning_notify_send(*, warning_id: int, kind: str) -> int:
    """Tell the warning's recipients by SMS and email and in their portal notifications, and
    record the notice. Public schema."""
    if current_schema() != get_public_schema_name():
        raise RuntimeError("inbox_warning_notify_send runs on the public schema")
    warning = InboxWarning.objects.select_related("union").get(pk=warning_id)
    if kind != InboxWarningNotice.Kind.SENT and warning.acknowledged_at is not None:
        return 0  # acknowledged between the re-send and this task: nobody needs reminding
    recipients = inbox_warning_recipients(warning)
    title, body = _notice_text(warning, kind)
    _portal_notify(warning, kind=kind, recipients=recipients, title=title)
    accounts = {
        account.pk: account
        for account in Account.objects.filter(
            pk__in=[user.account_id for user in recipients if user.account_id]
        )
    }
    for user in recipients:
        account = accounts.get(user.account_id)
        mobile = account.mobile if account else user.username
        if mobile:
            send_sms(mobile=mobile, text=f"【职工之家】{title}。{body}")
        address = (account.email if account else "") or user.email
        if address:
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [address])
    InboxWarningNotice.objects.create(warning=warning, kind=kind, recipients=len(recipients))
    return len(recipients)
