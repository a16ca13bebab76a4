"""Writes on interest groups: the group itself (officers), join requests and their answers,
leaving, leaders, regular meetings and posts.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, and runs in one transaction. Federation events carry counts only.
"""

from __future__ import annotations

import datetime
import os

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.users.roles import is_member
from workershome.errors import Conflict, ServiceError
from workershome.page_cache import page_cache_refresh
from workershome.tenancy import on_commit_in_schema

from .models import GroupJoinRequest, GroupKind, GroupMeeting, GroupMembership, GroupPost, InterestGroup
from .permissions import manages_groups
from .selectors import can_lead, group_leaders, membership_of

MAX_POST = 2000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# The first bytes of each accepted kind of photo.
_IMAGE_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}


def _signed_in(user, message=None) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError("group_sign_in", message or _("Sign in first."), status=401)


def _officer(user) -> None:
    if not manages_groups(user):
        raise ServiceError(
            "group_staff_only", _("Only the union's officers can manage interest groups."), status=403
        )


def _leader(group: InterestGroup, user) -> None:
    _signed_in(user)
    if not can_lead(group=group, user=user):
        raise ServiceError(
            "group_leader_only",
            _("Only the group's leaders or the union's officers can do this."),
            status=403,
        )


def _locked(group: InterestGroup) -> InterestGroup:
    return InterestGroup.objects.select_for_update().get(pk=group.pk)


def _member_count(group: InterestGroup) -> int:
    return GroupMembership.objects.filter(group=group).count()


# --- The group ---------------------------------------------------------------------------------


@transaction.atomic
def group_save(*, group: InterestGroup, by, leaders: list | None = None) -> InterestGroup:
    """Create or change a group (officers). ``leaders`` (users of this union), when given, become
    its leaders and members; leaders not in the list become ordinary members."""
    _officer(by)
    group.name = " ".join((group.name or "").split())
    if not group.name:
        raise ServiceError("group_name", _("Give the group a name."), field="name")
    if InterestGroup.objects.filter(name=group.name).exclude(pk=group.pk).exists():
        raise Conflict("group_name_taken", _("There is already a group with this name."), field="name")
    if group.kind not in GroupKind.values:
        raise ServiceError("group_kind", _("Choose the kind of group."), field="kind")
    created = group.pk is None
    group.save()
    if leaders is not None:
        if not [user for user in leaders if user is not None]:
            raise ServiceError("group_leaders", _("A group needs at least one leader."), field="leaders")
        wanted = {user.pk for user in leaders if user is not None}
        GroupMembership.objects.filter(group=group, role=GroupMembership.Role.LEADER).exclude(
            user_id__in=wanted
        ).update(role=GroupMembership.Role.MEMBER)
        for user in leaders:
            if user is None:
                continue
            membership, made = GroupMembership.objects.get_or_create(
                group=group, user=user, defaults={"role": GroupMembership.Role.LEADER}
            )
            if not made and not membership.is_leader:
                membership.role = GroupMembership.Role.LEADER
                membership.save(update_fields=["role"])
    page_cache_refresh()  # the calendar shows its meetings only while it is active
    if created:
        event_emit(name="groups.group_created", payload={"kind": group.kind, "members": _member_count(group)})
    return group


# --- Joining and leaving -----------------------------------------------------------------------


@transaction.atomic
def group_join_request(*, group: InterestGroup, user, message: str = "") -> GroupJoinRequest:
    """A worker asks to join; the group's leaders are told. Refused: a closed or inactive
    group, a member, and a second request while one is waiting."""
    _signed_in(user, _("Sign in to join a group."))
    if not is_member(user):
        raise ServiceError(
            "group_members_of_union", _("Only members of this union can join its groups."), status=403
        )
    group = _locked(group)
    if not group.active or not group.open_to_join:
        raise ServiceError("group_closed", _("This group is not taking new members at the moment."))
    if membership_of(group=group, user=user) is not None:
        raise Conflict("group_already_member", _("You are already a member of this group."))
    message = " ".join((message or "").split())
    if len(message) > 200:
        raise ServiceError(
            "group_message_long",
            _("Keep the message under %(n)s characters."),
            params={"n": 200},
            field="message",
        )
    if GroupJoinRequest.objects.filter(
        group=group, user=user, status=GroupJoinRequest.Status.PENDING
    ).exists():
        raise Conflict("group_request_waiting", _("Your request to join is already waiting for an answer."))
    try:
        with transaction.atomic():
            request = GroupJoinRequest.objects.create(group=group, user=user, message=message)
    except IntegrityError as error:
        raise Conflict(
            "group_request_waiting", _("Your request to join is already waiting for an answer.")
        ) from error
    notify(
        recipients=group_leaders(group=group),
        title=gettext("%(name)s asks to join %(group)s")
        % {"name": user.get_full_name(), "group": group.name},
        body=message,
        url=group.get_absolute_url(),
        channels=("site",),
    )
    return request


@transaction.atomic
def group_join_decide(*, request: GroupJoinRequest, by, approve: bool, reason: str = "") -> GroupJoinRequest:
    """A leader (or an officer) lets the worker in or declines, with a reason; the worker is told."""
    request = (
        GroupJoinRequest.objects.select_for_update(of=("self",))
        .select_related("group", "user")
        .get(pk=request.pk)
    )
    group = request.group
    _leader(group, by)
    if request.status != GroupJoinRequest.Status.PENDING:
        raise Conflict("group_request_answered", _("This request has already been answered."))
    reason = " ".join((reason or "").split())[:200]
    request.status = GroupJoinRequest.Status.APPROVED if approve else GroupJoinRequest.Status.DECLINED
    request.decided_at, request.decided_by, request.reason = timezone.now(), by, reason
    request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    if approve:
        GroupMembership.objects.get_or_create(group=group, user=request.user)
        event_emit(name="groups.member_joined", payload={"kind": group.kind, "members": _member_count(group)})
        title = gettext("Welcome to %(group)s") % {"group": group.name}
        body = ""
    else:
        title = gettext("Your request to join %(group)s was declined") % {"group": group.name}
        body = gettext("Reason: %(reason)s") % {"reason": reason} if reason else ""
    notify(
        recipients=[request.user],
        title=title,
        body=body,
        url=group.get_absolute_url(),
        channels=("site", "sms"),
    )
    return request


@transaction.atomic
def group_join_withdraw(*, request: GroupJoinRequest, by) -> GroupJoinRequest:
    request = GroupJoinRequest.objects.select_for_update().get(pk=request.pk)
    if by is None or request.user_id != getattr(by, "pk", None):
        raise ServiceError(
            "group_request_not_yours", _("You can only withdraw your own request."), status=403
        )
    if request.status != GroupJoinRequest.Status.PENDING:
        raise Conflict("group_request_answered", _("This request has already been answered."))
    request.status = GroupJoinRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    return request


def _last_leader_check(group: InterestGroup, membership: GroupMembership) -> None:
    others = GroupMembership.objects.filter(group=group).exclude(pk=membership.pk)
    if (
        membership.is_leader
        and others.exists()
        and not others.filter(role=GroupMembership.Role.LEADER).exists()
    ):
        raise ServiceError(
            "group_last_leader",
            _("You are the group's only leader: ask the union to name another leader before you leave."),
        )


@transaction.atomic
def group_leave(*, group: InterestGroup, user) -> None:
    """A member leaves the group (its only leader cannot while others remain)."""
    _signed_in(user)
    group = _locked(group)
    membership = membership_of(group=group, user=user)
    if membership is None:
        raise Conflict("group_not_member", _("You are not a member of this group."))
    _last_leader_check(group, membership)
    membership.delete()
    event_emit(name="groups.member_left", payload={"kind": group.kind, "members": _member_count(group)})


@transaction.atomic
def group_member_remove(*, group: InterestGroup, user, by) -> None:
    """A leader or an officer takes someone off the group; they are told."""
    _leader(group, by)
    group = _locked(group)
    membership = membership_of(group=group, user=user)
    if membership is None:
        raise Conflict("group_not_member", _("This person is not a member of the group."))
    if not manages_groups(by) and membership.is_leader:
        raise ServiceError(
            "group_staff_only", _("Only the union's officers can remove a leader."), status=403
        )
    _last_leader_check(group, membership)
    membership.delete()
    event_emit(name="groups.member_left", payload={"kind": group.kind, "members": _member_count(group)})
    notify(
        recipients=[user], title=gettext("You are no longer a member of %(group)s") % {"group": group.name},
        url="/groups/", channels=("site",),
    )  # fmt: skip


# --- Meetings ----------------------------------------------------------------------------------


def group_meeting_check(*, meeting: GroupMeeting) -> None:
    if meeting.start_time is None or meeting.end_time is None or meeting.end_time <= meeting.start_time:
        raise ServiceError("meeting_times", _("A meeting must end after it starts."), field="end_time")
    if not 1 <= (meeting.interval or 0) <= 12:
        raise ServiceError("meeting_interval", _("Repeat every 1 to 12 weeks or months."), field="interval")
    if meeting.weekday not in range(7):
        raise ServiceError("meeting_weekday", _("Choose the day of the week."), field="weekday")
    if meeting.frequency == GroupMeeting.Frequency.MONTHLY:
        if meeting.week_of_month not in (1, 2, 3, 4, -1):
            raise ServiceError(
                "meeting_week_of_month", _("For a monthly meeting, choose which such day of the month."),
                field="week_of_month",
            )  # fmt: skip
    elif meeting.frequency == GroupMeeting.Frequency.WEEKLY:
        meeting.week_of_month = None
    else:
        raise ServiceError("meeting_frequency", _("Choose weekly or monthly."), field="frequency")
    if meeting.starts_on is None:
        raise ServiceError("meeting_first_date", _("Give the first date."), field="starts_on")
    if meeting.ends_on and meeting.ends_on < meeting.starts_on:
        raise ServiceError("meeting_dates", _("The last date cannot be before the first."), field="ends_on")
    meeting.place = (meeting.place or "").strip()
    if meeting.room_id is None and not meeting.place:
        raise ServiceError("meeting_place", _("Choose a room or say where the group meets."), field="place")


# How far ahead a regular meeting held in one of the home's rooms is checked against what
# already takes the room (bookings, published activities, other groups' meetings).
MEETING_ROOM_WEEKS = 8


def _meeting_room_check(meeting: GroupMeeting) -> None:
    from tenants.rooms.selectors import room_busy
    from tenants.rooms.services import room_lock

    room = meeting.room
    if room is None:
        return
    room_lock(room=room)
    now = timezone.now()
    first = max(now, timezone.make_aware(datetime.datetime.combine(meeting.starts_on, datetime.time.min)))
    last = first + datetime.timedelta(weeks=MEETING_ROOM_WEEKS)
    occurrences = meeting.occurrences_between(first, last)
    if not occurrences:
        return
    busy = room_busy(room=room, start=occurrences[0][0], end=occurrences[-1][1], exclude_meeting=meeting)
    for begins, ends in occurrences:
        clash = next((b for b in busy if b.starts_at < ends and b.ends_at > begins), None)
        if clash is not None:
            raise Conflict(
                "meeting_room_taken",
                _(
                    "The room is taken on %(when)s (%(what)s): choose another time or room. Nothing was saved."
                ),
                params={
                    "when": formats.date_format(timezone.localtime(begins), "Y-m-d l H:i"),
                    "what": clash.title,
                },
                field="room",
            )


@transaction.atomic
def group_meeting_save(*, meeting: GroupMeeting, by) -> GroupMeeting:
    """Create or change a regular meeting (the group's leaders or officers)."""
    _leader(meeting.group, by)
    group_meeting_check(meeting=meeting)
    if meeting.room_id is not None and meeting.group.active:
        _meeting_room_check(meeting)
    meeting.save()
    page_cache_refresh()  # the union's calendar page and feed show the meetings
    return meeting


@transaction.atomic
def group_meeting_delete(*, meeting: GroupMeeting, by) -> None:
    _leader(meeting.group, by)
    meeting.delete()
    page_cache_refresh()


# --- Posts -------------------------------------------------------------------------------------


def post_image_check(upload) -> None:
    """Refuse a photo that is too large or not a JPG, PNG, GIF or WebP image."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ServiceError(
            "post_image_too_large", _("The photo is larger than %(limit)s MB."),
            params={"limit": MAX_IMAGE_BYTES // (1024 * 1024)}, field="image",
        )  # fmt: skip
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if extension not in _IMAGE_SIGNATURES:
        raise ServiceError("post_image_type", _("Attach a JPG, PNG, GIF or WebP photo."), field="image")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(_IMAGE_SIGNATURES[extension]) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise ServiceError(
            "post_image_content", _("This file's content does not match its extension."), field="image"
        )


@transaction.atomic
def group_post_create(*, group: InterestGroup, author, body: str, image=None) -> GroupPost:
    """A member posts to the group; an optional photo is checked for type and size."""
    _signed_in(author)
    if membership_of(group=group, user=author) is None:
        raise ServiceError("group_members_only", _("Only the group's members can post here."), status=403)
    if not group.active:
        raise ServiceError("group_inactive", _("This group is no longer active."))
    body = (body or "").strip()
    if not body:
        raise ServiceError("post_body", _("Write something to post."), field="body")
    if len(body) > MAX_POST:
        raise ServiceError(
            "post_body_long", _("Keep the post under %(n)s characters."), params={"n": MAX_POST}, field="body"
        )
    if image:
        post_image_check(image)
    post = GroupPost(group=group, author=author, body=body)
    if image:
        post.image.save(os.path.basename(image.name), image, save=False)
    post.save()
    return post


@transaction.atomic
def group_post_delete(*, post: GroupPost, by) -> None:
    """The author, a leader of the group or an officer removes a post (and its photo)."""
    _signed_in(by)
    if post.author_id != by.pk and not can_lead(group=post.group, user=by):
        raise ServiceError("post_not_yours", _("You can only remove your own posts."), status=403)
    image = post.image.name if post.image else ""
    post.delete()
    if image:
        storage = GroupPost._meta.get_field("image").storage  # type: ignore[attr-defined]
        on_commit_in_schema(lambda: storage.delete(image))
