"""A request still awaiting approval when its time begins can never be approved sensibly: the
15-minute sweep closes it as lapsed (过期未审批), tells both sides once, and a decision on it
is refused with a clear message; the pages and the API show the status."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from docking.models import BookingRequest
from docking.selectors import Party
from docking.services import (
    booking_decide,
    booking_request,
    booking_tell,
    bookings_expire_lapsed,
    bookings_tell_sweep,
    resource_create,
)
from docking.tasks import bookings_tell_sweep_task
from portal_notifications.models import PortalNotification
from tenants.notifications.models import Notification
from workershome.errors import ServiceError

from .conftest import ask, signed_in, soon

pytestmark = pytest.mark.django_db


def lapse(booking: BookingRequest, *, days: int = -1) -> BookingRequest:
    """Move a request's time into the past, as if nobody had decided it before it began."""
    BookingRequest.objects.filter(pk=booking.pk).update(starts_at=soon(days, 9), ends_at=soon(days, 11))
    return BookingRequest.objects.get(pk=booking.pk)


def notes(union, user, text: str) -> list[Notification]:
    with tenant_context(union):
        return list(Notification.objects.filter(recipient=user, title__contains=text))


def test_the_sweep_closes_a_lapsed_request_and_tells_both_sides_once(
    union_a, union_b, people, room, django_capture_on_commit_callbacks
):
    """Given 恒通's request for 星河's room that nobody decided before its start, the sweep marks it
    expired with its closing time; 恒通's chairman is told nobody decided in time, 星河's chairman
    that it lapsed; another sweep, a repeated notice or the notice sweep tells nobody again."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = ask(union_b, people["b_chair"].user, room)
    lapse(booking)
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_tell_sweep_task.delay().get() == {"queued": 0, "completed": 0, "expired": 1}
    closed = BookingRequest.objects.get(pk=booking.pk)
    assert closed.status == "expired" and closed.closed_at is not None and closed.decided_at is None
    assert closed.told_requester == "expired" and closed.told_publisher == "expired"
    [requester] = notes(union_b, people["b_chair"].user, "预约未获及时审批")
    assert "星河会议室" in requester.title and "另选时间" in requester.body
    assert requester.url == "/admin/docking/requests/?status=expired"
    [publisher] = notes(union_a, people["a_chair"].user, "预约申请已过期未审批")
    assert union_b.name in publisher.title and publisher.url == "/admin/docking/incoming/?status=expired"
    assert notes(union_a, people["a_member"].user, "过期") == []  # a plain member is not staff
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_expire_lapsed() == 0
        assert bookings_tell_sweep() == 0
    with tenant_context(union_b):
        assert booking_tell(booking_id=booking.pk, side="requester") is False
    with tenant_context(union_a):
        assert booking_tell(booking_id=booking.pk, side="publisher") is False
    assert len(notes(union_b, people["b_chair"].user, "预约未获及时审批")) == 1
    assert len(notes(union_a, people["a_chair"].user, "预约申请已过期未审批")) == 1


def test_only_requests_whose_time_began_are_closed(union_a, union_b, people, room):
    """A request still to come, one that started a minute ago, an approved booking under way and a
    declined request: only the one awaiting approval whose start passed is closed."""
    coming = ask(union_b, people["b_chair"].user, room, starts_at=soon(5, 9), ends_at=soon(5, 10))
    started = ask(union_b, people["b_chair"].user, room, starts_at=soon(6, 9), ends_at=soon(6, 10))
    BookingRequest.objects.filter(pk=started.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    running = ask(union_b, people["b_chair"].user, room, starts_at=soon(7, 9), ends_at=soon(7, 10))
    declined = ask(union_b, people["b_chair"].user, room, starts_at=soon(8, 9), ends_at=soon(8, 10))
    with tenant_context(union_a):
        booking_decide(booking=running, approve=True, by=people["a_chair"].user)
        booking_decide(booking=declined, approve=False, reply="当天闭馆", by=people["a_chair"].user)
    for booking in (running, declined):
        lapse(booking)
    BookingRequest.objects.filter(pk=running.pk).update(ends_at=timezone.now() + datetime.timedelta(hours=1))
    assert bookings_expire_lapsed() == 1
    status = dict(BookingRequest.objects.values_list("pk", "status"))
    assert status == {coming.pk: "requested", started.pk: "expired", running.pk: "approved",
                      declined.pk: "declined"}  # fmt: skip
    assert bookings_expire_lapsed(now=soon(5, 9)) == 1  # the next one, once its time comes
    assert BookingRequest.objects.get(pk=coming.pk).status == "expired"


def test_a_lost_lapse_notice_is_repeated_by_the_notice_sweep(union_a, union_b, people, room):
    booking = lapse(ask(union_b, people["b_chair"].user, room))
    assert bookings_expire_lapsed() == 1  # its notices' tasks are lost (no callbacks ran)
    assert notes(union_b, people["b_chair"].user, "预约未获及时审批") == []
    assert bookings_tell_sweep() == 2  # the requester and the publisher
    assert len(notes(union_b, people["b_chair"].user, "预约未获及时审批")) == 1
    assert len(notes(union_a, people["a_chair"].user, "预约申请已过期未审批")) == 1
    assert bookings_tell_sweep() == 0
    assert BookingRequest.objects.get(pk=booking.pk).told_requester == "expired"


def test_a_station_s_lapsed_request_tells_that_station_s_staff_on_the_portal(
    union_a, people, room, stations, portal_people, django_capture_on_commit_callbacks
):
    """中关村's station asked for 星河's room and nobody decided: 中关村's staff get a portal
    notification linking to their lapsed bookings; 望京's staff and the administrators get none."""
    zgc = stations["zhongguancun"]
    booking = booking_request(
        resource=room, party=Party(station=zgc), by=portal_people["zhongguancun"].user, requester_name="吴站长",
        requester_phone="13800138002", purpose="街道职工培训", headcount=10, starts_at=soon(2, 9),
        ends_at=soon(2, 10),
    )  # fmt: skip
    lapse(booking)
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_expire_lapsed() == 1
    [note] = PortalNotification.objects.filter(recipient=portal_people["zhongguancun"].user)
    assert note.kind == "booking" and note.title.startswith("预约未获及时审批")
    assert note.link == f"/admin/docking/requests/?station={zgc.pk}&status=expired"
    assert note.key == f"booking:{booking.pk}:requester:expired"
    for other in ("wangjing", "chaoyang", "haidian", "city"):
        assert not PortalNotification.objects.filter(recipient=portal_people[other].user).exists()
    assert len(notes(union_a, people["a_chair"].user, "预约申请已过期未审批")) == 1


def test_a_station_publisher_is_told_its_request_lapsed(
    union_b, people, stations, portal_people, django_capture_on_commit_callbacks
):
    station = stations["wangjing"]
    hall = resource_create(
        party=Party(station=station), by=portal_people["wangjing"].user, kind="room", title="望京服务站会议室",
        address="朝阳区阜通东大街6号", contact="周站长 010-84701234", capacity=40, publish=True,
    )  # fmt: skip
    booking = lapse(ask(union_b, people["b_chair"].user, hall))
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_expire_lapsed() == 1
    lapsed = PortalNotification.objects.get(
        recipient=portal_people["wangjing"].user, key=f"booking:{booking.pk}:publisher:expired"
    )
    assert lapsed.title.startswith("预约申请已过期未审批") and union_b.name in lapsed.title
    assert lapsed.link == f"/admin/docking/incoming/{booking.pk}/?station={station.pk}"


def test_deciding_a_lapsed_request_is_refused_clearly(union_a, union_b, people, room):
    """Closed by the sweep, or whose start passed before the sweep came: approving or declining is
    refused (409) with a message in Chinese and English, and nothing changes."""
    waiting = lapse(ask(union_b, people["b_chair"].user, room))
    with tenant_context(union_a), pytest.raises(ServiceError) as error:
        booking_decide(booking=waiting, approve=True, by=people["a_chair"].user)
    assert error.value.code == "booking_expired" and error.value.status == 409
    assert BookingRequest.objects.get(pk=waiting.pk).status == "requested"
    assert bookings_expire_lapsed() == 1
    for approve in (True, False):
        with tenant_context(union_a), pytest.raises(ServiceError) as error:
            booking_decide(booking=waiting, approve=approve, reply="来不及了", by=people["a_chair"].user)
        assert error.value.code == "booking_expired"
    with translation.override("zh-hans"):
        assert "已过期" in str(error.value.message) and "重新预约" in str(error.value.message)
    with translation.override("en"):
        assert str(error.value.message).startswith("This request lapsed")
    closed = BookingRequest.objects.get(pk=waiting.pk)
    assert closed.status == "expired" and closed.decided_at is None and closed.reply == ""


def test_the_pages_and_the_api_show_a_lapsed_request(
    union_a, union_b, people, room, client_for, django_capture_on_commit_callbacks
):
    """Both unions see it as 过期未审批 in their lists and the API; the publisher's page has no
    decision form but says why, and a decision posted anyway is refused (400, not a 500); union B
    still cannot open it as the publisher."""
    booking = lapse(ask(union_b, people["b_chair"].user, room))
    assert bookings_expire_lapsed() == 1
    a = signed_in(client_for(union_a), people["a_chair"].account)
    b = signed_in(client_for(union_b), people["b_chair"].account)
    ours = b.get("/admin/docking/requests/?status=expired").content.decode()
    assert "过期未审批" in ours and "班组长安全培训" in ours
    assert 'name="booking"' not in ours  # no cancel button on a closed request
    incoming = a.get("/admin/docking/incoming/?status=expired").content.decode()
    assert "过期未审批" in incoming and f'data-booking="{booking.pk}"' in incoming
    assert f'data-booking="{booking.pk}"' not in a.get("/admin/docking/incoming/").content.decode()
    page = a.get(f"/admin/docking/incoming/{booking.pk}/").content.decode()
    assert "过期未审批" in page and 'data-lapsed="1"' in page and 'name="decision"' not in page
    assert "关闭时间" in page
    refused = a.post(f"/admin/docking/incoming/{booking.pk}/", {"decision": "approve", "reply": ""})
    assert refused.status_code == 400 and "该预约申请已过期" in refused.content.decode()
    assert b.get(f"/admin/docking/incoming/{booking.pk}/").status_code == 404
    row = b.get(f"/api/v1/docking/bookings/{booking.pk}/").json()
    assert row["status"] == "expired" and row["status_label"] == "过期未审批" and row["closed_at"]
    listed = a.get("/api/v1/docking/bookings/?status=expired").json()["results"]
    assert [r["id"] for r in listed] == [booking.pk]
    decide = a.post(f"/api/v1/docking/bookings/{booking.pk}/decide/", {"approve": True},
                    content_type="application/json")  # fmt: skip
    assert decide.status_code == 409 and decide.json()["code"] == "booking_expired"
    cancel = b.post(f"/api/v1/docking/bookings/{booking.pk}/cancel/")
    assert cancel.status_code == 409 and cancel.json()["code"] == "booking_closed"


def test_a_request_whose_start_passed_shows_no_decision_form_before_the_sweep(
    union_a, union_b, people, room, client_for
):
    booking = lapse(ask(union_b, people["b_chair"].user, room))
    a = signed_in(client_for(union_a), people["a_chair"].account)
    page = a.get(f"/admin/docking/incoming/{booking.pk}/").content.decode()
    assert 'name="decision"' not in page and 'data-lapsed="1"' in page
