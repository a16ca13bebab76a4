"""The iCalendar feeds: the union's (/activities/feed.ics) and a worker's private one
(/activities/my/<token>.ics), parsed with the ``icalendar`` library; the subscription page
(/my/calendar/) that turns the private feed on, renews its address or turns it off."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenants.activities.models import CalendarToken
from tenants.activities.services_calendar import calendar_token_issue
from tests.activities.calendar_data import SHANGHAI, from_now, make_activity, make_signup
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def events_of(response) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def season(union_a, union_b):
    """Union A: two published activities, a cancelled one, a draft, one long past and one too far
    ahead for the feed; union B: one of its own."""
    with tenant_context(union_a):
        made = {
            "match": make_activity(starts_at=from_now(days=3)[0], title="周六篮球赛", place="星河大厦篮球场"),
            "lecture": make_activity(starts_at=from_now(days=-10)[0], kind="lecture", title="劳动法讲座"),
            "cancelled": make_activity(starts_at=from_now(days=5)[0], status="cancelled", title="取消的登山"),
            "draft": make_activity(starts_at=from_now(days=6)[0], status="draft", title="草稿"),
            "old": make_activity(starts_at=from_now(days=-200)[0], title="去年的运动会"),
            "far": make_activity(starts_at=from_now(days=400)[0], title="明年的年会"),
        }
    with tenant_context(union_b):
        made["b"] = make_activity(starts_at=from_now(days=3)[0], title="恒通拔河比赛")
    return made


def uid(activity) -> str:
    return f"activity-{activity.pk}@xinghe.localhost"


def test_the_union_feed_holds_exactly_its_published_activities_in_the_window(union_a, client_for, season):
    response = client_for(union_a).get("/activities/feed.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert union_a.name in str(calendar["X-WR-CALNAME"])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = events_of(response)
    # Not the draft, not the ones outside the window, not union B's; the cancelled one marked
    assert set(events) == {uid(season["match"]), uid(season["lecture"]), uid(season["cancelled"])}
    match = events[uid(season["match"])]
    assert str(match["SUMMARY"]) == "周六篮球赛" and str(match["LOCATION"]) == "星河大厦篮球场"
    assert str(match["URL"]) == f"http://xinghe.localhost/activities/{season['match'].pk}/"
    assert "请穿运动服" in str(match["DESCRIPTION"]) and str(match["STATUS"]) == "CONFIRMED"
    assert season["match"].starts_at == match.DTSTART and match.DTSTART.tzinfo.key == "Asia/Shanghai"
    assert season["match"].ends_at == match.DTEND and "DTSTAMP" in match
    assert str(events[uid(season["cancelled"])]["STATUS"]) == "CANCELLED"
    assert b"TZID=Asia/Shanghai" in response.content


def test_union_b_feed_has_only_union_b_and_uids_never_collide(union_a, union_b, client_for, season):
    events_a = events_of(client_for(union_a).get("/activities/feed.ics"))
    events_b = events_of(client_for(union_b).get("/activities/feed.ics"))
    assert set(events_b) == {f"activity-{season['b'].pk}@hengtong.localhost"}
    assert not set(events_a) & set(events_b)


def test_the_feed_answers_conditional_gets_with_304_and_changes_when_an_activity_does(
    union_a, client_for, season, django_capture_on_commit_callbacks
):
    client = client_for(union_a)
    first = client.get("/activities/feed.ics")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/activities/feed.ics", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert not any("activities_activity" in query["sql"] for query in queries.captured_queries)
    assert client.get("/activities/feed.ics", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get("/activities/feed.ics", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    head = client.head("/activities/feed.ics")  # some calendar apps look before they fetch
    assert head.status_code == 200 and head["ETag"] == etag
    assert client.post("/activities/feed.ics").status_code == 405
    # Same data, same bytes (DTSTAMP is when the activity last changed, not now)
    connection.set_schema_to_public()
    assert client.get("/activities/feed.ics").content == first.content
    # When an activity changes, the feed does
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        season["match"].title = "周六篮球赛（改到室内）"
        season["match"].save()
    connection.set_schema_to_public()
    changed = client.get("/activities/feed.ics", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert str(events_of(changed)[uid(season["match"])]["SUMMARY"]) == "周六篮球赛（改到室内）"


@pytest.fixture
def worker(union_a, season):
    """A worker signed up for the match (confirmed), the cancelled hike (confirmed), on the waiting
    list for the lecture; a cancelled sign-up for a fourth; another worker's sign-up."""
    account, user = make_person(union_a, name="李娜")
    _, other = make_person(union_a, name="王强")
    with tenant_context(union_a):
        extra = make_activity(starts_at=from_now(days=8)[0], title="我取消了报名的书法课")
        make_signup(activity=season["match"], user=user)
        make_signup(activity=season["lecture"], user=user, status="waiting")
        make_signup(activity=season["cancelled"], user=user)
        make_signup(activity=extra, user=user, status="cancelled")
        make_signup(activity=season["draft"], user=user)  # a draft never shows, whatever
        make_signup(activity=make_activity(starts_at=from_now(days=9)[0], title="别人的活动"), user=other)
        token = calendar_token_issue(user=user).token
    return {"account": account, "user": user, "token": token}


def test_the_private_feed_holds_the_workers_live_sign_ups_with_the_waiting_list_marked(
    union_a, client_for, season, worker
):
    response = client_for(union_a).get(f"/activities/my/{worker['token']}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"] and response["X-Robots-Tag"].startswith("noindex")
    events = events_of(response)
    assert set(events) == {uid(season["match"]), uid(season["lecture"]), uid(season["cancelled"])}
    assert str(events[uid(season["match"])]["STATUS"]) == "CONFIRMED"
    waiting = events[uid(season["lecture"])]
    assert str(waiting["STATUS"]) == "TENTATIVE" and str(waiting["SUMMARY"]) == "【候补】劳动法讲座"
    cancelled = events[uid(season["cancelled"])]
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["SUMMARY"]).startswith("【已取消】")
    assert str(icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"]).startswith("我的活动")
    # A conditional GET with the same ETag is answered 304
    again = client_for(union_a).get(
        f"/activities/my/{worker['token']}.ics", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_a_wrong_revoked_renewed_or_other_unions_token_is_not_found(union_a, union_b, client_for, worker):
    token = worker["token"]
    assert client_for(union_a).get(f"/activities/my/{token[:-2]}xx.ics").status_code == 404
    assert client_for(union_a).get("/activities/my/short.ics").status_code == 404
    # Union A's token on union B's host
    assert client_for(union_b).get(f"/activities/my/{token}.ics").status_code == 404
    client = client_for(union_a)
    assert (
        client.post(
            "/accounts/login/", {"username": worker["account"].mobile, "password": PASSWORD}
        ).status_code
        == 302
    )
    # Renewed: the old address stops working, the new one works
    assert client.post("/my/calendar/", {"action": "renew"}).status_code == 302
    with tenant_context(union_a):
        new = CalendarToken.objects.get(user=worker["user"]).token
    assert new != token
    assert client_for(union_a).get(f"/activities/my/{token}.ics").status_code == 404
    assert client_for(union_a).get(f"/activities/my/{new}.ics").status_code == 200
    # Revoked: nothing works
    assert client.post("/my/calendar/", {"action": "revoke"}).status_code == 302
    assert client_for(union_a).get(f"/activities/my/{new}.ics").status_code == 404
    with tenant_context(union_a):
        assert not CalendarToken.objects.exists()


def test_the_subscription_page_turns_the_feed_on_and_shows_its_addresses(union_a, client_for):
    account, user = make_person(union_a, name="赵敏")
    client = client_for(union_a)
    response = client.get("/my/calendar/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    html = client.get("/my/calendar/").content.decode()
    assert "开通我的日历" in html and "webcal://" not in html
    assert client.post("/my/calendar/", {"action": "issue"}).status_code == 302
    with tenant_context(union_a):
        token = CalendarToken.objects.get(user=user).token
    response = client.get("/my/calendar/")
    html = response.content.decode()
    assert f"webcal://xinghe.localhost/activities/my/{token}.ics" in html
    assert f"http://xinghe.localhost/activities/my/{token}.ics" in html
    assert "iPhone" in html and "安卓" in html and "微信" in html
    assert "no-cache" in response["Cache-Control"]
    # Issuing again keeps the same address; an unknown action changes nothing
    client.post("/my/calendar/", {"action": "issue"})
    client.post("/my/calendar/", {"action": "explode"})
    with tenant_context(union_a):
        assert CalendarToken.objects.get(user=user).token == token


def test_the_private_feed_costs_two_queries(union_a, client_for, worker):
    client = client_for(union_a)
    client.get(f"/activities/my/{worker['token']}.ics")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/activities/my/{worker['token']}.ics").status_code == 200
    ours = [q for q in queries.captured_queries if "activities_" in q["sql"]]
    assert len(ours) == 2, [q["sql"] for q in ours]


def test_a_sign_up_changed_shows_in_the_private_feed_at_once(union_a, client_for, season, worker):
    client = client_for(union_a)
    url = f"/activities/my/{worker['token']}.ics"
    etag = client.get(url)["ETag"]
    with tenant_context(union_a):
        from tenants.activities.models import ActivitySignup

        ActivitySignup.objects.filter(user=worker["user"], activity=season["lecture"]).update(
            status="confirmed", updated_at=datetime.datetime.now(tz=SHANGHAI)
        )
    connection.set_schema_to_public()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert str(events_of(response)[uid(season["lecture"])]["STATUS"]) == "CONFIRMED"


def test_a_session_of_union_a_does_not_open_union_bs_subscription_page(union_a, union_b, client_for):
    account, _ = make_person(union_a, name="钱多多")
    client = client_for(union_a)
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    assert client.get("/my/calendar/").status_code == 200
    on_b = client_for(union_b)
    on_b.cookies = client.cookies  # the same browser cookie sent to union B's host
    response = on_b.post("/my/calendar/", {"action": "issue"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    with tenant_context(union_b):
        assert not CalendarToken.objects.exists()
