"""The portal staff's notifications in a desktop browser (1280x800): a station's staff member
signs in to the portal's admin, sees the bell with two unread in the menu, opens the list, marks
one read, and sees the bell on the portal's own pages too. Screenshot:
var/screenshots/portal-notifications-desktop.png."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import Account
from federation.models import FederationRole, Street
from portal_notifications.models import PortalNotification
from portal_notifications.services import portal_notify
from tenants.registry.models import Union
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import _fits_and_passes_axe
from tests.factories import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
MOBILE = "13812349031"


@pytest.fixture(scope="module")
def staff_member(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        portal = Union.objects.get(schema_name="public")
        Account.objects.filter(mobile=MOBILE).delete()
        account, user = make_person(portal, "station_staff", name="周站长")
        account.mobile = MOBILE
        account.save(update_fields=["mobile"])
        user.username = MOBILE
        user.save(update_fields=["username"])
        FederationRole.objects.create(
            user=user, kind="station_staff", street=Street.objects.get(code="110105010")
        )
        portal_notify(recipients=[user], kind="referral", title="新转介 MD-2026-0031 来自朝阳区星河科技有限公司工会",
                      body="转介给望京街道工会服务站；难度：一般；应于 2026-03-26 前办结。",
                      link="/admin/stations/referrals/", key="browser:1")  # fmt: skip
        portal_notify(recipients=[user], kind="booking", title="预约申请：望京服务站会议室，3月20日 9:00—11:00，来自海淀区恒通物流有限公司工会",
                      body="班组长安全培训", link="/admin/docking/incoming/", key="browser:2")  # fmt: skip
        portal_notify(recipients=[user], kind="escalation", title="转介 MD-2026-0012 已升级", body="已读的旧通知",
                      key="browser:3")  # fmt: skip
        from django.utils import timezone

        PortalNotification.objects.filter(recipient=user, key="browser:3").update(read_at=timezone.now())
    yield portal
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        PortalNotification.objects.filter(recipient=user).delete()
        FederationRole.objects.filter(user=user).delete()
        user.delete()
        Account.objects.filter(mobile=MOBILE).delete()


def test_station_staff_read_their_notifications_in_the_portal(server, browser, staff_member):
    base = f"http://{staff_member.primary_host}:{server}"
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/portal-notifications/")
    page.fill("input[name=username]", MOBILE)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{base}/admin/portal-notifications/")
    assert "通知（2）" in page.locator("#wagtail-sidebar").inner_text()
    main = page.locator("main").inner_text()
    assert "MD-2026-0031" in main and "望京服务站会议室" in main and "MD-2026-0012" in main
    _fits_and_passes_axe(page, "portal notifications")
    page.screenshot(path=str(SCREENSHOTS / "portal-notifications-desktop.png"), full_page=True)
    with page.expect_navigation():
        page.locator("tr.unread").first.locator("button[type=submit]").click()
    assert "已将 1 条标为已读" in page.locator("main").inner_text()
    assert "通知（1）" in page.locator("#wagtail-sidebar").inner_text()
    page.goto(f"{base}/calendar/")
    assert page.locator("a.nav-bell").get_attribute("data-unread") == "1"
    page.screenshot(
        path=str(SCREENSHOTS / "portal-bell-header.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 160}
    )
    context.close()
