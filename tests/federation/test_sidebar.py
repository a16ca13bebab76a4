"""The portal admin's sidebar is built once per user and kept in the cache (federation/sidebar.py)
while what it is made from holds: a role taken away or a new notification shows on the next
page; another user never gets someone else's; union sites build theirs every time."""

from __future__ import annotations

import json

import pytest
from django import template
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from federation.models import FederationRole
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/dashboard/"
BELL = "/admin/portal-notifications/"
PROPS = '<script id="wagtail-sidebar-props" type="application/json">'


def menu(response) -> dict[str, str]:
    """The sidebar's main menu items, URL → label, as Wagtail's props carry them."""
    assert response.status_code == 200
    html = response.content.decode()
    props = json.loads(html.split(PROPS)[1].split("</script>")[0])
    module = next(m for m in props["modules"] if m["_type"] == "wagtail.sidebar.MainMenuModule")
    return {
        item["_args"][0].get("url", item["_args"][0]["name"]): item["_args"][0]["label"]
        for item in module["_args"][0]
    }


def signed_in(client: Client, account) -> Client:
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


@pytest.fixture
def city_admin(portal, client_for):
    account, user = make_person(portal, "city_admin", name="陈主任")
    role = FederationRole.objects.create(user=user, kind=FederationRole.Kind.CITY_ADMIN)
    return signed_in(client_for(portal), account), user, role


def sidebar_queries(queries) -> list[str]:
    """The queries only the menu's items make (page and collection permissions)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if "wagtailcore_grouppagepermission" in q["sql"]
        or "wagtailcore_groupcollectionpermission" in q["sql"]
    ]


def test_the_portal_sidebar_is_built_once_and_the_same_from_the_cache(city_admin):
    client, _user, _role = city_admin
    with CaptureQueriesContext(connection) as first:
        built = menu(client.get("/admin/dashboard/"))
    with CaptureQueriesContext(connection) as second:
        cached = menu(client.get("/admin/dashboard/"))
    assert DASHBOARD in built and cached == built
    assert sidebar_queries(first) and not sidebar_queries(second)
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_role_taken_away_shows_on_the_next_page(city_admin):
    client, _user, role = city_admin
    assert DASHBOARD in menu(client.get("/admin/"))
    role.delete()
    assert DASHBOARD not in menu(client.get("/admin/"))


def test_a_new_notification_shows_on_the_bell_at_once(city_admin):
    pytest.importorskip("portal_notifications")
    from portal_notifications.models import NotificationKind
    from portal_notifications.services import portal_notify

    client, user, _role = city_admin
    before = menu(client.get("/admin/"))
    portal_notify(recipients=[user], kind=NotificationKind.WARNING, title="朝阳区某企业集体欠薪预警")
    after = menu(client.get("/admin/"))
    assert after[BELL] != before[BELL]
    assert after[BELL].endswith("（1）")


def test_another_user_gets_their_own_sidebar(city_admin, portal, client_for):
    client, _user, _role = city_admin
    assert DASHBOARD in menu(client.get("/admin/"))
    account, _other = make_person(portal, "city_admin", name="赵干事")  # no federation role
    assert DASHBOARD not in menu(signed_in(client_for(portal), account).get("/admin/"))


def test_a_unions_admin_builds_its_sidebar_every_time(union_a, client_for):
    account, _user = make_person(union_a, "chairman", name="张主席")
    client = signed_in(client_for(union_a), account)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            menu(client.get("/admin/"))
        assert sidebar_queries(queries)


# -- the system check: a Wagtail rename is reported, not silently ignored -----------------------


def test_the_check_passes_while_the_tag_is_wrapped_and_used():
    from federation.sidebar import sidebar_cache_check

    assert sidebar_cache_check() == []
    call_command("check")  # raises SystemCheckError on an error


def test_a_renamed_tag_is_reported_by_manage_py_check(monkeypatch):
    """Wagtail renames ``sidebar_props``: installing the cache does nothing and says nothing at
    start-up (no crash), and ``manage.py check`` reports federation.E001."""
    from wagtail.admin.templatetags import wagtailadmin_tags

    from federation.sidebar import sidebar_cache_check, sidebar_cache_install

    monkeypatch.delitem(wagtailadmin_tags.register.tags, "sidebar_props")
    monkeypatch.delattr(wagtailadmin_tags, "sidebar_props")
    sidebar_cache_install()  # nothing to wrap: no error at start-up
    [error] = sidebar_cache_check()
    assert error.id == "federation.E001" and "missing" in error.msg
    with pytest.raises(SystemCheckError, match=r"federation\.E001"):
        call_command("check")


def test_a_tag_that_is_not_the_wrapper_is_reported(monkeypatch):
    from wagtail.admin.templatetags import wagtailadmin_tags

    from federation.sidebar import sidebar_cache_check

    unwrapped = template.Library()
    unwrapped.simple_tag(takes_context=True, name="sidebar_props")(lambda context: "")
    monkeypatch.setitem(wagtailadmin_tags.register.tags, "sidebar_props", unwrapped.tags["sidebar_props"])
    [error] = sidebar_cache_check()
    assert error.id == "federation.E001" and "not wrapped" in error.msg


def test_a_base_template_no_longer_using_the_tag_is_reported(monkeypatch, settings):
    from federation import sidebar

    monkeypatch.setattr(sidebar, "BASE_TEMPLATE", "wagtailadmin/home.html")  # a template without the tag
    [error] = sidebar.sidebar_cache_check()
    assert error.id == "federation.E002"
    settings.SIDEBAR_CACHE_SECONDS = 0  # the cache turned off: nothing to check
    assert sidebar.sidebar_cache_check() == []
