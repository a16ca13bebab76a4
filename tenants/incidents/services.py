"""Writes on collective-incident warnings: reporting one, and mirroring the federation's answer."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tenants.cases.kinds import CaseKind
from tenants.cases.models import Case
from tenants.cases.roles import chairmen, is_staff_for
from tenants.cases.services import case_open
from tenants.events.delivery import outbox_deliver_on_commit
from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.registry.models import Union
from workershome.errors import ServiceError
from workershome.tenancy import current_schema, on_portal

from .choices import LOCATION_MAX_LENGTH, MAX_HEADCOUNT, SUMMARY_MAX_LENGTH, IncidentCategory, RiskLevel
from .models import IncidentWarning

# A mainland mobile or landline number: the warning goes up to the district, so it must not
# carry anyone's contact details (the district reaches the union, not the workers).
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_PRIORITY = {
    RiskLevel.LOW: Case.Priority.HIGH,
    RiskLevel.ELEVATED: Case.Priority.URGENT,
    RiskLevel.SEVERE: Case.Priority.URGENT,
}


def _headcount(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, float) and not value.is_integer():
        number = 0
    if not 1 <= number <= MAX_HEADCOUNT:
        raise ServiceError(
            "warning_headcount", _("Give the number of people involved, from 1 to %(max)s."),
            params={"max": MAX_HEADCOUNT}, field="headcount",
        )  # fmt: skip
    return number


def _text(value: Any, *, field: str, limit: int, empty: Any, too_long: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ServiceError(f"warning_{field}", empty, field=field)
    if len(text) > limit:
        raise ServiceError(f"warning_{field}_length", too_long, params={"limit": limit}, field=field)
    if _PHONE.search(text):
        raise ServiceError(
            "warning_personal_data",
            _(
                "Leave phone numbers out: the warning goes to the district federation, which contacts the union."
            ),
            field=field,
        )
    return text


def _union_place() -> dict[str, Any]:
    """The union's registry id and where the registry places it (district, street)."""
    row = Union.objects.filter(schema_name=current_schema()).values("pk", "district_id", "street_id").first()
    return row or {"pk": None, "district_id": None, "street_id": None}


@transaction.atomic
def incident_warning_report(
    *,
    category: str,
    summary: str,
    headcount: Any,
    location: str,
    risk_level: str,
    by,
    expected_at: datetime.datetime | None = None,
    channel: str = Case.Channel.FRONTLINE_VISIT,
) -> IncidentWarning:
    """Report a collective-incident warning (群体性事件预警), in one transaction.

    Opens a ``warning`` case (so the warning runs its procedure), records the warning and its
    ``warning.raised`` outbox event, and tells the chairman at once in the admin and by SMS.
    After commit the event is delivered to the district federation's inbox; if that is lost,
    the outbox sweep delivers it within a minute.

    What goes up (the event's payload): the warning's id and reference, category, risk level,
    headcount, when it was reported and when the workers plan to act, the union's registry,
    district and street ids, and the short description of *what* is happening and *where*.
    The district needs those to act; they describe the incident, and the form asks for no
    names and refuses phone numbers. Who reported it never goes up.
    """
    if on_portal() or not is_staff_for(by, CaseKind.WARNING):
        raise ServiceError(
            "warning_staff_only",
            _("Only the union's chairman and officers can report a warning."),
            status=403,
        )
    if category not in IncidentCategory.values:
        raise ServiceError("warning_category", _("Choose what the dispute is about."), field="category")
    if risk_level not in RiskLevel.values:
        raise ServiceError("warning_risk_level", _("Choose a risk level."), field="risk_level")
    summary = _text(
        summary, field="summary", limit=SUMMARY_MAX_LENGTH,
        empty=_("Describe what the workers intend to do and why."),
        too_long=_("Keep the description under %(limit)s characters."),
    )  # fmt: skip
    location = _text(
        location, field="location", limit=LOCATION_MAX_LENGTH,
        empty=_("Say where it is happening."), too_long=_("Keep the place under %(limit)s characters."),
    )  # fmt: skip
    headcount = _headcount(headcount)
    if expected_at is not None and timezone.is_naive(expected_at):
        expected_at = timezone.make_aware(expected_at)
    now = timezone.now()
    with translation.override("zh-hans"):
        category_label = str(IncidentCategory(category).label)
        risk_label = str(RiskLevel(risk_level).label)
    case, _code = case_open(
        kind=CaseKind.WARNING,
        title=f"{category_label}：约{headcount}人，{location}"[:200],
        description=f"{summary}\n地点：{location}\n涉及人数：约{headcount}人\n风险等级：{risk_label}"
        + (f"\n预计时间：{timezone.localtime(expected_at):%Y-%m-%d %H:%M}" if expected_at else ""),
        channel=channel,
        requester=by,
        requester_type=Case.RequesterType.MEMBER,
        priority=_PRIORITY[RiskLevel(risk_level)],
        by=by,
    )
    place = _union_place()
    warning_uuid = uuid.uuid4()
    event = event_emit(
        name="warning.raised",
        payload={
            "warning": str(warning_uuid),
            "reference": case.reference,
            "category": category,
            "risk_level": risk_level,
            "headcount": headcount,
            "summary": summary,
            "location": location,
            "expected_at": expected_at.isoformat() if expected_at else None,
            "reported_at": now.isoformat(),
            "union": place["pk"],
            "district": place["district_id"],
            "street": place["street_id"],
        },
    )
    warning = IncidentWarning.objects.create(
        case=case,
        uuid=warning_uuid,
        category=category,
        summary=summary,
        headcount=headcount,
        location=location,
        risk_level=risk_level,
        expected_at=expected_at,
        reported_by=by,
        reported_at=now,
        event_id=event.pk,
    )
    with translation.override("zh-hans"):
        title = str(
            _(
                "Collective-incident warning %(reference)s: %(category)s, about %(headcount)s people, risk %(risk)s"
            )
            % {
                "reference": case.reference,
                "category": category_label,
                "headcount": headcount,
                "risk": risk_label,
            }
        )
    notify(
        recipients=chairmen(),
        title=title,
        body=f"{summary}（{location}）",
        url=f"/admin/incidents/{warning.pk}/",
        channels=("site", "sms"),
    )
    outbox_deliver_on_commit(event)
    return warning


@transaction.atomic
def incident_warning_mirror(*, event_id: uuid.UUID | str) -> IncidentWarning | None:
    """Copy the federation's state of a warning (received, acknowledged, escalated) onto the
    union's own record, and tell the reporter and the chairman when the district acknowledged
    it or it went up to the city. Reads the inbox row (public) by event id; idempotent."""
    from federation.models import InboxWarning

    warning = IncidentWarning.objects.select_for_update().filter(event_id=event_id).first()
    if warning is None:
        return None
    # values(): no join to the user table, which on this schema would be the union's own.
    row = (
        InboxWarning.objects.filter(event_id=event_id)
        .values("received_at", "acknowledged_at", "escalated_at", "district__name")
        .first()
    )
    if row is None:
        return warning
    changed: list[str] = []
    newly_acknowledged = warning.acknowledged_at is None and row["acknowledged_at"] is not None
    newly_escalated = warning.escalated_at is None and row["escalated_at"] is not None
    for name in ("received_at", "acknowledged_at", "escalated_at"):
        mine = "delivered_at" if name == "received_at" else name
        if getattr(warning, mine) is None and row[name] is not None:
            setattr(warning, mine, row[name])
            changed.append(mine)
    if changed:
        warning.save(update_fields=changed)
    reference = warning.case.reference
    url = f"/admin/incidents/{warning.pk}/"
    with translation.override("zh-hans"):
        if newly_acknowledged:
            notify(
                recipients={*chairmen(), *([warning.reported_by] if warning.reported_by_id else [])},
                title=str(
                    _("%(district)s has acknowledged warning %(reference)s")
                    % {"district": row["district__name"] or _("The federation"), "reference": reference}
                ),
                url=url,
                channels=("site",),
            )
        if newly_escalated and not newly_acknowledged:
            notify(
                recipients=chairmen(),
                title=str(
                    _(
                        "Warning %(reference)s was not acknowledged in time and has gone to the city federation"
                    )
                    % {"reference": reference}
                ),
                url=url,
                channels=("site",),
            )
    return warning
