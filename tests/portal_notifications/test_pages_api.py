"""The portal staff's notifications: the bell and the list in the portal's admin, the bell in
the portal's site header, marking read (POST only, CSRF-checked, one's own only), the API
scoped to the requesting user, nothing on a union's host (not even for a union's user with the
same id), and retention."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from portal_notifications.models import PortalNotification
from portal_notifications.selectors import portal_notifications_for, portal_unread_count
from portal_notifications.services import (
    portal_notifications_mark_read,
    portal_notifications_purge,
    portal_notify,
)
from tests.incidents.conftest import signed_in
from workershome.tenancy import on_portal

pytestmark = pytest.mark.django_db


def bell(response) -> dict:
    """The bell's item in the admin's sidebar (Wagtail renders the menu as JSON props)."""
    html = response.content.decode()
    props = json.loads(
        html.split('<script id="wagtail-sidebar-props" type="application/json">')[1].split("</script>")[0]
    )
    menu = next(module for module in props["modules"] if module["_type"] == "wagtail.sidebar.MainMenuModule")
    return next(
        item["_args"][0] for item in menu["_args"][0] if item["_args"][0]["name"] == "portal-notifications"
    )


@pytest.fixture
def notes(staff):
    """Two notifications for 望京's staff member, one for 中关村's."""
    wangjing, zgc = staff["wangjing"].user, staff["zhongguancun"].user
    portal_notify(recipients=[wangjing], kind="referral", title="新转介 MD-2026-0001 来自星河", body="难度：一般",
                  link="/admin/stations/referrals/1/", key="referral:1:arrived")  # fmt: skip
    portal_notify(
        recipients=[wangjing],
        kind="booking",
        title="预约申请：望京服务站会议室",
        link="/admin/docking/incoming/",
    )
    portal_notify(
        recipients=[zgc], kind="referral", title="新转介 MD-2026-0002 来自恒通", key="referral:2:arrived"
    )
    return {
        "mine": list(PortalNotification.objects.filter(recipient=wangjing).order_by("pk")),
        "theirs": PortalNotification.objects.get(recipient=zgc),
    }


def test_the_bell_and_the_list_show_one_s_own_notifications_with_the_unread_count(
    portal, staff, notes, client_for
):
    page_client = signed_in(client_for(portal), staff["wangjing"].account)
    assert bell(page_client.get("/admin/")) == {
        "name": "portal-notifications", "label": "通知（2）", "icon_name": "bell", "classname": "",
        "attrs": {"data-unread": "2"}, "url": "/admin/portal-notifications/",
    }  # fmt: skip
    listing = page_client.get("/admin/portal-notifications/")
    html = listing.content.decode()
    assert listing.status_code == 200 and "MD-2026-0001" in html and "望京服务站会议室" in html
    assert "MD-2026-0002" not in html
    assert 'href="/admin/stations/referrals/1/"' in html
    # The portal's own site pages show the bell too.
    site = page_client.get("/resources/").content.decode()
    assert 'class="nav-bell"' in site and 'data-unread="2"' in site
    assert 'class="nav-bell"' not in client_for(portal).get("/resources/").content.decode()  # anonymous

    other = signed_in(client_for(portal), staff["zhongguancun"].account)
    other_html = other.get("/admin/portal-notifications/").content.decode()
    assert (
        "MD-2026-0002" in other_html
        and "MD-2026-0001" not in other_html
        and "望京服务站会议室" not in other_html
    )


def test_marking_read_is_post_only_csrf_checked_and_touches_only_one_s_own(portal, staff, notes, client_for):
    client = signed_in(client_for(portal), staff["wangjing"].account)
    client.handler.enforce_csrf_checks = True
    first, second = notes["mine"]
    assert client.get(f"/admin/portal-notifications/read/?id={first.pk}").status_code == 405
    assert client.post("/admin/portal-notifications/read/", {"id": first.pk}).status_code == 403  # no token
    assert PortalNotification.objects.get(pk=first.pk).read_at is None
    client.get("/admin/portal-notifications/")  # the page's forms carry the token
    post = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    # Someone else's id changes nothing.
    done = client.post("/admin/portal-notifications/read/", {**post, "id": [first.pk, notes["theirs"].pk]})
    assert done.status_code == 302 and done["Location"] == "/admin/portal-notifications/"
    assert PortalNotification.objects.get(pk=first.pk).read_at is not None
    assert PortalNotification.objects.get(pk=notes["theirs"].pk).read_at is None
    unread = client.get("/admin/portal-notifications/?unread=1").content.decode()
    assert "望京服务站会议室" in unread and "MD-2026-0001" not in unread
    # Nothing chosen: a clear message, nothing changes; an outside "next" is not followed.
    assert client.post("/admin/portal-notifications/read/", {**post, "next": "https://evil.example/"})[
        "Location"
    ] == ("/admin/portal-notifications/")
    assert PortalNotification.objects.get(pk=second.pk).read_at is None
    client.post("/admin/portal-notifications/read/", {**post, "all": "1", "next": "/admin/"})
    assert not PortalNotification.objects.filter(
        recipient=staff["wangjing"].user, read_at__isnull=True
    ).exists()
    assert PortalNotification.objects.get(pk=notes["theirs"].pk).read_at is None
    assert bell(client.get("/admin/"))["label"] == "通知"


def test_the_api_lists_and_marks_only_the_requesting_user_s_notifications(portal, staff, notes, client_for):
    api = signed_in(client_for(portal), staff["wangjing"].account)
    listed = api.get("/api/v1/notifications/").json()
    assert listed["count"] == 2 and listed["unread"] == 2
    assert {row["title"] for row in listed["results"]} == {n.title for n in notes["mine"]}
    assert (
        listed["results"][0]["kind"] in ("referral", "booking") and listed["results"][0]["is_read"] is False
    )
    theirs = notes["theirs"].pk
    assert api.get(f"/api/v1/notifications/{theirs}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs}/read/").status_code == 404
    assert api.get("/api/v1/notifications/abc/").status_code == 404
    first = notes["mine"][0].pk
    marked = api.post(f"/api/v1/notifications/{first}/read/").json()
    assert marked == {"marked": 1, "unread": 1}
    assert api.post(f"/api/v1/notifications/{first}/read/").json() == {"marked": 0, "unread": 1}
    assert api.get("/api/v1/notifications/?unread=1").json()["count"] == 1
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1, "unread": 0}
    assert PortalNotification.objects.get(pk=theirs).read_at is None
    anonymous = client_for(portal).get("/api/v1/notifications/")
    assert anonymous.status_code in (401, 403)


def test_a_union_s_host_has_none_of_it_even_for_a_union_user_with_the_same_id(
    union_a, portal, staff, notes, client_for, same_id_union_user
):
    """A union's user whose id is 望京's staff member's: the portal's notification pages and API
    do not exist on the union's host (404), and nothing of the portal's shows there."""
    twin, account = same_id_union_user(staff["wangjing"].user)
    assert twin.pk == staff["wangjing"].user.pk
    union_client = signed_in(client_for(union_a), account)
    assert union_client.get("/admin/portal-notifications/").status_code in (302, 403, 404)
    assert union_client.post("/admin/portal-notifications/read/", {"all": "1"}).status_code in (302, 403, 404)
    assert union_client.get("/api/v1/notifications/").status_code == 404
    assert "nav-bell" not in union_client.get("/").content.decode()
    assert not PortalNotification.objects.filter(read_at__isnull=False).exists()
    with tenant_context(union_a):
        assert not on_portal()
        assert list(portal_notifications_for(twin)) == [] and portal_unread_count(twin) == 0
        assert portal_notifications_mark_read(user=twin) == 0


def test_only_portal_staff_get_notifications(union_a, staff, people):
    """A union's user (its own table) never gets a portal row, nor a portal user without a role."""
    assert portal_notify(
        recipients=[people["mediator"], staff["wangjing"].user], kind="referral", title="x"
    ) in (1, 2)
    assert set(PortalNotification.objects.values_list("recipient_id", flat=True)) <= {
        staff["wangjing"].user.pk,
        *([people["mediator"].pk] if people["mediator"].pk == staff["wangjing"].user.pk else []),
    }
    with pytest.raises(ValueError):
        portal_notify(recipients=[staff["wangjing"].user], kind="gossip", title="x")


def test_read_notifications_are_deleted_after_the_retention_period(staff, notes, settings):
    settings.PORTAL_NOTIFICATIONS_KEEP_READ_DAYS = 180
    old_read, old_unread = notes["mine"]
    long_ago = timezone.now() - datetime.timedelta(days=181)
    PortalNotification.objects.filter(pk=old_read.pk).update(created_at=long_ago, read_at=long_ago)
    PortalNotification.objects.filter(pk=old_unread.pk).update(created_at=long_ago)
    PortalNotification.objects.filter(pk=notes["theirs"].pk).update(read_at=timezone.now())  # recent, read
    assert portal_notifications_purge() == 1
    assert portal_notifications_purge() == 0
    assert set(PortalNotification.objects.values_list("pk", flat=True)) == {old_unread.pk, notes["theirs"].pk}
    from portal_notifications.tasks import portal_notifications_purge_task

    assert portal_notifications_purge_task.delay().get() == 0
    assert (
        settings.CELERY_BEAT_SCHEDULE["portal-notifications-purge"]["task"]
        == portal_notifications_purge_task.name
    )
