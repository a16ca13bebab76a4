"""The activity pages on the union's site: the list, an activity with its sign-up button and the
person's place (journey 3: signed up within three taps), cancelling, the check-in page, ratings,
"my activities"; and nothing of union A through union B's host."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import ActivitySignup
from tenants.activities.services import activity_attendance_mark, activity_signup
from tests.activities.conftest import move, new_activity, signed_in

pytestmark = pytest.mark.django_db


def test_a_worker_signs_up_within_three_taps_and_sees_it_in_my_activities(
    union_a, client_for, people, basketball
):
    account, worker = people["worker"]
    client = signed_in(client_for(union_a), account)
    # Tap 1: the list shows the match with its places
    listing = client.get("/activities/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "周六篮球赛" in html and f"/activities/{basketball.pk}/" in html
    # Tap 2: the activity's page has the sign-up button
    page = client.get(f"/activities/{basketball.pk}/").content.decode()
    assert f'action="/activities/{basketball.pk}/signup/"' in page
    # Tap 3: signed up, and the page says so
    response = client.post(f"/activities/{basketball.pk}/signup/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "周六篮球赛" in page and f'action="/activities/{basketball.pk}/cancel/"' in page
    with tenant_context(union_a):
        assert ActivitySignup.objects.get(activity=basketball, user=worker).status == "confirmed"
    mine = client.get("/my/activities/").content.decode()
    assert "周六篮球赛" in mine
    # Signing up again is refused with a message; nothing changes
    client.post(f"/activities/{basketball.pk}/signup/")
    with tenant_context(union_a):
        assert ActivitySignup.objects.filter(activity=basketball, user=worker).count() == 1
    # Cancelling from the page
    client.post(f"/activities/{basketball.pk}/cancel/")
    with tenant_context(union_a):
        assert ActivitySignup.objects.get(activity=basketball, user=worker).status == "cancelled"


def test_a_full_activity_puts_the_worker_on_the_waiting_list_and_tells_them(
    union_a, client_for, people, basketball
):
    with tenant_context(union_a):
        activity_signup(activity=basketball, user=people["other"][1])
        activity_signup(activity=basketball, user=people["third"][1])
    client = signed_in(client_for(union_a), people["worker"][0])
    page = client.post(f"/activities/{basketball.pk}/signup/", follow=True).content.decode()
    assert "候补" in page or "waiting list" in page
    with tenant_context(union_a):
        assert ActivitySignup.objects.get(activity=basketball, user=people["worker"][1]).status == "waiting"


def test_anonymous_visitors_see_the_activity_and_are_sent_to_sign_in(union_a, client_for, basketball):
    client = client_for(union_a)
    page = client.get(f"/activities/{basketball.pk}/").content.decode()
    assert "周六篮球赛" in page and "/accounts/login/?next=" in page
    response = client.post(f"/activities/{basketball.pk}/signup/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/my/activities/").status_code == 302


def test_drafts_are_not_on_the_site(union_a, client_for, people):
    with tenant_context(union_a):
        draft = new_activity(people["chairman"][1], title="还没发布的活动", publish=False)
    client = signed_in(client_for(union_a), people["worker"][0])
    assert "还没发布的活动" not in client.get("/activities/").content.decode()
    assert client.get(f"/activities/{draft.pk}/").status_code == 404
    assert client.post(f"/activities/{draft.pk}/signup/").status_code == 404


def test_the_qr_code_page_checks_the_worker_in_with_one_tap(union_a, client_for, people, basketball):
    account, worker = people["worker"]
    with tenant_context(union_a):
        activity_signup(activity=basketball, user=worker)
        basketball = move(basketball, starts_at=timezone.now() + datetime.timedelta(minutes=20))
    url = f"/activities/{basketball.pk}/check-in/{basketball.check_in_token}/"
    # Not signed in: to the sign-in page, coming back here afterwards
    response = client_for(union_a).get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    client = signed_in(client_for(union_a), account)
    assert client.get(url).status_code == 200
    assert client.get(f"/activities/{basketball.pk}/check-in/wrong-token-123456/").status_code == 404
    client.post(url)
    with tenant_context(union_a):
        assert ActivitySignup.objects.get(activity=basketball, user=worker).attended_at is not None


def test_a_worker_who_came_rates_the_activity_on_its_page(union_a, client_for, people, basketball):
    account, worker = people["worker"]
    with tenant_context(union_a):
        signup = activity_signup(activity=basketball, user=worker)
        move(basketball, starts_at=timezone.now() - datetime.timedelta(minutes=30))
        activity_attendance_mark(signup=signup, attended=True, by=people["chairman"][1])
        move(basketball, starts_at=timezone.now() - datetime.timedelta(hours=3))
    client = signed_in(client_for(union_a), account)
    page = client.get(f"/activities/{basketball.pk}/").content.decode()
    assert f'action="/activities/{basketball.pk}/rate/"' in page
    client.post(f"/activities/{basketball.pk}/rate/", {"rating": "9"})
    client.post(f"/activities/{basketball.pk}/rate/", {"rating": "5", "comment": "很精彩"})
    with tenant_context(union_a):
        signup.refresh_from_db()
        assert (signup.rating, signup.comment) == (5, "很精彩")


def test_union_b_cannot_reach_union_a_activities_through_its_own_host(
    union_a, union_b, client_for, people, basketball
):
    from tests.factories import make_person

    with tenant_context(union_a):
        activity_signup(activity=basketball, user=people["worker"][1])
    account_b, _ = make_person(union_b, "chairman", name="恒通主席")
    client = signed_in(client_for(union_b), account_b)
    assert "周六篮球赛" not in client.get("/activities/").content.decode()
    pk, token = basketball.pk, basketball.check_in_token
    assert client.get(f"/activities/{pk}/").status_code == 404
    assert client.post(f"/activities/{pk}/signup/").status_code == 404
    assert client.post(f"/activities/{pk}/cancel/").status_code == 404
    assert client.post(f"/activities/{pk}/rate/", {"rating": "5"}).status_code == 404
    assert client.get(f"/activities/{pk}/join/").status_code == 404
    assert client.get(f"/activities/{pk}/check-in/{token}/").status_code == 404
    assert client.post(f"/activities/{pk}/check-in/{token}/").status_code == 404
    assert "周六篮球赛" not in client.get("/my/activities/").content.decode()
    # A's session is worthless on B's host, and A's data is unchanged
    with tenant_context(union_a):
        assert ActivitySignup.objects.filter(activity=basketball).count() == 1
