"""The city calendar (journey 9): an activity a union opens to every union's members is listed
on the portal by district, kind and date, links to its page on the union's site, and is in the
city's iCalendar feed; a members-only activity never is, and changes and cancellations follow."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.models import CityActivity, District, Street
from tenants.activities.services import activity_cancel, activity_save
from tenants.events.delivery import outbox_deliver_pending
from tests.activities.conftest import new_activity, soon
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def chairman_a(union_a):
    street = Street.objects.filter(district__code="110105").first()
    union_a.district, union_a.street = street.district, street
    union_a.save(update_fields=["district", "street"])
    return make_person(union_a, "chairman", name="张主席")[1]


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Deliver a union's outbox, running what its commits queue (the portal's page cache is
    refreshed then)."""

    def run(union) -> None:
        with tenant_context(union), django_capture_on_commit_callbacks(execute=True):
            outbox_deliver_pending()

    return run


def test_an_open_activity_is_listed_and_a_members_only_one_is_not(
    union_a, chairman_a, portal, client_for, deliver
):
    """Given an open lecture and a members-only match in union A, when A's outbox is delivered,
    then the portal's calendar lists the lecture (linking to A's site) and not the match."""
    with tenant_context(union_a):
        lecture = new_activity(chairman_a, title="职场减压心理讲座", kind="lecture", audience="sister_unions",
                               capacity=80, place="职工之家报告厅")  # fmt: skip
        new_activity(chairman_a, title="内部篮球赛")
    deliver(union_a)

    listed = CityActivity.objects.get()
    assert (listed.union_id, listed.activity_id, listed.title) == (union_a.pk, lecture.pk, "职场减压心理讲座")
    assert listed.district.code == "110105" and listed.place == "职工之家报告厅" and listed.capacity == 80
    page = client_for(portal).get("/calendar/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "职场减压心理讲座" in body and "内部篮球赛" not in body
    assert f"{union_a.primary_host}" in body and f"/activities/{lecture.pk}/" in body


def test_filters_by_district_kind_and_date_and_ignore_bad_values(
    union_a, chairman_a, portal, client_for, deliver
):
    with tenant_context(union_a):
        new_activity(chairman_a, title="心理讲座", kind="lecture", audience="public", starts_at=soon(days=2))
        new_activity(
            chairman_a, title="羽毛球友谊赛", kind="sports", audience="sister_unions", starts_at=soon(days=9)
        )
    deliver(union_a)
    client = client_for(portal)
    haidian = District.objects.get(code="110108")

    def titles(query: str) -> set[str]:
        response = client.get("/calendar/" + query)
        assert response.status_code == 200
        return {row.title for row in CityActivity.objects.all() if row.title in response.content.decode()}

    assert titles("") == {"心理讲座", "羽毛球友谊赛"}
    assert titles("?kind=lecture") == {"心理讲座"}
    assert titles(f"?district={haidian.code}") == set()
    day = (timezone.localdate() + datetime.timedelta(days=8)).isoformat()
    assert titles(f"?from={day}") == {"羽毛球友谊赛"}
    # Unknown or malformed values are ignored; a page past the end shows the last page.
    assert titles("?kind=<script>&district=abc&from=2026-13-45&page=999") == {"心理讲座", "羽毛球友谊赛"}


def test_changes_and_cancellation_follow_and_the_feed_says_so(
    union_a, chairman_a, portal, client_for, deliver
):
    """Given a listed activity, when it moves, the calendar shows the new time; when it is
    cancelled, it leaves the page and the feed marks it cancelled (so phones drop it)."""
    with tenant_context(union_a):
        activity = new_activity(chairman_a, title="书法兴趣讲座", kind="lecture", audience="sister_unions")
    deliver(union_a)
    later = soon(days=5)
    with tenant_context(union_a):
        activity.starts_at, activity.ends_at = later, later + datetime.timedelta(hours=2)
        activity_save(activity=activity, by=chairman_a)
    deliver(union_a)
    assert CityActivity.objects.get().starts_at == later

    feed = client_for(portal).get("/calendar/feed.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(event["STATUS"]) for event in events] == ["CONFIRMED"]
    assert "书法兴趣讲座" in str(events[0]["SUMMARY"])

    with tenant_context(union_a):
        activity_cancel(activity=activity, reason="讲师临时有事", by=chairman_a)
    deliver(union_a)
    assert CityActivity.objects.get().status == CityActivity.Status.WITHDRAWN
    assert "书法兴趣讲座" not in client_for(portal).get("/calendar/").content.decode()
    events = icalendar.Calendar.from_ical(client_for(portal).get("/calendar/feed.ics").content).walk("VEVENT")
    assert [str(event["STATUS"]) for event in events] == ["CANCELLED"]


def test_an_older_event_delivered_late_does_not_undo_a_newer_one(union_a, chairman_a):
    with tenant_context(union_a):
        activity = new_activity(chairman_a, title="摄影讲座", kind="lecture", audience="sister_unions")
        activity_cancel(activity=activity, reason="改期", by=chairman_a)
        from tenants.events.models import OutboxEvent

        # Deliver the withdrawal first, then the (older) listing.
        unlisted = OutboxEvent.objects.get(name="activity.unlisted")
        outbox_deliver_pending(event_id=str(unlisted.pk))
        outbox_deliver_pending()
    assert not CityActivity.objects.filter(status=CityActivity.Status.LISTED).exists()


def test_the_city_calendar_is_the_portals_only(union_a, client_for):
    assert client_for(union_a).get("/calendar/").status_code == 404
