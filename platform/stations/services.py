"""The stations' registry, receiving referrals from the unions at every level (station,
district, city, sister union), the receiver moving them along, telling the receiver when one
arrives, and escalating overdue referrals one level up."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from accounts.models import Account
from accounts.sms import send_sms
from federation.models import FederationRole, Street
from tenants.registry.models import Union
from workershome.errors import Conflict, ServiceError
from workershome.shards import shared_alias, shared_atomic
from workershome.tenancy import on_commit_in_schema, on_portal

from .models import (
    OPEN_STATUSES,
    Difficulty,
    ReceiverKind,
    ReferralStatus,
    ServiceStation,
    StationReferral,
    limit_for,
)
from .registry import referral_received_task, referral_sync_task
from .selectors import handles_referral, referrals_visible_to, streets_administered_by


def _text(value: Any, *, code: str, message: Any, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(code, message, field=field)
    if len(text) > limit:
        raise ServiceError(code, _("This text is too long (at most %(limit)s characters).") % {"limit": limit},
                           field=field)  # fmt: skip
    return text


@shared_atomic
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


@shared_atomic(savepoint=False)
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
    receiver_kind: str = ReceiverKind.STATION,
    receiver_union_schema: str = "",
    previous_uuid: uuid.UUID | str | None = None,
) -> tuple[StationReferral, bool]:
    """Store a union's referral once per outbox event id, at its receiver; returns (row,
    created). Runs inside the union's outbox delivery transaction. The receiver is resolved
    from the registry *now*: the station of the union's street, the union's district, the city,
    or the named sister union (active, not the sender). Anything else raises ``ValueError`` (the
    union's send refuses these first; the event stays undelivered until fixed). After commit the
    receiving staff are told."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("referral_receive must run inside the delivery's transaction")
    existing = StationReferral.objects.filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    if difficulty not in Difficulty.values:
        raise ValueError(f"unknown difficulty {difficulty!r}")
    if receiver_kind not in ReceiverKind.values:
        raise ValueError(f"unknown receiver {receiver_kind!r}")
    if not isinstance(shared, list) or not all(
        isinstance(r, dict) and {"label", "value"} <= set(r) for r in shared
    ):
        raise ValueError("a referral's share is a list of {label, value} rows")
    union = Union.objects.get(schema_name=union_schema)
    receiver: dict[str, Any] = {"receiver_kind": receiver_kind}
    if receiver_kind == ReceiverKind.STATION:
        station = (
            ServiceStation.objects.filter(street_id=union.street_id).first() if union.street_id else None
        )
        if station is None:
            raise ValueError(f"union {union_schema} has no service station on its street")
        receiver["station"] = station
    elif receiver_kind == ReceiverKind.DISTRICT:
        if union.district_id is None:
            raise ValueError(f"union {union_schema} has no district")
        receiver["receiver_district_id"] = union.district_id
    elif receiver_kind == ReceiverKind.UNION:
        sister = Union.objects.filter(schema_name=receiver_union_schema, status=Union.Status.ACTIVE).first()
        if sister is None or sister.pk == union.pk or sister.is_portal:
            raise ValueError(f"{receiver_union_schema!r} is not an active sister union of {union_schema}")
        receiver["receiver_union"] = sister
    previous = (
        StationReferral.objects.filter(
            referral_uuid=previous_uuid, union=union, status=ReferralStatus.DECLINED
        ).first()
        if previous_uuid
        else None
    )
    if previous_uuid and previous is None:
        raise ValueError("a re-send names a declined referral of the same union")
    referral = StationReferral.objects.create(
        event_id=event_id,
        referral_uuid=referral_uuid,
        union=union,
        district_id=union.district_id,
        reference=str(reference)[:40],
        case_kind=str(case_kind)[:20],
        difficulty=difficulty,
        shared=[{"label": str(r["label"]), "value": str(r["value"])} for r in shared],
        sent_at=sent_at,
        due_on=limit_for(difficulty, sent_on=timezone.localdate(sent_at)),
        previous=previous,
        **receiver,
    )
    _arrival_tell_on_commit(referral)
    return referral, True


def _arrival_tell_on_commit(referral: StationReferral) -> None:
    """After the delivery commits: portal receivers by email from a task on the public schema;
    a sister union by a task in its own schema, which notifies its chairman and officers."""
    referral_uuid = str(referral.referral_uuid)
    if referral.receiver_kind == ReceiverKind.UNION:
        task = referral_received_task()
        if task is not None and referral.receiver_union is not None:
            on_commit_in_schema(
                lambda: task.delay(referral_uuid=referral_uuid), schema=referral.receiver_union.schema_name,
                robust=True, using=shared_alias(),
            )  # fmt: skip
        return
    from .tasks import referral_arrival_tell

    on_commit_in_schema(
        lambda: referral_arrival_tell.delay(referral_id=referral.pk),
        schema="public",
        robust=True,
        using=shared_alias(),
    )


def receiving_staff(referral: StationReferral) -> list:
    """The portal users who handle a referral: the station's staff, the district's or the
    city's administrators."""
    from tenants.users.models import User

    roles = FederationRole.objects.filter(user__is_active=True)
    if referral.receiver_kind == ReceiverKind.STATION and referral.station is not None:
        roles = roles.filter(kind=FederationRole.Kind.STATION_STAFF, street_id=referral.station.street_id)
    elif referral.receiver_kind == ReceiverKind.DISTRICT and referral.receiver_district_id is not None:
        roles = roles.filter(
            kind=FederationRole.Kind.DISTRICT_ADMIN, district_id=referral.receiver_district_id
        )
    elif referral.receiver_kind == ReceiverKind.CITY:
        roles = roles.filter(kind=FederationRole.Kind.CITY_ADMIN)
    else:
        return []
    return list(User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by("pk"))


def referral_arrival_tell(*, referral_id: int) -> int:
    """On the public schema: tell the receiving staff that a referral arrived — its reference,
    the sending union, the difficulty and due day; never what was shared (they read it signed
    in) — by an in-site notification on the portal (once per referral, so a retried task adds
    none) and an email on the channel configured in ``NOTIFICATION_CHANNELS``. Returns how many
    were told."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from portal_notifications.models import NotificationKind
    from portal_notifications.services import portal_notify
    from tenants.notifications.channels import Message

    channel_class = import_string(settings.NOTIFICATION_CHANNELS["email"])

    referral = (
        StationReferral.objects.select_related("union", "station", "receiver_district")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return 0
    with translation.override("zh-hans"):
        message = Message(
            title=gettext("New referral %(reference)s from %(union)s") % {
                "reference": referral.reference, "union": referral.union.name},
            body=gettext("Sent to %(receiver)s; difficulty: %(difficulty)s; due by %(due)s.") % {
                "receiver": referral.receiver_name, "difficulty": referral.get_difficulty_display(),
                "due": referral.due_on.isoformat()},
            url=f"/admin/stations/referrals/{referral.pk}/",
        )  # fmt: skip
    users = receiving_staff(referral)
    portal_notify(recipients=users, kind=NotificationKind.REFERRAL, title=message.title, body=message.body,
                  link=message.url, key=f"referral:{referral.pk}:arrived")  # fmt: skip
    channel = channel_class()
    for user in users:
        channel.send(user, message)
    return len(users)


@shared_atomic(savepoint=False)
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


def referral_reads_log(*, referrals: Iterable[StationReferral], user, via: str) -> None:
    """Record that ``user`` read what the sending unions shared (a worker's name, the matter,
    perhaps a dispute's claim) in each sending union's sensitive-data audit log, which its
    chairman reads: the receiver's and the overseers' reads on the portal are logged like any
    read of the case in the union itself."""
    from tenants.privacy.services import sensitive_read_log

    by_schema: dict[str, list[StationReferral]] = defaultdict(list)
    for referral in referrals:
        if referral.shared:
            by_schema[referral.union.schema_name].append(referral)
    # One transaction per sending union, in its schema (and its database, when on a shard).
    for schema, rows in by_schema.items():
        with schema_context(schema), transaction.atomic():
            for referral in rows:
                sensitive_read_log(
                    user=user, obj=referral, action="read", via=via, purpose=referral.reference
                )


@shared_atomic
def referral_advance(*, referral: StationReferral, action: str, note: str = "", by) -> StationReferral:
    """受理 / 退回 / 办理中 / 办结: the receiver moves it along — the staff of its station, the
    administrators of its district or of the city on the portal, or the chairman and officers
    of the sister union on that union's host; the sender's record follows by a task in the
    sender's schema after commit. Declining or closing needs a note."""
    visible = (
        referrals_visible_to(by).filter(pk=referral.pk).exists()
        if on_portal()
        else referral.receiver_kind == ReceiverKind.UNION
    )
    if not visible or not handles_referral(by, referral):
        raise ServiceError(
            "referral_forbidden", _("Only the receiver it was sent to can handle the referral."), status=404
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
    # A sister union's user lives in that union's schema: only the name goes on the public row.
    locked.changed_by = by if on_portal() else None
    locked.changed_by_name = (by.get_full_name() or by.username)[:50]
    locked.save(update_fields=["status", "status_note", "changed_at", "changed_by", "changed_by_name"])
    task = referral_sync_task()
    if task is not None:
        referral_uuid = str(locked.referral_uuid)
        # robust: the union's page shows the last synced status; a lost task is repeated by the
        # union's periodic sweep.
        on_commit_in_schema(
            lambda: task.delay(referral_uuid=referral_uuid),
            schema=locked.union.schema_name,
            robust=True,
            using=shared_alias(),
        )
    return locked


def escalation_recipients(referral: StationReferral) -> list:
    """Portal users told of an escalation, one level above the receiver: for a station's or a
    sister union's referral the (sender's) district's administrators, or the city's when the
    district has none; for a district's, the city's administrators."""
    from tenants.users.models import User

    roles = FederationRole.objects.filter(user__is_active=True)
    ids = set(
        roles.filter(kind=FederationRole.Kind.DISTRICT_ADMIN, district=referral.district_id).values_list(
            "user_id", flat=True
        )
        if referral.district_id and referral.escalates_to == ReceiverKind.DISTRICT
        else []
    )
    if not ids:
        ids = set(roles.filter(kind=FederationRole.Kind.CITY_ADMIN).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def referrals_escalation_tell(*, referral_ids: list[int]) -> int:
    """Tell the level above of each escalated referral — by an in-site notification on the
    portal (once per referral) and by SMS: its reference, receiver and due day only, nothing
    about the worker. Returns how many text messages were sent."""
    with translation.override("zh-hans"):
        return _escalation_tell(referral_ids)


def _escalation_tell(referral_ids: list[int]) -> int:
    from portal_notifications.models import NotificationKind
    from portal_notifications.services import portal_notify

    sent = 0
    referrals = StationReferral.objects.filter(pk__in=referral_ids).select_related(
        "station", "receiver_district", "receiver_union"
    )
    for referral in referrals:
        level = gettext("the city") if referral.escalates_to == ReceiverKind.CITY else gettext("the district")
        text = gettext("[Workers' Home] Referral %(reference)s at %(station)s was due by %(due)s and is escalated to %(level)s.") % {
            "reference": referral.reference, "station": referral.receiver_name, "due": referral.due_on.isoformat(),
            "level": level,
        }  # fmt: skip
        users = escalation_recipients(referral)
        title = gettext("Referral %(reference)s escalated") % {"reference": referral.reference}
        body = gettext("Sent to %(receiver)s, due by %(due)s; escalated to %(level)s.") % {
            "receiver": referral.receiver_name, "due": referral.due_on.isoformat(), "level": level,
        }  # fmt: skip
        portal_notify(
            recipients=users, kind=NotificationKind.ESCALATION, title=title, body=body,
            link=f"/admin/stations/referrals/{referral.pk}/", key=f"referral:{referral.pk}:escalated",
        )  # fmt: skip
        accounts = dict(Account.objects.filter(pk__in=[u.account_id for u in users if u.account_id]).values_list(
            "pk", "mobile"
        ))  # fmt: skip
        for user in users:
            mobile = accounts.get(user.account_id) or user.username
            if mobile:
                send_sms(mobile=mobile, text=text)
                sent += 1
    return sent


def _sync_on_commit(task: Any, *, referral_uuid: str, schema: str) -> None:
    on_commit_in_schema(
        lambda: task.delay(referral_uuid=referral_uuid), schema=schema, robust=True, using=shared_alias()
    )


@shared_atomic
def referrals_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate one level up every open referral past its due day, once (station → district,
    district → city, sister union → the sender's district; the city's own have nobody above),
    and tell that level's administrators after commit; returns how many. They also find them
    flagged in their referral list. The sender's record shows the escalation at its next sync."""
    today = today or timezone.localdate()
    rows = list(
        StationReferral.objects.select_for_update()
        .filter(status__in=OPEN_STATUSES, due_on__lt=today, escalated_at__isnull=True)
        .exclude(receiver_kind=ReceiverKind.CITY)
        .values_list("pk", "referral_uuid", "union__schema_name")
    )
    ids = [pk for pk, _uuid, _schema in rows]
    if ids:
        StationReferral.objects.filter(pk__in=ids).update(escalated_at=timezone.now())
        transaction.on_commit(lambda: referrals_escalation_tell(referral_ids=ids), using=shared_alias())
        task = referral_sync_task()
        if task is not None:
            for _pk, referral_uuid, schema in rows:
                _sync_on_commit(task, referral_uuid=str(referral_uuid), schema=schema)
    return len(ids)
