"""``parties_for`` is asked a dozen times per admin page (menu items, the chosen station, the
scopes): it is read once per request and kept on the request's user, keyed by schema and user,
so the page makes fewer queries and nobody — another schema, another user, a user object with no
request behind it — ever gets a kept answer that is not theirs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from docking import selectors
from docking.selectors import parties_for
from federation.models import FederationRole
from federation.roles import CACHE_ATTRIBUTE, FederationRolesMiddleware

from .conftest import ask, signed_in

pytestmark = pytest.mark.django_db

# The query ``parties_for`` makes on the portal: the stations of the streets the user staffs.
STATIONS_OF_STREETS = 'FROM "stations_servicestation" WHERE "stations_servicestation"."street_id" IN'


def request_begins(user) -> None:
    """What the portal's middleware does when a request of ``user`` begins: read their roles."""
    request = RequestFactory().get("/admin/")
    request.user = user
    FederationRolesMiddleware(lambda request: None)(request)
    assert getattr(user, CACHE_ATTRIBUTE, None) is not None


def page_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_station_s_docking_page_reads_the_user_s_stations_once(
    union_b, people, room, stations, portal_people, portal, client_for, settings, monkeypatch
):
    """望京's staff member opens the requests to their station (the sidebar built every time):
    their stations are read once, where without the memo every menu item and scope read them
    again; the page makes that many fewer queries and shows the same."""
    settings.SIDEBAR_CACHE_SECONDS = 0  # build the menu (a dozen parties_for calls) on every page
    ask(union_b, people["b_chair"].user, room)
    client = signed_in(client_for(portal), portal_people["wangjing"].account)
    url = "/admin/docking/incoming/"
    client.get(url)  # warm the per-process caches (content types, Wagtail's)
    remembered = page_queries(client, url)
    monkeypatch.setattr(selectors, "_memo_token", lambda user: None)
    every_time = page_queries(client, url)
    reads = [sql for sql in every_time if STATIONS_OF_STREETS in sql]
    assert len([sql for sql in remembered if STATIONS_OF_STREETS in sql]) == 1
    assert len(reads) >= 5
    assert len(remembered) <= len(every_time) - (len(reads) - 1), (len(remembered), len(every_time))


def test_the_kept_answer_hangs_on_the_request_s_copy_of_the_roles(stations, portal_people):
    """With the request's roles on the user (the middleware's copy) the second call reads
    nothing; a new request's copy (a role taken away meanwhile) gets a fresh answer; a user
    object without such a copy (a task, a test) is read every time."""
    user = portal_people["wangjing"].user
    role = FederationRole.objects.get(user=user)
    request_begins(user)
    first = parties_for(user)
    assert [p.station for p in first] == [stations["wangjing"]]
    with CaptureQueriesContext(connection) as queries:
        assert parties_for(user) == first
    assert queries.captured_queries == []
    role.delete()
    assert parties_for(user) == first  # the same request: what it read stands
    request_begins(user)  # the next request
    assert parties_for(user) == []
    bare = portal_people["zhongguancun"].user
    assert [p.station for p in parties_for(bare)] == [stations["zhongguancun"]]
    FederationRole.objects.filter(user=bare).delete()
    assert parties_for(bare) == []


def test_another_user_or_schema_never_gets_a_kept_answer(union_a, union_b, people, stations, portal_people):
    """The memo is keyed by schema and user id: the portal's answer is not the union's, a union's
    is not another union's, and a memo found on another user's object is not used."""
    user = portal_people["wangjing"].user
    request_begins(user)
    assert [p.station for p in parties_for(user)] == [stations["wangjing"]]
    with tenant_context(union_a):
        assert all(p.station is None for p in parties_for(user))  # not the portal's stations
    other = portal_people["zhongguancun"].user
    request_begins(other)
    setattr(other, selectors.PARTIES_ATTRIBUTE, getattr(user, selectors.PARTIES_ATTRIBUTE))
    assert [p.station for p in parties_for(other)] == [stations["zhongguancun"]]
    chair = people["a_chair"].user
    with tenant_context(union_a):
        assert [p.union for p in parties_for(chair)] == [union_a]
        with CaptureQueriesContext(connection) as queries:
            assert [p.union for p in parties_for(chair)] == [union_a]
        assert queries.captured_queries == []
    with tenant_context(union_b):
        assert all(p.union != union_a for p in parties_for(chair))  # never union A's party here


def test_union_pages_still_scope_each_union(union_a, union_b, people, room, client_for):
    """Union B's chairman, on B's site, never acts for union A whatever was kept before."""
    booking = ask(union_b, people["b_chair"].user, room)
    a = signed_in(client_for(union_a), people["a_chair"].account)
    b = signed_in(client_for(union_b), people["b_chair"].account)
    assert a.get(f"/admin/docking/incoming/{booking.pk}/").status_code == 200
    assert b.get(f"/admin/docking/incoming/{booking.pk}/").status_code == 404
    assert a.get(f"/admin/docking/incoming/{booking.pk}/").status_code == 200
