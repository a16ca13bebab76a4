"""Writes on activities: create and change, publish, cancel; sign-ups with the waiting list;
check-in by QR code and attendance; ratings; the summary and photos afterwards; and the
federation's counted facts once an activity has closed its sign-up and ended.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing anything,
and runs in one transaction. Everything that counts places locks the activity's row first, so
concurrent sign-ups and cancellations are served one after the other.
"""

from __future__ import annotations

import datetime
import os
import secrets

from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from tenants.notifications.services import notify
from workershome.errors import Conflict, ServiceError

from .models import Activity, ActivityKind, ActivityPhoto, ActivitySignup, Audience
from .permissions import audience_admits, manages_activities
from .selectors import LIVE, activities_to_count, activities_to_mark_held, check_in_open

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_EXTENSIONS = {"jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
MAX_COMMENT = 500
MAX_SUMMARY = 5000


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _url(activity: Activity) -> str:
    return f"/activities/{activity.pk}/"


def _staff(by) -> None:
    if by is None or not getattr(by, "is_authenticated", False) or not manages_activities(by):
        raise ServiceError(
            "activity_staff_only", _("Only the union's staff can manage activities."), status=403
        )


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _confirmed(activity: Activity) -> int:
    return ActivitySignup.objects.filter(activity=activity, status=ActivitySignup.Status.CONFIRMED).count()


# --- The activity -------------------------------------------------------------------------------


def activity_check(*, activity: Activity) -> None:
    """Refuse an activity that cannot take place as entered, with the field to fix.

    A published activity may not share its room with another published one at the same time,
    and its places may not drop below the people already confirmed."""
    activity.title = " ".join((activity.title or "").split())
    if not activity.title:
        raise ServiceError("activity_title", _("Give the activity a title."), field="title")
    if len(activity.title) > 120:
        raise ServiceError("activity_title_long", _("Keep the title under 120 characters."), field="title")
    if activity.kind not in ActivityKind.values:
        raise ServiceError("activity_kind", _("Choose the kind of activity."), field="kind")
    if activity.audience not in Audience.values:
        raise ServiceError("activity_audience", _("Choose who the activity is open to."), field="audience")
    if activity.starts_at is None:
        raise ServiceError("activity_start", _("Give the start time."), field="starts_at")
    if activity.ends_at is None or activity.ends_at <= activity.starts_at:
        raise ServiceError("activity_times", _("The activity must end after it starts."), field="ends_at")
    if activity.ends_at - activity.starts_at > datetime.timedelta(days=31):
        raise ServiceError("activity_too_long", _("An activity lasts at most 31 days."), field="ends_at")
    activity.place = (activity.place or "").strip()
    if activity.room_id is None and not activity.place:
        raise ServiceError(
            "activity_where", _("Say where it is held: one of our rooms or an outside place."), field="place"
        )
    if activity.capacity is not None and not 1 <= activity.capacity <= 100000:
        raise ServiceError(
            "activity_capacity", _("Give from 1 to 100000 places, or leave it empty."), field="capacity"
        )
    if activity.signup_deadline is not None and activity.signup_deadline > activity.starts_at:
        raise ServiceError(
            "activity_deadline", _("Sign-up must close before the activity starts."), field="signup_deadline"
        )
    if activity.status == Activity.Status.PUBLISHED:
        _room_free(activity)
    if activity.pk and activity.capacity is not None:
        confirmed = _confirmed(activity)
        if activity.capacity < confirmed:
            raise Conflict(
                "activity_capacity_below_confirmed",
                _("%(n)s people are already confirmed: give at least that many places."),
                params={"n": confirmed},
                field="capacity",
            )


def _room_free(activity: Activity) -> None:
    if activity.room_id is None:
        return
    # Serialise publications in the same room: two overlapping ones cannot both pass the check.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7462, activity.room_id])
    clash = (
        Activity.objects.filter(
            room_id=activity.room_id,
            status=Activity.Status.PUBLISHED,
            starts_at__lt=activity.ends_at,
            ends_at__gt=activity.starts_at,
        )
        .exclude(pk=activity.pk)
        .order_by("starts_at")
        .first()
    )
    if clash is None:
        clash = _room_booked(activity)
    if clash is not None:
        raise Conflict(
            "activity_room_taken",
            _("The room is taken by “%(title)s” (%(start)s–%(end)s)."),
            params={"title": clash.title, "start": _when(clash.starts_at), "end": _when(clash.ends_at)},
            field="room",
        )


def _room_booked(activity: Activity):
    """A room booking or a group's regular meeting in the room at that time (room booking,
    ``tenants.rooms``, under the same advisory lock), else ``None``."""
    if activity.room is None:
        return None
    try:
        from tenants.rooms.selectors import room_busy
    except ImportError:  # room booking not installed
        return None
    others = [
        busy
        for busy in room_busy(room=activity.room, start=activity.starts_at, end=activity.ends_at)
        if busy.kind != "activity"  # activities were checked above (this one excluded)
    ]
    return others[0] if others else None


def _promote(activity: Activity) -> list[ActivitySignup]:
    """Fill free places from the waiting list, first come first served, and tell each person.
    The caller holds the activity's lock."""
    if activity.status != Activity.Status.PUBLISHED or activity.starts_at <= timezone.now():
        return []
    promoted: list[ActivitySignup] = []
    free = None if activity.capacity is None else activity.capacity - _confirmed(activity)
    waiting = ActivitySignup.objects.filter(activity=activity, status=ActivitySignup.Status.WAITING).order_by(
        "created_at", "pk"
    )
    for signup in waiting.select_related("user")[: free if free is not None else None]:
        signup.status = ActivitySignup.Status.CONFIRMED
        signup.save(update_fields=["status", "updated_at"])
        promoted.append(signup)
    if promoted:
        notify(
            recipients=[signup.user for signup in promoted],
            title=gettext("A place is free: you are now signed up for %(title)s") % {"title": activity.title},
            body=gettext(
                "It starts at %(start)s. If you cannot come, please cancel so the next person gets the place."
            )
            % {"start": _when(activity.starts_at)},
            url=_url(activity),
            channels=("site", "sms"),
        )
    return promoted


@transaction.atomic
def activity_save(*, activity: Activity, by) -> Activity:
    """Create or change an activity. For a published one, the people signed up are told when
    the time or place changes, and more places take people from the waiting list."""
    _staff(by)
    before = None
    if activity.pk:
        before = _locked(activity)
        activity.status = before.status  # the status changes only through publish/cancel
        if before.status == Activity.Status.CANCELLED:
            raise Conflict(
                "activity_cancelled", _("This activity is cancelled and can no longer be changed.")
            )
    else:
        activity.status = Activity.Status.DRAFT
        activity.organiser = activity.organiser or by
    activity_check(activity=activity)
    activity.save()
    if before is not None and before.status == Activity.Status.PUBLISHED:
        _city_calendar_tell(activity, was_open=before.audience != Audience.MEMBERS)
    if before is not None and activity.status == Activity.Status.PUBLISHED:
        moved = (before.starts_at, before.ends_at, before.room_id, before.place) != (
            activity.starts_at, activity.ends_at, activity.room_id, activity.place,
        )  # fmt: skip
        _promote(activity)
        if moved:
            people = [
                s.user
                for s in ActivitySignup.objects.filter(activity=activity, status__in=LIVE).select_related(
                    "user"
                )
            ]
            if people:
                notify(
                    recipients=people,
                    title=gettext("%(title)s has changed") % {"title": activity.title},
                    body=gettext("Now from %(start)s to %(end)s at %(place)s.")
                    % {
                        "start": _when(activity.starts_at),
                        "end": _when(activity.ends_at),
                        "place": activity_place(activity),
                    },
                    url=_url(activity),
                    channels=("site", "sms"),
                )
    return activity


def activity_place(activity: Activity) -> str:
    return activity.room.title if activity.room_id and activity.room else activity.place


def _city_calendar_tell(activity: Activity, *, was_open: bool) -> None:
    """Keep the city calendar (全市活动日历) in step: an activity open beyond this union's members
    is listed there while it is published, with what anyone may read about it (title, kind,
    times, place, places, its page here) and nothing about who signed up."""
    is_open = activity.status == Activity.Status.PUBLISHED and activity.audience != Audience.MEMBERS
    if is_open:
        event_emit(
            name="activity.listed",
            payload={
                "activity_id": activity.pk, "title": activity.title, "kind": activity.kind,
                "audience": activity.audience, "starts_at": activity.starts_at.isoformat(),
                "ends_at": activity.ends_at.isoformat(), "place": activity_place(activity),
                "capacity": activity.capacity, "path": _url(activity),
            },
        )  # fmt: skip
    elif was_open:
        event_emit(name="activity.unlisted", payload={"activity_id": activity.pk})


@transaction.atomic
def activity_publish(*, activity: Activity, by) -> Activity:
    """Put a draft on the site, open for sign-up."""
    _staff(by)
    activity = _locked(activity)
    if activity.status != Activity.Status.DRAFT:
        raise Conflict("activity_not_draft", _("Only a draft can be published."))
    if activity.ends_at <= timezone.now():
        raise ServiceError("activity_past", _("This activity has already ended."), field="ends_at")
    activity.status = Activity.Status.PUBLISHED
    activity_check(activity=activity)
    activity.save(update_fields=["status", "updated_at"])
    event_emit(
        name="activity.published",
        payload={
            "activity_id": activity.pk, "kind": activity.kind, "audience": activity.audience,
            "capacity": activity.capacity, "starts_on": timezone.localtime(activity.starts_at).date().isoformat(),
        },
    )  # fmt: skip
    _city_calendar_tell(activity, was_open=False)
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, reason: str, by) -> Activity:
    """Call an activity off; everyone signed up or waiting is told, with the reason."""
    _staff(by)
    activity = _locked(activity)
    reason = " ".join((reason or "").split())
    if activity.status == Activity.Status.CANCELLED:
        raise Conflict("activity_cancelled", _("This activity is already cancelled."))
    if activity.ends_at <= timezone.now():
        raise ServiceError("activity_past", _("This activity has already ended."))
    if not reason:
        raise ServiceError(
            "activity_cancel_reason", _("Give the reason, for the people who signed up."), field="reason"
        )
    was_published = activity.status == Activity.Status.PUBLISHED
    activity.status = Activity.Status.CANCELLED
    activity.cancel_reason = reason[:200]
    activity.save(update_fields=["status", "cancel_reason", "updated_at"])
    people = [
        s.user
        for s in ActivitySignup.objects.filter(activity=activity, status__in=LIVE).select_related("user")
    ]
    if people:
        notify(
            recipients=people,
            title=gettext("%(title)s on %(start)s is cancelled")
            % {"title": activity.title, "start": _when(activity.starts_at)},
            body=gettext("Reason: %(reason)s. We are sorry for the trouble.") % {"reason": reason},
            url=_url(activity),
            channels=("site", "sms"),
        )
    if was_published:
        event_emit(
            name="activity.cancelled",
            payload={"activity_id": activity.pk, "kind": activity.kind, "signups": len(people)},
        )
        _city_calendar_tell(activity, was_open=activity.audience != Audience.MEMBERS)
    return activity


# --- Sign-ups -----------------------------------------------------------------------------------


def audience_refusal(activity: Activity) -> ServiceError:
    if activity.audience == Audience.MEMBERS:
        message = _("This activity is for members of this union only.")
    elif activity.audience == Audience.SISTER_UNIONS:
        message = _("This activity is open to union members only.")
    else:
        message = _("You cannot sign up for this activity.")
    return ServiceError("signup_audience", message, status=403)


@transaction.atomic
def activity_signup(*, activity: Activity, user) -> ActivitySignup:
    """Sign ``user`` up: a confirmed place while there are places, else the waiting list.

    Refused: not signed in, a draft or cancelled activity, one that needs no sign-up, after the
    deadline or the start, someone the activity is not open to, and signing up twice. The
    activity's row is locked while its places are counted."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError("signup_sign_in", _("Sign in to sign up."), status=401)
    activity = _locked(activity)
    if activity.status == Activity.Status.CANCELLED:
        raise Conflict("activity_cancelled", _("This activity is cancelled."))
    if activity.status != Activity.Status.PUBLISHED:
        raise ServiceError("signup_not_open", _("Sign-up for this activity is not open."), status=404)
    if not activity.signup_required:
        raise ServiceError("signup_not_needed", _("No sign-up is needed for this activity: just come along."))
    now = timezone.now()
    if activity.starts_at <= now:
        raise ServiceError("signup_started", _("This activity has already started; sign-up is closed."))
    if activity.signup_deadline is not None and activity.signup_deadline <= now:
        raise ServiceError(
            "signup_deadline_passed", _("Sign-up closed at %(deadline)s."),
            params={"deadline": _when(activity.signup_deadline)},
        )  # fmt: skip
    if not audience_admits(activity.audience, user):
        raise audience_refusal(activity)
    existing = ActivitySignup.objects.filter(activity=activity, user=user, status__in=LIVE).first()
    if existing is not None:
        raise _twice(existing)
    full = activity.capacity is not None and _confirmed(activity) >= activity.capacity
    status = ActivitySignup.Status.WAITING if full else ActivitySignup.Status.CONFIRMED
    try:
        with transaction.atomic():
            return ActivitySignup.objects.create(activity=activity, user=user, status=status)
    except IntegrityError as error:  # the constraint behind the check above
        raise Conflict("signup_twice", _("You have already signed up for this activity.")) from error


def _twice(signup: ActivitySignup) -> Conflict:
    if signup.status == ActivitySignup.Status.WAITING:
        return Conflict("signup_twice", _("You are already on the waiting list for this activity."))
    return Conflict("signup_twice", _("You have already signed up for this activity."))


@transaction.atomic
def activity_signup_cancel(*, signup: ActivitySignup, by) -> ActivitySignup:
    """Give a place back (or leave the waiting list): the person their own before the start,
    staff any (and the person is told). A freed place goes to the first person waiting."""
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    activity = _locked(signup.activity)
    signup = ActivitySignup.objects.select_for_update().select_related("user").get(pk=signup.pk)
    own = signed_in and signup.user_id == by.pk
    staff = signed_in and not own and manages_activities(by)
    if not (own or staff):
        raise ServiceError("signup_not_yours", _("You can only cancel your own sign-up."), status=403)
    if signup.status not in LIVE:
        raise Conflict("signup_not_active", _("This sign-up is already cancelled."))
    if own and activity.starts_at <= timezone.now():
        raise ServiceError("signup_started", _("This activity has already started; sign-up is closed."))
    was_confirmed = signup.status == ActivitySignup.Status.CONFIRMED
    signup.status = ActivitySignup.Status.CANCELLED
    signup.save(update_fields=["status", "updated_at"])
    if staff:
        notify(
            recipients=[signup.user],
            title=gettext("Your sign-up for %(title)s was cancelled by the union")
            % {"title": activity.title},
            url=_url(activity),
            channels=("site", "sms"),
        )
    if was_confirmed:
        _promote(activity)
    return signup


# --- Check-in and attendance --------------------------------------------------------------------


@transaction.atomic
def activity_check_in(*, activity: Activity, token: str, user) -> tuple[ActivitySignup, bool]:
    """A signed-in worker scanned the activity's QR code: mark them as come.

    A confirmed person is marked attended. Someone not signed up (or waiting) is added as a
    walk-in while there are places and the activity is open to them. Returns the sign-up and
    whether this scan checked them in (``False``: already checked in)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError("check_in_sign_in", _("Sign in to check in."), status=401)
    activity = _locked(activity)
    if not secrets.compare_digest(activity.check_in_token, token or ""):
        raise ServiceError("check_in_token", _("This check-in code is not for this activity."), status=404)
    if not check_in_open(activity):
        raise ServiceError(
            "check_in_closed", _("Check-in opens an hour before the activity starts and closes when it ends.")
        )
    now = timezone.now()
    signup = (
        ActivitySignup.objects.select_for_update()
        .filter(activity=activity, user=user, status__in=LIVE)
        .first()
    )
    if signup is not None and signup.status == ActivitySignup.Status.CONFIRMED:
        if signup.attended_at is not None:
            return signup, False
        signup.attended_at = now
        signup.save(update_fields=["attended_at", "updated_at"])
        return signup, True
    if not audience_admits(activity.audience, user):
        raise audience_refusal(activity)
    if activity.capacity is not None and _confirmed(activity) >= activity.capacity:
        raise Conflict("check_in_full", _("The activity is full; please ask the staff at the door."))
    if signup is not None:  # waiting, and a place is free at the door
        signup.status, signup.attended_at = ActivitySignup.Status.CONFIRMED, now
        signup.save(update_fields=["status", "attended_at", "updated_at"])
        return signup, True
    signup = ActivitySignup.objects.create(
        activity=activity, user=user, status=ActivitySignup.Status.CONFIRMED, attended_at=now, walk_in=True
    )
    return signup, True


@transaction.atomic
def activity_attendance_mark(*, signup: ActivitySignup, attended: bool, by) -> ActivitySignup:
    """Staff tick someone as come (or take it back) on the attendance list."""
    _staff(by)
    activity = _locked(signup.activity)
    signup = ActivitySignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status != ActivitySignup.Status.CONFIRMED:
        raise Conflict("attendance_not_confirmed", _("Only confirmed people can be marked as come."))
    if activity.starts_at - datetime.timedelta(hours=1) > timezone.now():
        raise ServiceError("attendance_early", _("The activity has not started yet."))
    signup.attended_at = (signup.attended_at or timezone.now()) if attended else None
    signup.save(update_fields=["attended_at", "updated_at"])
    return signup


# --- Afterwards: ratings, summary, photos -------------------------------------------------------


@transaction.atomic
def activity_rate(*, activity: Activity, user, rating, comment: str = "") -> ActivitySignup:
    """A person who came rates the activity (1–5) once it has ended, once."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ServiceError("rating_sign_in", _("Sign in to rate the activity."), status=401)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ServiceError("rating_range", _("Give a rating from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ServiceError(
            "rating_comment_long", _("Keep the comment under %(n)s characters."), params={"n": MAX_COMMENT},
            field="comment",
        )  # fmt: skip
    signup = (
        ActivitySignup.objects.select_for_update()
        .select_related("activity")
        .filter(activity=activity, user=user, attended_at__isnull=False)
        .first()
    )
    if signup is None:
        raise ServiceError(
            "rating_not_attended", _("Only people who came can rate the activity."), status=403
        )
    if signup.activity.ends_at > timezone.now():
        raise ServiceError("rating_too_early", _("You can rate the activity once it has ended."))
    if signup.rating is not None:
        raise Conflict("rating_twice", _("You have already rated this activity."))
    signup.rating, signup.comment = rating, comment
    signup.save(update_fields=["rating", "comment", "updated_at"])
    return signup


@transaction.atomic
def activity_summary_save(*, activity: Activity, summary: str, by) -> Activity:
    """The summary afterwards: how it went, shown on the activity's page."""
    _staff(by)
    activity = _locked(activity)
    summary = (summary or "").strip()
    if activity.status != Activity.Status.PUBLISHED or activity.ends_at > timezone.now():
        raise ServiceError("summary_too_early", _("A summary can be written once the activity has ended."))
    if len(summary) > MAX_SUMMARY:
        raise ServiceError(
            "summary_long",
            _("Keep the summary under %(n)s characters."),
            params={"n": MAX_SUMMARY},
            field="summary",
        )
    activity.summary = summary
    activity.save(update_fields=["summary", "updated_at"])
    return activity


def photo_check(upload) -> None:
    """Refuse anything but a JPEG or PNG photo of at most 10 MB that Pillow can read."""
    if upload is None:
        raise ServiceError("photo_missing", _("Choose a photo."), field="image")
    if upload.size > MAX_PHOTO_BYTES:
        raise ServiceError(
            "photo_too_large", _("The photo is larger than %(limit)s MB."),
            params={"limit": MAX_PHOTO_BYTES // (1024 * 1024)}, field="image",
        )  # fmt: skip
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if extension not in PHOTO_EXTENSIONS:
        raise ServiceError("photo_type", _("Upload a JPG or PNG photo."), field="image")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(PHOTO_EXTENSIONS[extension]):
        raise ServiceError(
            "photo_content", _("This file is not a photo of the kind its name says."), field="image"
        )
    from PIL import Image as PILImage

    try:
        with PILImage.open(upload) as picture:
            picture.verify()
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise ServiceError(
            "photo_content", _("This file is not a photo of the kind its name says."), field="image"
        ) from error
    finally:
        upload.seek(0)


@transaction.atomic
def activity_photo_add(*, activity: Activity, upload, caption: str = "", by) -> ActivityPhoto:
    """Add a photo (stored as a Wagtail image of this union) once the activity has started."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    _staff(by)
    activity = _locked(activity)
    if activity.status != Activity.Status.PUBLISHED or activity.starts_at > timezone.now():
        raise ServiceError("photo_too_early", _("Photos can be added once the activity has started."))
    photo_check(upload)
    caption = (caption or "").strip()[:100]
    order = ActivityPhoto.objects.filter(activity=activity).count()
    image_model = get_image_model()
    image = image_model(title=f"{activity.title} {order + 1}"[:255], uploaded_by_user=by)
    name = f"activity-{activity.pk}-{order + 1}{os.path.splitext(upload.name)[1].lower()}"
    image.file.save(name, ImageFile(upload, name=name), save=False)
    image.save()
    return ActivityPhoto.objects.create(activity=activity, image=image, caption=caption, sort_order=order)


@transaction.atomic
def activity_photo_remove(*, photo: ActivityPhoto, by) -> None:
    _staff(by)
    image = photo.image
    photo.delete()
    image.delete()


# --- Federation facts ---------------------------------------------------------------------------


@transaction.atomic
def activity_signups_count(*, activity: Activity) -> bool:
    """Once sign-up has closed (the activity started): emit the sign-up counts, once."""
    activity = _locked(activity)
    if activity.signups_counted_at is not None or activity.status != Activity.Status.PUBLISHED:
        return False
    if activity.starts_at > timezone.now():
        return False
    counts = _counts(activity)
    activity.signups_counted_at = timezone.now()
    activity.save(update_fields=["signups_counted_at"])
    event_emit(
        name="activity.signups_counted",
        payload={
            "activity_id": activity.pk, "kind": activity.kind, "audience": activity.audience,
            "capacity": activity.capacity, "confirmed": counts["confirmed"], "waiting": counts["waiting"],
            "cancelled": counts["cancelled"],
        },
        at=activity.starts_at,
    )  # fmt: skip
    return True


@transaction.atomic
def activity_held_mark(*, activity: Activity) -> bool:
    """Once a published activity has ended: mark it held and emit the counted facts, once."""
    activity = _locked(activity)
    if activity.held_at is not None or activity.status != Activity.Status.PUBLISHED:
        return False
    if activity.ends_at > timezone.now():
        return False
    counts = _counts(activity)
    activity.held_at = timezone.now()
    activity.save(update_fields=["held_at"])
    event_emit(
        name="activity.held",
        payload={
            "activity_id": activity.pk, "kind": activity.kind, "audience": activity.audience,
            "participants": counts["confirmed"], "attended": counts["attended"], "walk_ins": counts["walk_ins"],
            "starts_on": timezone.localtime(activity.starts_at).date().isoformat(),
        },
        at=activity.ends_at,
    )  # fmt: skip
    return True


def _counts(activity: Activity) -> dict[str, int]:
    from .selectors import activity_counts

    counts = activity_counts(activity)
    counts["walk_ins"] = ActivitySignup.objects.filter(activity=activity, walk_in=True).count()
    return counts


def activities_close_and_mark_held() -> int:
    """The periodic sweep in one union: count the sign-ups of activities that started, mark the
    ended ones held. Idempotent: each activity's events are emitted once."""
    done = 0
    for activity in activities_to_count().only("pk"):
        done += activity_signups_count(activity=activity)
    for activity in activities_to_mark_held().only("pk"):
        done += activity_held_mark(activity=activity)
    return done


# --- Workers of other unions --------------------------------------------------------------------


@transaction.atomic
def activity_visitor_user(*, account, activity: Activity):
    """The local user a person signs in as to sign up for ``activity``: their own where they
    already have one (or belong here), else a new one with the ``visitor`` role, if the
    activity is open to them. Call only after the account's password was checked."""
    from accounts.services import local_user_for_account
    from tenants.users.roles import VISITOR

    from .permissions import account_admitted

    user = local_user_for_account(account=account, create=True)
    if user is None:
        activity = Activity.objects.get(pk=activity.pk)
        if activity.status != Activity.Status.PUBLISHED or not account_admitted(activity.audience, account):
            raise audience_refusal(activity)
        user = local_user_for_account(account=account, create=True, roles=(VISITOR,))
    if user is None or not user.is_active:
        raise ServiceError(
            "visitor_disabled", _("This account is disabled on this union's site."), status=403
        )
    return user
