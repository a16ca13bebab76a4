"""Fixtures of the activity tests: union A's staff and members, and activity factories."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity
from tenants.activities.services import activity_publish, activity_save
from tests.factories import PASSWORD, make_person


@pytest.fixture
def people(union_a):
    """The chairman, an officer and three members of union A (accounts and local users)."""
    return {
        "chairman": make_person(union_a, "chairman", name="张主席"),
        "officer": make_person(union_a, "officer", name="李干事"),
        "worker": make_person(union_a, "member", name="王职工"),
        "other": make_person(union_a, "member", name="赵职工"),
        "third": make_person(union_a, "member", name="孙职工"),
    }


def soon(days: float = 3, hours: float = 0) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days, hours=hours)).replace(microsecond=0)


def new_activity(by, *, publish: bool = True, **fields) -> Activity:
    """An activity saved (and published) through the services, in the current schema."""
    starts = fields.pop("starts_at", soon())
    values = dict(
        title="周六篮球赛", kind="sports", place="职工篮球场", starts_at=starts,
        ends_at=fields.pop("ends_at", starts + datetime.timedelta(hours=2)), capacity=2, audience="members",
    )  # fmt: skip
    values.update(fields)
    activity = activity_save(activity=Activity(**values), by=by)
    return activity_publish(activity=activity, by=by) if publish else activity


def move(activity: Activity, *, starts_at: datetime.datetime, hours: float = 2) -> Activity:
    """Put an activity at another time without the services' checks (to reach the past)."""
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=hours)
    )
    activity.refresh_from_db()
    return activity


@pytest.fixture
def basketball(union_a, people):
    """A published members' basketball match in three days, 2 places."""
    with tenant_context(union_a):
        return new_activity(people["chairman"][1])


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def make_room(title: str = "职工活动中心"):
    """A live room page on the current union's site (under the home page)."""
    from wagtail.models import Site

    from cms.models import RoomPage

    home = Site.objects.get(is_default_site=True).root_page
    room = RoomPage(title=title, kind="activity_centre", slug=f"room-{RoomPage.objects.count() + 1}")
    home.add_child(instance=room)
    return room
