"""Writes on worker contact: activities and their issues, the case an issue becomes, inbound
channels and their keys, and turning a signed hotline/SMS message into a case.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, and runs in one transaction.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile
from tenants.cases.models import Case
from tenants.cases.roles import is_staff_for
from tenants.cases.services import case_open
from tenants.events.services import event_emit
from workershome.errors import Conflict, ServiceError

from .models import (
    ContactActivity,
    ContactAttendee,
    InboundChannel,
    InboundMessage,
    InboundNonce,
    RaisedIssue,
)
from .permissions import manages_inbound, records_contact
from .selectors import member_by_mobile
from .signing import NONCE_PATTERN, TIMESTAMP_TOLERANCE_SECONDS, new_key_id, new_secret, signature_matches

MAX_MESSAGE_CHARS = 5000
_CALLER = re.compile(r"^\+?[0-9][0-9 \-]{2,19}$")


def _staff(user, allowed: bool) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not allowed:
        raise ServiceError(
            "contact_staff_only", _("Only the union's staff can record worker contact."), status=403
        )


# --- Frontline visits and symposiums ------------------------------------------------------------


def contact_activity_check(*, activity: ContactActivity) -> None:
    """Refuse an activity record that says too little to be one."""
    if activity.kind not in ContactActivity.Kind.values:
        raise ServiceError("activity_kind", _("Choose a frontline visit or a symposium."), field="kind")
    if not (activity.title or "").strip():
        raise ServiceError("activity_title", _("Give the subject of the activity."), field="title")
    if not (activity.place or "").strip():
        raise ServiceError("activity_place", _("Say where it took place."), field="place")
    if activity.held_on is None:
        raise ServiceError("activity_date", _("Give the date."), field="held_on")
    if activity.held_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ServiceError(
            "activity_future", _("Record an activity once it has taken place."), field="held_on"
        )
    if activity.other_attendees is None or activity.other_attendees < 0:
        raise ServiceError("activity_others", _("Give a number of 0 or more."), field="other_attendees")


@transaction.atomic
def contact_activity_record(
    *,
    by,
    kind: str,
    title: str,
    held_on: datetime.date,
    place: str,
    host=None,
    attendees: Iterable = (),
    other_attendees: int = 0,
    minutes: str = "",
    issues: Iterable[dict] = (),
) -> ContactActivity:
    """Record a frontline visit or symposium with the members who took part and the issues
    raised (each ``{"summary", "details"?, "raised_by"?, "raised_by_name"?}``)."""
    _staff(by, records_contact(by))
    activity = ContactActivity(
        kind=kind, title=(title or "").strip(), held_on=held_on, place=(place or "").strip(),
        host=host or by, other_attendees=other_attendees, minutes=(minutes or "").strip(), created_by=by,
    )  # fmt: skip
    contact_activity_check(activity=activity)
    activity.save()
    members = {member.pk: member for member in attendees if member is not None}
    ContactAttendee.objects.bulk_create(
        ContactAttendee(activity=activity, member=m) for m in members.values()
    )
    for issue in issues:
        contact_issue_add(activity=activity, by=by, **issue)
    contact_activity_held(activity=activity)
    return activity


@transaction.atomic
def contact_activity_update(
    *,
    activity: ContactActivity,
    by,
    kind: str,
    title: str,
    held_on: datetime.date,
    place: str,
    attendees: Iterable = (),
    other_attendees: int = 0,
    minutes: str = "",
) -> ContactActivity:
    """Correct or complete an activity's record (its issues are added one by one)."""
    _staff(by, records_contact(by))
    activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
    activity.kind, activity.title, activity.held_on, activity.place = (
        kind,
        (title or "").strip(),
        held_on,
        (place or "").strip(),
    )
    activity.other_attendees, activity.minutes = other_attendees, (minutes or "").strip()
    contact_activity_check(activity=activity)
    activity.save()
    wanted = {member.pk for member in attendees if member is not None}
    ContactAttendee.objects.filter(activity=activity).exclude(member_id__in=wanted).delete()
    present = set(ContactAttendee.objects.filter(activity=activity).values_list("member_id", flat=True))
    ContactAttendee.objects.bulk_create(
        ContactAttendee(activity=activity, member_id=pk) for pk in wanted - present
    )
    return activity


def contact_activity_held(*, activity: ContactActivity) -> None:
    """The federation counts contact activities held and the people they reached."""
    event_emit(
        name="contact.activity_held",
        payload={
            "kind": activity.kind,
            "held_on": activity.held_on.isoformat(),
            "people": activity.attendances.count() + activity.other_attendees,
        },
    )


@transaction.atomic
def contact_issue_add(
    *,
    activity: ContactActivity,
    by,
    summary: str,
    details: str = "",
    raised_by=None,
    raised_by_name: str = "",
) -> RaisedIssue:
    _staff(by, records_contact(by))
    summary = " ".join((summary or "").split())
    if not summary:
        raise ServiceError("issue_summary", _("Say what the issue is."), field="summary")
    if len(summary) > 200:
        raise ServiceError("issue_summary_long", _("Keep the issue under 200 characters; put the rest in the details."),
                           field="summary")  # fmt: skip
    order = activity.issues.count()
    return RaisedIssue.objects.create(
        activity=activity, sort_order=order, summary=summary, details=(details or "").strip(),
        raised_by=raised_by, raised_by_name=(raised_by_name or "").strip()[:50],
    )  # fmt: skip


@transaction.atomic
def contact_issue_case_open(
    *, issue: RaisedIssue, by, title: str = "", category: str = "", priority: int = Case.Priority.NORMAL
) -> Case:
    """Open an appeal from a raised issue in one step (channel: frontline visit or symposium)
    and link the issue to it. The member who raised it is the requester; otherwise the name
    given, or the activity's participants. If the case engine refuses, nothing changes."""
    _staff(by, records_contact(by))
    if not is_staff_for(by, "appeal"):
        raise ServiceError(
            "case_staff_only", _("Only the union's staff for this case can do this."), status=403
        )
    issue = (
        RaisedIssue.objects.select_for_update(of=("self",))
        .select_related("activity", "raised_by")
        .get(pk=issue.pk)
    )
    if issue.case_id is not None:
        raise Conflict("issue_has_case", _("A case was already opened from this issue."))
    activity = issue.activity
    member = issue.raised_by if issue.raised_by_id and issue.raised_by and issue.raised_by.is_active else None
    name = issue.raised_by_name or gettext("Participants of “%(title)s”") % {"title": activity.title}
    lines = [
        gettext("Raised at the %(kind)s “%(title)s” on %(date)s, %(place)s.")
        % {
            "kind": activity.get_kind_display(),
            "title": activity.title,
            "date": formats.date_format(activity.held_on, "Y-m-d"),
            "place": activity.place,
        },
        issue.details or issue.summary,
    ]
    case, _code = case_open(
        kind="appeal",
        channel=activity.kind,  # the two kinds are case channels of the same name
        title=(title or issue.summary).strip(),
        description="\n".join(lines),
        requester=member,
        requester_type=Case.RequesterType.MEMBER if member else Case.RequesterType.NAMED,
        requester_name="" if member else name[:50],
        category=category,
        priority=priority,
        by=by,
    )
    issue.case = case
    issue.save(update_fields=["case"])
    return case


# --- Inbound channels ---------------------------------------------------------------------------


@transaction.atomic
def inbound_channel_create(*, name: str, kind: str, by, active: bool = True) -> tuple[InboundChannel, str]:
    """A new channel with a fresh key id and secret. The secret is returned to show once."""
    _staff(by, manages_inbound(by))
    name = (name or "").strip()
    if not name:
        raise ServiceError("channel_name", _("Name the channel, e.g. the 12351 hotline."), field="name")
    if kind not in InboundChannel.Kind.values:
        raise ServiceError("channel_kind", _("Choose hotline or SMS."), field="kind")
    secret = new_secret()
    channel = InboundChannel.objects.create(
        name=name[:100], kind=kind, key_id=new_key_id(), secret=secret, active=active, created_by=by
    )
    return channel, secret


@transaction.atomic
def inbound_channel_rotate(*, channel: InboundChannel, by) -> str:
    """A new secret for the channel (the old one stops working at once); shown once."""
    _staff(by, manages_inbound(by))
    channel = InboundChannel.objects.select_for_update().get(pk=channel.pk)
    channel.secret = new_secret()
    channel.save(update_fields=["secret"])
    return channel.secret


@transaction.atomic
def inbound_channel_update(*, channel: InboundChannel, by, name: str, active: bool) -> InboundChannel:
    _staff(by, manages_inbound(by))
    name = (name or "").strip()
    if not name:
        raise ServiceError("channel_name", _("Name the channel, e.g. the 12351 hotline."), field="name")
    channel = InboundChannel.objects.select_for_update().get(pk=channel.pk)
    channel.name, channel.active = name[:100], active
    channel.save(update_fields=["name", "active"])
    return channel


# --- Inbound messages ---------------------------------------------------------------------------


def _refuse(code: str, message, status: int = 401, **params) -> ServiceError:
    return ServiceError(code, message, params=params or None, status=status)


@dataclass(frozen=True)
class InboundResult:
    case: Case
    created: bool


def inbound_channel_verify(
    *,
    key_id: str,
    timestamp: str,
    nonce: str,
    signature: str,
    body: bytes,
    now: datetime.datetime | None = None,
) -> InboundChannel:
    """Check a message's key, signature and timestamp; returns the channel (the nonce is
    recorded by ``inbound_message_receive``, in its transaction)."""
    if not all((key_id, timestamp, nonce, signature)):
        raise _refuse(
            "inbound_unsigned",
            _("Sign the message: X-Key-Id, X-Timestamp, X-Nonce and X-Signature are required."),
        )
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise _refuse("inbound_timestamp_invalid", _("X-Timestamp must be Unix time in seconds."))
    if not NONCE_PATTERN.match(nonce):
        raise _refuse("inbound_nonce_invalid", _("X-Nonce must be 8 to 64 letters, digits, “-” or “_”."))
    channel = InboundChannel.objects.filter(key_id=key_id).first()
    if channel is None:
        raise _refuse("inbound_key_unknown", _("This key is not known here."))
    if not signature_matches(
        secret=channel.secret, timestamp=timestamp, nonce=nonce, body=body, signature=signature
    ):
        raise _refuse("inbound_signature_invalid", _("The signature does not match the message."))
    if not channel.active:
        raise _refuse(
            "inbound_channel_inactive", _("This channel has been switched off by the union."), status=403
        )
    now = now or timezone.now()
    if abs(now.timestamp() - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS:
        raise _refuse(
            "inbound_timestamp_stale",
            _("The timestamp is more than %(minutes)s minutes from the server's time."),
            minutes=TIMESTAMP_TOLERANCE_SECONDS // 60,
        )
    return channel


def _body(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ServiceError("inbound_body", _("The body must be a JSON object in UTF-8.")) from error
    if not isinstance(data, dict):
        raise ServiceError("inbound_body", _("The body must be a JSON object in UTF-8."))
    for name in ("caller", "text", "message_id", "caller_name", "subject"):
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise ServiceError("inbound_field_type", _("This field must be text."), field=name)
    caller = (data.get("caller") or "").strip()
    if not _CALLER.match(caller):
        raise ServiceError("inbound_caller", _("Give the caller's phone number."), field="caller")
    text = (data.get("text") or "").strip()
    if not text:
        raise ServiceError("inbound_text", _("The message has no text."), field="text")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ServiceError(
            "inbound_text_long", _("The message is longer than %(n)s characters."), params={"n": MAX_MESSAGE_CHARS},
            field="text",
        )  # fmt: skip
    message_id = (data.get("message_id") or "").strip()
    if len(message_id) > 64:
        raise ServiceError(
            "inbound_message_id", _("message_id is at most 64 characters."), field="message_id"
        )
    return {
        "caller": caller,
        "text": text,
        "message_id": message_id,
        "caller_name": (data.get("caller_name") or "").strip()[:50],
        "subject": " ".join((data.get("subject") or "").split())[:200],
    }


@transaction.atomic
def inbound_message_receive(
    *, key_id: str, timestamp: str, nonce: str, signature: str, body: bytes
) -> InboundResult:
    """Turn a signed message from the hotline or SMS platform into an appeal.

    Refused, with nothing created: an unsigned message, an unknown key, a bad signature, a
    switched-off channel, a timestamp more than 5 minutes off, a nonce used before (replay),
    and a body without a caller or text. The caller's number is the requester's contact, or
    the member whose account has that mobile number becomes the requester. A message id seen
    before returns the case it made (a retry), without a second case.
    """
    channel = inbound_channel_verify(
        key_id=key_id, timestamp=timestamp, nonce=nonce, signature=signature, body=body
    )
    try:
        with transaction.atomic():
            InboundNonce.objects.create(channel=channel, nonce=nonce)
    except IntegrityError as error:
        raise _refuse(
            "inbound_nonce_reused", _("This nonce has been used before: the message is a replay.")
        ) from error
    data = _body(body)
    message_id = data["message_id"] or nonce
    earlier = (
        InboundMessage.objects.filter(channel=channel, message_id=message_id).select_related("case").first()
    )
    if earlier is not None and earlier.case is not None:
        return InboundResult(case=earlier.case, created=False)
    number = normalize_mobile(data["caller"])
    member = member_by_mobile(number)
    if channel.kind == InboundChannel.Kind.SMS:
        anonymous_name = gettext("SMS sender, number ending %(tail)s") % {"tail": number[-4:]}
    else:
        anonymous_name = gettext("Caller, number ending %(tail)s") % {"tail": number[-4:]}
    subject = data["subject"] or data["text"].splitlines()[0][:40]
    case, _code = case_open(
        kind="appeal",
        channel=channel.kind,  # hotline | sms: case channels of the same name
        title=subject,
        description=data["text"],
        requester=member,
        requester_type=Case.RequesterType.MEMBER if member else Case.RequesterType.NAMED,
        requester_name="" if member else (data["caller_name"] or anonymous_name),
        requester_contact=number,
    )
    InboundMessage.objects.create(
        channel=channel, message_id=message_id, caller=number[:30], text=data["text"], case=case
    )
    channel.last_used_at = timezone.now()
    channel.save(update_fields=["last_used_at"])
    return InboundResult(case=case, created=True)


def inbound_nonces_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete nonces older than twice the timestamp window: a message that old is refused for
    its timestamp before its nonce is looked at."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=2 * TIMESTAMP_TOLERANCE_SECONDS)
    deleted, _counts = InboundNonce.objects.filter(received_at__lt=cutoff).delete()
    return deleted
