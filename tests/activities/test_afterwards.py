"""Check-in by QR code, attendance, ratings, the summary and photos afterwards, and the
federation's counted facts (sign-ups counted, activity held) emitted once by the periodic task."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from tenants.activities.models import ActivityPhoto, ActivitySignup
from tenants.activities.services import (
    activity_attendance_mark,
    activity_check_in,
    activity_photo_add,
    activity_rate,
    activity_signup,
    activity_summary_save,
)
from tenants.activities.tasks import activities_mark_held
from tenants.events.models import OutboxEvent
from tests.activities.conftest import move
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def refused(code: str, call, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.code
    return error.value


def test_check_in_marks_the_signed_up_and_adds_walk_ins_while_places_last(union_a, people, basketball):
    with tenant_context(union_a):
        signup = activity_signup(activity=basketball, user=people["worker"][1])
        token = basketball.check_in_token
        # Before check-in opens (an hour before the start) scanning is refused
        refused(
            "check_in_closed", activity_check_in, activity=basketball, token=token, user=people["worker"][1]
        )
        basketball = move(basketball, starts_at=timezone.now() + datetime.timedelta(minutes=30))
        # A wrong code is refused
        refused(
            "check_in_token", activity_check_in, activity=basketball, token="x" * 22, user=people["worker"][1]
        )
        # The signed-up person is marked as come; scanning again changes nothing
        checked, new = activity_check_in(activity=basketball, token=token, user=people["worker"][1])
        assert new and checked.pk == signup.pk and checked.attended_at is not None
        again, new = activity_check_in(activity=basketball, token=token, user=people["worker"][1])
        assert not new and again.attended_at == checked.attended_at
        # Someone who did not sign up is added as a walk-in while a place is free
        walk_in, _ = activity_check_in(activity=basketball, token=token, user=people["other"][1])
        assert walk_in.walk_in and walk_in.status == "confirmed" and walk_in.attended_at
        # When full, the next one is sent to the staff at the door
        error = refused(
            "check_in_full", activity_check_in, activity=basketball, token=token, user=people["third"][1]
        )
        assert error.status == 409
        assert ActivitySignup.objects.filter(activity=basketball).count() == 2


def test_only_people_who_came_rate_and_only_after_the_end(union_a, people, basketball):
    with tenant_context(union_a):
        came = activity_signup(activity=basketball, user=people["worker"][1])
        activity_signup(activity=basketball, user=people["other"][1])
        basketball = move(basketball, starts_at=timezone.now() - datetime.timedelta(minutes=30))
        activity_attendance_mark(signup=came, attended=True, by=people["officer"][1])
        refused("rating_too_early", activity_rate, activity=basketball, user=people["worker"][1], rating=5)
        basketball = move(basketball, starts_at=timezone.now() - datetime.timedelta(hours=3))
        refused("rating_not_attended", activity_rate, activity=basketball, user=people["other"][1], rating=5)
        refused("rating_range", activity_rate, activity=basketball, user=people["worker"][1], rating=6)
        refused("rating_range", activity_rate, activity=basketball, user=people["worker"][1], rating="很好")
        rated = activity_rate(activity=basketball, user=people["worker"][1], rating=4, comment="组织得很好")
        assert (rated.rating, rated.comment) == (4, "组织得很好")
        refused("rating_twice", activity_rate, activity=basketball, user=people["worker"][1], rating=1)


def test_summary_and_photos_come_afterwards_and_uploads_are_checked(union_a, people, basketball, media_root):
    chairman = people["chairman"][1]
    with tenant_context(union_a):
        upload = SimpleUploadedFile("match.png", png(), content_type="image/png")
        refused("photo_too_early", activity_photo_add, activity=basketball, upload=upload, by=chairman)
        refused("summary_too_early", activity_summary_save, activity=basketball, summary="很好", by=chairman)
        basketball = move(basketball, starts_at=timezone.now() - datetime.timedelta(hours=3))
        # Not an image, a script named .png, a too-large file: refused, nothing stored
        fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
        refused("photo_content", activity_photo_add, activity=basketball, upload=fake, by=chairman)
        pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
        refused("photo_type", activity_photo_add, activity=basketball, upload=pdf, by=chairman)
        big = SimpleUploadedFile(
            "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), content_type="image/png"
        )
        refused("photo_too_large", activity_photo_add, activity=basketball, upload=big, by=chairman)
        refused(
            "activity_staff_only",
            activity_photo_add,
            activity=basketball,
            upload=upload,
            by=people["worker"][1],
        )
        assert not ActivityPhoto.objects.exists()
        photo = activity_photo_add(
            activity=basketball, upload=SimpleUploadedFile("match.png", png(), content_type="image/png"),
            caption="冠军合影", by=chairman,
        )  # fmt: skip
        assert photo.image.width == 40 and photo.caption == "冠军合影"
        activity_summary_save(activity=basketball, summary="共12支队伍参赛，气氛热烈。", by=chairman)
        basketball.refresh_from_db()
        assert basketball.summary.startswith("共12支队伍")


def test_the_periodic_task_counts_sign_ups_and_marks_activities_held_once(union_a, people, basketball):
    with tenant_context(union_a):
        first = activity_signup(activity=basketball, user=people["worker"][1])
        activity_signup(activity=basketball, user=people["other"][1])
        activity_signup(activity=basketball, user=people["third"][1])  # waiting
        # Nothing to do before it starts
        assert activities_mark_held() == 0
        basketball = move(basketball, starts_at=timezone.now() - datetime.timedelta(minutes=10))
        activity_check_in(activity=basketball, token=basketball.check_in_token, user=people["worker"][1])
        assert activities_mark_held() == 1  # sign-ups counted, not held yet
        basketball = move(basketball, starts_at=timezone.now() - datetime.timedelta(hours=3))
        assert activities_mark_held() == 1
        # Run again: nothing more is emitted
        assert activities_mark_held() == 0
        events = {e.name: e.payload for e in OutboxEvent.objects.filter(name__startswith="activity.")}
        assert events["activity.published"]["kind"] == "sports"
        counted = events["activity.signups_counted"]
        assert (counted["confirmed"], counted["waiting"], counted["cancelled"]) == (2, 1, 0)
        held = events["activity.held"]
        assert (held["participants"], held["attended"], held["walk_ins"]) == (2, 1, 0)
        assert OutboxEvent.objects.filter(name="activity.held").count() == 1
        # Counted facts only: no names, numbers or user ids anywhere in the payloads
        text = str(
            list(OutboxEvent.objects.filter(name__startswith="activity.").values_list("payload", flat=True))
        )
        for person in ("worker", "other", "third"):
            account, user = people[person]
            assert account.mobile not in text and user.name not in text
        basketball.refresh_from_db()
        assert basketball.held_at is not None
        assert first.pk  # the sign-ups stay as they were
