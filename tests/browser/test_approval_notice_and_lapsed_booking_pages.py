"""Federation notices in a desktop browser (1280x800): 朝阳's district administrator, who also
staffs 望京's service station, finds in the portal's notifications the election plan 星河 sent up
for approval (上级审批) and the notice that the station's booking lapsed with nobody deciding it;
the notice opens the approval's page, and the station's bookings show the lapsed one as
过期未审批. Both pages fit and pass axe's WCAG 2.1 AA rules. Screenshots:
var/screenshots/portal-notifications-approval.png, var/screenshots/docking-lapsed-booking.png."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from accounts.models import Account
from approvals.models import ApprovalRequest
from approvals.services import approval_arrival_tell
from docking.models import BookingRequest, SharedResource
from docking.services import bookings_expire_lapsed
from federation.models import District, FederationRole, Street
from portal_notifications.models import PortalNotification
from stations.models import ServiceStation
from tenants.registry.models import Union
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import _fits_and_passes_axe
from tests.factories import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
MOBILE = "13812349047"
ROOM = "星河职工之家多功能厅"


@pytest.fixture(scope="module")
def administrator(django_db_setup, django_db_blocker):
    """朝阳's administrator (and 望京's station staff), an approval request from 星河 and a lapsed
    booking of 星河's hall by the station, told as the services tell them (committed, as the
    server process must see them); all removed afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        portal = Union.objects.get(schema_name="public")
        union = Union.objects.get(slug="xinghe")
        Account.objects.filter(mobile=MOBILE).delete()
        account, user = make_person(portal, "district_admin", name="张丽华")
        account.mobile = MOBILE
        account.save(update_fields=["mobile"])
        user.username = MOBILE
        user.save(update_fields=["username"])
        street = Street.objects.get(code="110105010")
        FederationRole.objects.create(
            user=user, kind="district_admin", district=District.objects.get(code="110105")
        )
        FederationRole.objects.create(user=user, kind="station_staff", street=street)
        station = ServiceStation.objects.create(
            street=street, name="望京街道工会服务站", address="朝阳区阜通东大街6号", phone="010-84701234", services="场地"
        )  # fmt: skip
        approval = ApprovalRequest.objects.create(
            event_id=uuid.uuid4(), union=union, district_id=union.district_id, kind="election_plan",
            object_uuid=uuid.uuid4(), title="换届选举工作方案：工会委员会 第4届换届选举",
            summary=[{"label": "委员会", "value": "工会委员会"}, {"label": "选举日期", "value": "2026-12-18"}],
            submitted_at=timezone.now() - datetime.timedelta(minutes=20),
        )  # fmt: skip
        assert approval_arrival_tell(approval_id=approval.pk) == 1
        hall = SharedResource.objects.create(
            union=union, kind="room", title=ROOM, address="朝阳区望京科技园A座3层", capacity=60,
            contact="工会办公室 010-64701234", is_published=True, district_id=union.district_id,
        )  # fmt: skip
        yesterday = timezone.now() - datetime.timedelta(days=1)
        booking = BookingRequest.objects.create(
            resource=hall, requester_station=station, requester_name="周站长", requester_phone="13800138002",
            purpose="街道职工安全生产培训", headcount=40, starts_at=yesterday, ends_at=yesterday + datetime.timedelta(hours=2),
        )  # fmt: skip
        assert bookings_expire_lapsed() == 1  # its notices are told at once (autocommit, eager tasks)
        assert PortalNotification.objects.filter(recipient=user).count() == 2
    yield portal, account, approval, booking
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with tenant_context(union):
            from tenants.notifications.models import Notification

            Notification.objects.filter(title__contains=ROOM).delete()
        with schema_context("public"):
            PortalNotification.objects.filter(recipient=user).delete()
            BookingRequest.objects.filter(pk=booking.pk).delete()
            hall.delete()
            station.delete()
            approval.delete()
            FederationRole.objects.filter(user=user).delete()
            user.delete()
            Account.objects.filter(mobile=MOBILE).delete()


def test_the_district_reads_the_approval_notice_and_the_station_sees_its_lapsed_booking(
    server, browser, administrator
):
    portal, _account, approval, booking = administrator
    base = f"http://{portal.primary_host}:{server}"
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
    assert "待审批：换届选举工作方案：工会委员会 第4届换届选举（朝阳区星河科技有限公司工会）" in main
    assert "上级审批" in main and "预约未获及时审批" in main and ROOM in main
    _fits_and_passes_axe(page, "portal notifications with an approval")
    page.screenshot(path=str(SCREENSHOTS / "portal-notifications-approval.png"), full_page=True)
    with page.expect_navigation():
        page.click(f'main a[href="/admin/approvals/{approval.pk}/"]')
    assert "选举日期" in page.locator("main").inner_text()
    page.goto(f"{base}/admin/docking/requests/")
    row = page.locator(f'tr[data-booking="{booking.pk}"]')
    assert "过期未审批" in row.inner_text() and row.locator("button").count() == 0
    _fits_and_passes_axe(page, "our bookings with a lapsed one")
    page.screenshot(path=str(SCREENSHOTS / "docking-lapsed-booking.png"), full_page=True)
    context.close()
