"""Fixtures of the interest group tests: a union's officer, a group leader and members, a
badminton group led by the leader, and a room of the home."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from cms.models import HomePage, RoomIndexPage, RoomPage
from tenants.groups.models import InterestGroup
from tenants.groups.services import group_save
from tests.factories import PASSWORD, make_person

_slugs = itertools.count(1)


@pytest.fixture
def people(union_a):
    """The chairman, an officer, a group leader and three members of union A."""
    return {
        "chairman": make_person(union_a, "chairman", name="张主席"),
        "officer": make_person(union_a, "officer", name="李干事"),
        "leader": make_person(union_a, "member", name="陈队长"),
        "worker": make_person(union_a, "member", name="王职工"),
        "other": make_person(union_a, "member", name="赵职工"),
        "third": make_person(union_a, "member", name="孙职工"),
    }


@pytest.fixture
def badminton(union_a, people):
    with tenant_context(union_a):
        return group_save(
            group=InterestGroup(name="羽毛球小组", kind="badminton", description="每周三下班后打球"),
            by=people["officer"][1], leaders=[people["leader"][1]],
        )  # fmt: skip


def room_add(**fields) -> RoomPage:
    """A published room page of the current union (the activity centre by default)."""
    home = HomePage.objects.first()
    rooms = RoomIndexPage.objects.child_of(home).get()
    values = {
        "title": "职工活动中心", "kind": "activity_centre", "uses": ["sports_room", "study_room"], "capacity": 20,
        **fields,
    }  # fmt: skip
    return rooms.add_child(instance=RoomPage(slug=f"room-{next(_slugs)}", **values))


def signed_in(client: Client, account) -> Client:
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


def api(client_for, union, user) -> Client:
    with tenant_context(union):
        key = Token.objects.create(user=user).key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")
