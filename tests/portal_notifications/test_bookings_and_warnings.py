# ruff: noqa: F811  (the docking and warning tests' fixtures are imported by name)
"""Portal staff are told in-site of a booking of their station's resource, of a decision on a
booking their station asked for, and of a collective-incident warning in their district (and
the city once it is escalated): exactly those staff, once per event."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import tenant_context

from docking.selectors import Party
from docking.services import booking_decide, booking_request, booking_tell, resource_create
from federation.inbox import inbox_warnings_resend_due
from federation.models import InboxWarning
from portal_notifications.models import PortalNotification
from tests.docking.conftest import ask, people, placed, portal_people, publish, room, soon, stations  # noqa: F401
from tests.incidents.conftest import federation, report, staff_a  # noqa: F401

from .conftest import told

pytestmark = pytest.mark.django_db


def test_a_request_for_a_station_s_resource_tells_that_station_s_staff_only(
    union_b,
    people,
    stations,
    portal_people,
    django_capture_on_commit_callbacks,
):
    """Given 望京's station shares its meeting room, when 恒通 asks for it, then 望京's staff get
    one notification linking to the request with their station chosen; 中关村's staff and the
    administrators get none; the same status told again adds none."""
    station = stations["wangjing"]
    hall = resource_create(
        party=Party(station=station), by=portal_people["wangjing"].user, kind="room", title="望京服务站会议室",
        address="朝阳区阜通东大街6号", contact="周站长 010-84701234", capacity=40, publish=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        booking = ask(union_b, people["b_chair"].user, hall)
    [note] = told(portal_people["wangjing"].user)
    assert note.kind == "booking" and "望京服务站会议室" in note.title and union_b.name in note.title
    assert note.link == f"/admin/docking/incoming/{booking.pk}/?station={station.pk}"
    for other in ("zhongguancun", "chaoyang", "haidian", "city"):
        assert told(portal_people[other].user) == []
    assert booking_tell(booking_id=booking.pk, side="publisher") is False
    assert len(told(portal_people["wangjing"].user)) == 1


def test_a_decision_on_a_station_s_booking_tells_that_station_s_staff_only(
    union_a,
    people,
    room,
    stations,
    portal_people,
    django_capture_on_commit_callbacks,
):
    """中关村's station asks for 星河's room; 星河 approves: 中关村's staff are told (a link to
    their bookings with the station chosen), 望京's are not."""
    zgc = stations["zhongguancun"]
    booking = booking_request(
        resource=room, party=Party(station=zgc), by=portal_people["zhongguancun"].user, requester_name="吴站长",
        requester_phone="13800138002", purpose="街道职工培训", headcount=20, starts_at=soon(4, 9),
        ends_at=soon(4, 11),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True), tenant_context(union_a):
        booking_decide(booking=booking, approve=True, reply="欢迎", by=people["a_chair"].user)
    [note] = told(portal_people["zhongguancun"].user)
    assert note.kind == "booking" and note.title.startswith("预约已批准") and note.body == "欢迎"
    assert note.link == f"/admin/docking/requests/?station={zgc.pk}"
    assert told(portal_people["wangjing"].user) == []


def test_a_warning_tells_its_district_s_administrators_then_the_city_once_escalated(
    union_a,
    staff_a,
    federation,
    staff,
    settings,
    django_capture_on_commit_callbacks,
):
    """A warning of union A (朝阳): 朝阳's administrator is told in-site at once, 海淀's, the city's
    and the station's staff are not; each re-send adds one reminder; the escalation tells the city."""
    settings.INCIDENT_WARNING_RESEND_MINUTES = 10
    settings.INCIDENT_WARNING_ESCALATE_AFTER = 1
    warning = report(union_a, staff_a["officer"].user, captures=django_capture_on_commit_callbacks)
    inbox = InboxWarning.objects.get(event_id=warning.event_id)
    [first] = told(federation["chaoyang"].user)
    assert first.kind == "warning" and first.link == f"/admin/warnings/{inbox.pk}/"
    assert union_a.name in first.title and "厂区三车间" in first.body
    assert told(federation["haidian"].user) == [] and told(federation["city"].user) == []
    assert told(staff["wangjing"].user) == []
    for _round in range(2):
        InboxWarning.objects.filter(pk=inbox.pk).update(
            last_sent_at=F("last_sent_at") - datetime.timedelta(minutes=10)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert inbox_warnings_resend_due() == 1
    assert len(told(federation["chaoyang"].user)) == 3  # sent, re-sent, escalated
    [city] = told(federation["city"].user)
    assert city.kind == "warning" and city.title.startswith("已上报市总工会")
    assert told(federation["haidian"].user) == []
    assert (
        PortalNotification.objects.filter(recipient=federation["chaoyang"].user)
        .values("key")
        .distinct()
        .count()
        == 3
    )


def test_reminders_of_a_warning_replace_each_other_until_read(
    union_a, staff_a, federation, settings, django_capture_on_commit_callbacks
):
    """Three re-sends of an unacknowledged warning leave one unread reminder beside the first
    notice (the latest one), not three; a reminder already read stays in the list."""
    settings.INCIDENT_WARNING_RESEND_MINUTES = 10
    settings.INCIDENT_WARNING_ESCALATE_AFTER = 10
    warning = report(union_a, staff_a["officer"].user, captures=django_capture_on_commit_callbacks)
    inbox = InboxWarning.objects.get(event_id=warning.event_id)
    admin = federation["chaoyang"].user

    def resend() -> None:
        InboxWarning.objects.filter(pk=inbox.pk).update(
            last_sent_at=F("last_sent_at") - datetime.timedelta(minutes=10)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert inbox_warnings_resend_due() == 1

    resend()
    [reminder] = [note for note in told(admin) if ":resent:" in note.key]
    PortalNotification.objects.filter(pk=reminder.pk).update(read_at=timezone.now())
    resend()
    resend()
    notes = told(admin)
    reminders = [note for note in notes if ":resent:" in note.key]
    assert len(notes) == 3 and len(reminders) == 2  # the first notice, the read one, the latest
    assert [note.key for note in reminders if note.read_at is None] == [f"warning:{inbox.pk}:resent:3"]
