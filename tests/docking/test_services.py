"""Publishing, asking, deciding, cancelling and completing bookings of shared resources; every
refusal with its code; notifications to the other side; usage counts."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts import sms
from docking.models import BookingRequest, SharedResource
from docking.search import resource_document
from docking.selectors import Party, docking_counts, resources_catalogue
from docking.services import (
    booking_cancel,
    booking_complete,
    booking_decide,
    resource_create,
    resource_unpublish,
    resource_update,
)
from tenants.notifications.models import Notification
from workershome.errors import ServiceError

from .conftest import ask, publish, soon

pytestmark = pytest.mark.django_db


def test_a_union_publishes_another_books_the_publisher_approves_and_both_are_told(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    """Given 星河's published meeting room, 恒通's chairman asks for it: 星河's chairman and officer
    are notified (in-site and SMS), not its plain member; 星河 approves with a reply and 恒通's
    chairman is told; once used it is completed and counted for both unions."""
    assert (
        room.is_published and room.district_id == union_a.district_id and room.street_id == union_a.street_id
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = ask(union_b, people["b_chair"].user, room)
    assert booking.status == "requested" and booking.requester_union == union_b
    with tenant_context(union_a):
        told = set(
            Notification.objects.filter(title__contains="星河会议室").values_list(
                "recipient__username", flat=True
            )
        )
        assert {people["a_chair"].account.mobile, people["a_officer"].account.mobile} <= told
        assert people["a_member"].account.mobile not in told
        assert Notification.objects.filter(title__startswith="预约申请").exists()
    assert any(m.mobile == people["a_chair"].account.mobile and "星河会议室" in m.text for m in sms.outbox)

    with django_capture_on_commit_callbacks(execute=True), tenant_context(union_a):
        decided = booking_decide(
            booking=booking, approve=True, reply="欢迎，请提前到场。", by=people["a_chair"].user
        )
    assert decided.status == "approved" and decided.decided_by_name == "星河主席"
    with tenant_context(union_b):
        note = Notification.objects.get(recipient=people["b_chair"].user, title__startswith="预约已批准")
        assert note.body == "欢迎，请提前到场。"

    # The same status is never told twice (a repeated task)
    from docking.services import booking_tell

    with tenant_context(union_b):
        assert booking_tell(booking_id=booking.pk, side="requester") is False
        assert (
            Notification.objects.filter(
                recipient=people["b_chair"].user, title__startswith="预约已批准"
            ).count()
            == 1
        )

    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        booking_complete(booking=decided, by=people["a_chair"].user)
    assert error.value.code == "booking_not_started"
    BookingRequest.objects.filter(pk=booking.pk).update(starts_at=soon(-1, 9), ends_at=soon(-1, 11))
    with django_capture_on_commit_callbacks(execute=True), tenant_context(union_a):
        done = booking_complete(booking=BookingRequest.objects.get(pk=booking.pk), by=people["a_chair"].user)
    assert done.status == "completed"
    with tenant_context(union_b):
        from tenants.events.models import OutboxEvent

        events = {e.name: e.payload for e in OutboxEvent.objects.filter(name__startswith="docking.")}
    assert set(events) == {"docking.booking_approved", "docking.booking_used"}
    assert events["docking.booking_used"] == {
        "booking": booking.pk, "resource_kind": "room", "headcount": 20, "hours": 2.0, "from": "union",
        "publisher_district": union_a.district_id,
    }  # fmt: skip
    counts = docking_counts()
    assert counts[union_b.pk] == {"booked": 1, "hosted": 0} and counts[union_a.pk] == {
        "booked": 0,
        "hosted": 1,
    }


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (dict(starts_at=soon(-1, 9), ends_at=soon(-1, 11)), "booking_past"),
        (dict(starts_at=soon(3, 11), ends_at=soon(3, 11)), "booking_times"),
        (dict(starts_at=soon(3, 11), ends_at=soon(3, 9)), "booking_times"),
        (dict(headcount=31), "booking_capacity"),
        (dict(headcount=0), "booking_headcount"),
        (dict(purpose=" "), "booking_purpose"),
        (dict(requester_phone=""), "booking_phone"),
    ],
)
def test_bad_requests_are_refused_in_chinese_and_nothing_is_saved(union_b, people, room, change, code):
    with pytest.raises(ServiceError) as error:
        ask(union_b, people["b_chair"].user, room, **change)
    assert error.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value.message))  # the message is Chinese
    assert not BookingRequest.objects.exists()


def test_unpublished_and_own_resources_cannot_be_booked(union_a, union_b, people, room):
    with pytest.raises(ServiceError) as error:
        ask(union_a, people["a_chair"].user, room)
    assert error.value.code == "booking_own_resource" and "自己" in str(error.value.message)
    with tenant_context(union_a):
        resource_unpublish(resource=room, by=people["a_chair"].user)
    with pytest.raises(ServiceError) as error:
        ask(union_b, people["b_chair"].user, room)
    assert error.value.code == "resource_unpublished" and "未发布" in str(error.value.message)
    assert not resources_catalogue().filter(pk=room.pk).exists()
    assert resource_document(room) is None


def test_a_plain_member_cannot_publish_or_book(union_a, union_b, people, room):
    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        resource_create(party=Party(union=union_a), by=people["a_member"].user, kind="room", title="x",
                        address="y", contact="z")  # fmt: skip
    assert error.value.status == 404
    with pytest.raises(ServiceError) as error:
        ask(union_b, people["b_member"].user, room)
    assert error.value.status == 403


def test_union_b_cannot_decide_change_or_complete_union_a_s_bookings(union_a, union_b, people, room):
    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_b):
        for attempt in (
            lambda: booking_decide(booking=booking, approve=True, by=people["b_chair"].user),
            lambda: booking_complete(booking=booking, by=people["b_chair"].user),
            lambda: resource_update(
                resource=room, by=people["b_chair"].user, kind="room", title="改名", address="x", contact="y"
            ),
            lambda: resource_unpublish(resource=room, by=people["b_chair"].user),
        ):
            with pytest.raises(ServiceError) as error:
                attempt()
            assert error.value.status == 404
    # Nor does union A's chairman decide it from B's site (the tenant decides who acts)
    with tenant_context(union_b), pytest.raises(ServiceError):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
    # and A cannot cancel B's request
    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        booking_cancel(booking=booking, by=people["a_chair"].user)
    assert error.value.status == 404
    assert BookingRequest.objects.get(pk=booking.pk).status == "requested"


def test_declining_needs_a_reply_and_a_request_is_decided_once(union_a, union_b, people, room):
    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_a):
        with pytest.raises(ServiceError) as error:
            booking_decide(booking=booking, approve=False, reply=" ", by=people["a_chair"].user)
        assert error.value.code == "booking_reply"
        booking_decide(
            booking=booking, approve=False, reply="当天已安排内部会议。", by=people["a_officer"].user
        )
        with pytest.raises(ServiceError) as error:
            booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
        assert error.value.code == "booking_decided" and error.value.status == 409


def test_overlapping_approvals_are_refused_and_back_to_back_is_fine(union_a, union_b, people, room):
    first = ask(union_b, people["b_chair"].user, room, starts_at=soon(4, 9), ends_at=soon(4, 11))
    second = ask(union_b, people["b_chair"].user, room, starts_at=soon(4, 10), ends_at=soon(4, 12))
    after = ask(union_b, people["b_chair"].user, room, starts_at=soon(4, 11), ends_at=soon(4, 12))
    with tenant_context(union_a):
        booking_decide(booking=first, approve=True, by=people["a_chair"].user)
        with pytest.raises(ServiceError) as error:
            booking_decide(booking=second, approve=True, by=people["a_chair"].user)
        assert error.value.code == "booking_overlap" and error.value.status == 409
        assert "已被预约" in str(error.value.message)
        booking_decide(booking=after, approve=True, by=people["a_chair"].user)
    # A new request over an approved time is refused at once
    with pytest.raises(ServiceError) as error:
        ask(union_b, people["b_chair"].user, room, starts_at=soon(4, 10, 30), ends_at=soon(4, 10, 45))
    assert error.value.code == "booking_overlap"
    # The database refuses it too, whatever path the rows take
    row = dict(resource=room, requester_union=union_b, requester_name="x", requester_phone="1", purpose="绕过",
               headcount=1, exclusive=True, decided_at=timezone.now())  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingRequest.objects.create(starts_at=soon(4, 10), ends_at=soon(4, 13), status="approved", **row)
    # A non-exclusive resource (a book collection) may be booked by several at once
    books = publish(union_a, people["a_chair"].user, kind="books", title="流动图书箱", capacity=200, exclusive=False,
                    requires_approval=False)  # fmt: skip
    one = ask(union_b, people["b_chair"].user, books, starts_at=soon(5, 9), ends_at=soon(5, 12))
    two = ask(union_b, people["b_chair"].user, books, starts_at=soon(5, 10), ends_at=soon(5, 11))
    assert one.status == two.status == "approved"


def test_the_requester_cancels_before_the_start_and_the_publisher_is_told(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_a):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(union_b):
        cancelled = booking_cancel(booking=booking, by=people["b_chair"].user)
    assert cancelled.status == "cancelled"
    with tenant_context(union_a):
        assert Notification.objects.filter(
            recipient=people["a_chair"].user, title__startswith="预约已取消"
        ).exists()
    with tenant_context(union_b), pytest.raises(ServiceError) as error:
        booking_cancel(booking=booking, by=people["b_chair"].user)
    assert error.value.code == "booking_closed"


def test_a_station_publishes_a_union_books_and_the_station_staff_decide(
    union_a, union_b, people, stations, portal_people, django_capture_on_commit_callbacks
):
    """Station staff act for their station on the portal; they are told by SMS (the portal has no
    in-site notifications); another street's staff cannot decide."""
    staff = portal_people["wangjing"]
    lawyer = resource_create(party=Party(station=stations["wangjing"]), by=staff.user, kind="lawyer",
                             title="法律援助律师 王律师", address="朝阳区阜通东大街6号", contact="周站长 010-84701234",
                             publish=True)  # fmt: skip
    assert lawyer.district.code == "110105" and lawyer.street.code == "110105010"
    with pytest.raises(ServiceError) as error:
        resource_create(party=Party(station=stations["wangjing"]), by=portal_people["zhongguancun"].user,
                        kind="room", title="x", address="y", contact="z")  # fmt: skip
    assert error.value.status == 404
    with django_capture_on_commit_callbacks(execute=True):
        booking = ask(union_b, people["b_chair"].user, lawyer, headcount=1)
    assert [m.mobile for m in sms.outbox if "王律师" in m.text] == [staff.account.mobile]
    with pytest.raises(ServiceError) as error:
        booking_decide(booking=booking, approve=True, by=portal_people["zhongguancun"].user)
    assert error.value.status == 404
    with pytest.raises(ServiceError):
        booking_decide(
            booking=booking, approve=True, by=portal_people["chaoyang"].user
        )  # oversees, does not decide
    with django_capture_on_commit_callbacks(execute=True):
        booking_decide(booking=booking, approve=True, reply="周二下午在服务站见。", by=staff.user)
    with tenant_context(union_b):
        assert Notification.objects.filter(
            recipient=people["b_chair"].user, body="周二下午在服务站见。"
        ).exists()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_photos_are_checked_for_type_content_and_size(union_a, people, media_root, room, settings):
    def update(photo):
        with tenant_context(union_a):
            return resource_update(resource=room, by=people["a_chair"].user, kind="room", title=room.title,
                                   address=room.address, contact=room.contact, capacity=30, photo=photo)  # fmt: skip

    for upload, code in (
        (SimpleUploadedFile("a.gif", b"GIF89a...."), "resource_photo_type"),
        (SimpleUploadedFile("a.png", b"%PDF-1.4 not an image"), "resource_photo_content"),
        (SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024)), "resource_photo_too_large"),
    ):
        with pytest.raises(ServiceError) as error:
            update(upload)
        assert error.value.code == code
    assert not SharedResource.objects.get(pk=room.pk).photo
    saved = update(SimpleUploadedFile("会议室.png", _png()))
    assert saved.photo.name.startswith("docking/photos/") and (media_root / saved.photo.name).exists()


def test_the_search_document_holds_the_resource_s_own_text_only(union_b, people, room):
    booking = ask(union_b, people["b_chair"].user, room)
    document = resource_document(room)
    assert document is not None and document.title == "星河会议室" and "30人会议室" in document.body
    text = " ".join([document.title, document.body, document.url, *document.keywords])
    assert booking.requester_phone not in text and booking.requester_name not in text
    assert "会议室或活动室" in document.keywords or "Meeting or activity room" in document.keywords


def test_a_task_told_in_the_wrong_schema_refuses(union_a, union_b, people, room):
    from docking.services import booking_tell

    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_b), pytest.raises(RuntimeError):
        booking_tell(booking_id=booking.pk, side="publisher")  # the publisher is union A
    assert BookingRequest.objects.get(pk=booking.pk).told_publisher == ""


def test_the_sweep_repeats_a_lost_notice_once(union_a, union_b, people, room):
    """The request's task was lost (no on-commit callbacks ran): the sweep tells 星河 in its own
    schema; a second sweep finds nothing more to tell."""
    from docking.services import bookings_tell_sweep

    booking = ask(union_b, people["b_chair"].user, room)
    with tenant_context(union_a):
        assert not Notification.objects.filter(title__contains="星河会议室").exists()
    assert bookings_tell_sweep() == 1
    with tenant_context(union_a):
        assert Notification.objects.filter(
            recipient=people["a_chair"].user, title__startswith="预约申请"
        ).exists()
    with tenant_context(union_a):
        booking_decide(booking=booking, approve=True, by=people["a_chair"].user)
    assert bookings_tell_sweep() == 1  # the requester's notice
    assert bookings_tell_sweep() == 0
    with tenant_context(union_b):
        assert Notification.objects.filter(
            recipient=people["b_chair"].user, title__startswith="预约已批准"
        ).exists()
