"""The stations' registry, receiving referrals from the unions, and the station's staff moving
them along; overdue referrals are escalated to the district."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.sms import send_sms
from federation.models import FederationRole, Street
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.tenancy import on_commit_in_schema, on_portal

from .models import OPEN_STATUSES, Difficulty, ReferralStatus, ServiceStation, StationReferral, limit_for
from .registry import referral_sync_task
from .selectors import referrals_visible_to, staffs_station, streets_administered_by


def _text(value: Any, *, code: str, message: Any, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(code, message, field=field)
    if len(text) > limit:
        raise ServiceError(code, _("This text is too long (at most %(limit)s characters).") % {"limit": limit},
                           field=field)  # fmt: skip
    return text


@transaction.atomic
def station_save(
    *,
    street: Street,
    name: str,
    address: str,
    phone: str,
    services: str,
    grid_id: str = "",
    by,
) -> ServiceStation:
    """Register a street's station, or update it: a city administrator for any street, a district
    administrator for the streets of their district; anyone else is refused (404)."""
    if not on_portal() or not streets_administered_by(by).filter(pk=street.pk).exists():
        raise ServiceError(
            "station_forbidden", _("Only the city's or this district's administrators can edit its stations."),
            status=404,
        )  # fmt: skip
    values = {
        "name": _text(name, code="station_name", message=_("Give the station's name."), field="name", limit=100),
        "address": _text(address, code="station_address", message=_("Give the station's address."),
                         field="address", limit=200),
        "phone": _text(phone, code="station_phone", message=_("Give the station's phone number."), field="phone",
                       limit=30),
        "services": _text(services, code="station_services", message=_("List the services the station offers."),
                          field="services", limit=3000),
        "grid_id": _text(grid_id, code="station_grid_id", message="", field="grid_id", limit=50, required=False),
    }  # fmt: skip
    if (
        values["grid_id"]
        and ServiceStation.objects.filter(grid_id=values["grid_id"]).exclude(street=street).exists()
    ):
        raise ServiceError(
            "station_grid_id",
            _("Another station already has this grid platform identifier."),
            field="grid_id",
        )
    station, _created = ServiceStation.objects.update_or_create(street=street, defaults=values)
    return station


def referral_receive(
    *,
    union_schema: str,
    event_id: uuid.UUID | str,
    referral_uuid: uuid.UUID | str,
    reference: str,
    case_kind: str,
    difficulty: str,
    shared: list[dict[str, str]],
    sent_at: datetime.datetime,
) -> tuple[StationReferral, bool]:
    """Store a union's referral once per outbox event id, at the station of the union's street;
    returns (row, created). Runs inside the union's outbox delivery transaction. A union with no
    street or no station there, an unknown difficulty or a malformed share raises ``ValueError``
    (the union's send refuses these first; the event stays undelivered until fixed)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("referral_receive must run inside the delivery's transaction")
    existing = StationReferral.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    if difficulty not in Difficulty.values:
        raise ValueError(f"unknown difficulty {difficulty!r}")
    if not isinstance(shared, list) or not all(
        isinstance(r, dict) and {"label", "value"} <= set(r) for r in shared
    ):
        raise ValueError("a referral's share is a list of {label, value} rows")
    union = Union.objects.get(schema_name=union_schema)
    station = ServiceStation.objects.filter(street_id=union.street_id).first() if union.street_id else None
    if station is None:
        raise ValueError(f"union {union_schema} has no service station on its street")
    referral = StationReferral.objects.create(
        event_id=event_id,
        referral_uuid=referral_uuid,
        union=union,
        station=station,
        district_id=union.district_id,
        reference=str(reference)[:40],
        case_kind=str(case_kind)[:20],
        difficulty=difficulty,
        shared=[{"label": str(r["label"]), "value": str(r["value"])} for r in shared],
        sent_at=sent_at,
        due_on=limit_for(difficulty, sent_on=timezone.localdate(sent_at)),
    )
    return referral, True


def referral_rating_receive(*, referral_uuid: uuid.UUID | str, rating: int) -> bool:
    """The worker's rating of a closed referral, delivered from the union; idempotent."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("referral_rating_receive must run inside the delivery's transaction")
    if not 1 <= int(rating) <= 5:
        raise ValueError("a rating is 1 to 5")
    return bool(
        StationReferral.objects.filter(referral_uuid=referral_uuid, status=ReferralStatus.CLOSED).update(
            rating=int(rating)
        )
    )


# Which status each action leads to, and from which statuses it may be taken.
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "accept": (ReferralStatus.ACCEPTED, (ReferralStatus.SENT,)),
    "decline": (ReferralStatus.DECLINED, (ReferralStatus.SENT,)),
    "start": (ReferralStatus.IN_PROGRESS, (ReferralStatus.ACCEPTED,)),
    "close": (ReferralStatus.CLOSED, (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)),
}


@transaction.atomic
def referral_advance(*, referral: StationReferral, action: str, note: str = "", by) -> StationReferral:
    """受理 / 退回 / 办理中 / 办结: the staff of the referral's station move it along; the union's
    record follows by a task in its schema after commit. Declining or closing needs a note."""
    if (
        not on_portal()
        or not referrals_visible_to(by).filter(pk=referral.pk).exists()
        or not staffs_station(by, referral.station)
    ):
        raise ServiceError(
            "referral_forbidden", _("Only the staff of the station it was sent to can handle it."), status=404
        )
    if action not in TRANSITIONS:
        raise ServiceError("referral_action", _("Choose what to do with the referral."), field="action")
    target, allowed = TRANSITIONS[action]
    note = _text(note, code="referral_note", field="note", limit=2000,
                 message=_("Say why the referral is declined, or how it was resolved."),
                 required=action in ("decline", "close"))  # fmt: skip
    locked = StationReferral.objects.select_for_update().select_related("union").get(pk=referral.pk)
    if locked.status not in allowed:
        raise Conflict("referral_state", _("The referral is no longer in a state where this can be done."))
    locked.status = target
    if note:
        locked.status_note = note
    locked.changed_at = timezone.now()
    locked.changed_by = by
    locked.changed_by_name = (by.get_full_name() or by.username)[:50]
    locked.save(update_fields=["status", "status_note", "changed_at", "changed_by", "changed_by_name"])
    task = referral_sync_task()
    if task is not None:
        referral_uuid = str(locked.referral_uuid)
        # robust: the union's page shows the last synced status; a lost task is repeated by the
        # union's periodic sweep.
        on_commit_in_schema(
            lambda: task.delay(referral_uuid=referral_uuid), schema=locked.union.schema_name, robust=True
        )
    return locked


def escalation_recipients(referral: StationReferral) -> list:
    """Portal users told of an escalation: the district's administrators, or the city's when the
    district has none."""
    from tenants.users.models import User

    roles = FederationRole.objects.filter(user__is_active=True)
    ids = set(
        roles.filter(kind=FederationRole.Kind.DISTRICT_ADMIN, district=referral.district_id).values_list(
            "user_id", flat=True
        )
        if referral.district_id
        else []
    )
    if not ids:
        ids = set(roles.filter(kind=FederationRole.Kind.CITY_ADMIN).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def referrals_escalation_tell(*, referral_ids: list[int]) -> int:
    """Tell the district (by SMS) of each escalated referral: its reference, station and due day
    only — nothing about the worker. Returns how many messages were sent."""
    with translation.override("zh-hans"):
        return _escalation_tell(referral_ids)


def _escalation_tell(referral_ids: list[int]) -> int:
    sent = 0
    for referral in StationReferral.objects.filter(pk__in=referral_ids).select_related("station"):
        text = gettext("[Workers' Home] Referral %(reference)s at %(station)s was due by %(due)s and is escalated to the district.") % {
            "reference": referral.reference, "station": referral.station.name, "due": referral.due_on.isoformat(),
        }  # fmt: skip
        users = escalation_recipients(referral)
        accounts = dict(Account.objects.filter(pk__in=[u.account_id for u in users if u.account_id]).values_list(
            "pk", "mobile"
        ))  # fmt: skip
        for user in users:
            mobile = accounts.get(user.account_id) or user.username
            if mobile:
                send_sms(mobile=mobile, text=text)
                sent += 1
    return sent


@transaction.atomic
def referrals_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate to the district every open referral past its due day, once, and tell the
    district's administrators after commit; returns how many. They also find them flagged in
    their referral list."""
    today = today or timezone.localdate()
    ids = list(
        StationReferral.objects.select_for_update()
        .filter(status__in=OPEN_STATUSES, due_on__lt=today, escalated_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if ids:
        StationReferral.objects.filter(pk__in=ids).update(escalated_at=timezone.now())
        transaction.on_commit(lambda: referrals_escalation_tell(referral_ids=ids))
    return len(ids)
