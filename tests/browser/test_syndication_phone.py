"""Federation notices on a union's site on a phone (390x844): a worker of a 朝阳 union opens
/notices/, sees the notice and the policy addressed to 朝阳区 (not the one to 海淀区), taps the
policy and reads it. Each page fits the screen and passes axe's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import Account
from federation.models import District, FederationRole
from syndication.models import FederationNotice
from syndication.services import notice_publish
from tenants.registry.models import Union
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
POLICY_BODY = (
    "各区总工会、各基层工会：\n\n为进一步做好职工互助保障工作，现将有关事项通知如下。\n\n"
    "一、参保对象为本市各基层工会会员。\n\n二、保障期限为一年，自2027年1月1日起。"
)


@pytest.fixture(scope="module")
def notices(django_db_setup, django_db_blocker):
    """A city administrator's policy to 朝阳区, a notice to every union and one to 海淀区 (committed)."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        portal = Union.objects.get(schema_name="public")
        account, admin = make_person(portal, "city_admin", name="孙市总")
        FederationRole.objects.create(user=admin, kind="city_admin")
        chaoyang, haidian = District.objects.get(code="110105"), District.objects.get(code="110108")
        made = [
            notice_publish(title="关于做好2027年度职工互助保障工作的通知", body=POLICY_BODY, kind="policy",
                           districts=[chaoyang], by=admin),
            notice_publish(title="关于开展“冬送温暖”活动的通知", body="请各基层工会做好困难职工走访慰问。",
                           to_all=True, by=admin),
            notice_publish(title="海淀区工会工作要点", body="仅海淀区。", districts=[haidian], by=admin),
        ]  # fmt: skip
    yield made
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        FederationNotice.objects.filter(pk__in=[notice.pk for notice in made]).delete()
        admin.delete()
        Account.objects.filter(pk=account.pk).delete()


def test_a_worker_reads_the_federations_notices_on_a_phone(server, browser, notices):
    policy = notices[0]
    union = Union.objects.get(slug="xinghe")
    base = f"http://{union.primary_host}:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/notices/")
    main = page.locator("main").inner_text()
    assert "关于做好2027年度职工互助保障工作的通知" in main and "冬送温暖" in main
    assert "海淀区工会工作要点" not in main
    _fits_and_passes_axe(page, "notice list")
    page.screenshot(path=str(SCREENSHOTS / "syndication-list-phone.png"), full_page=True)

    page.locator(f'main a[href="/notices/{policy.pk}/"]').first.tap()
    page.wait_for_url(f"{base}/notices/{policy.pk}/")
    assert "参保对象为本市各基层工会会员" in page.locator("main").inner_text()
    _fits_and_passes_axe(page, "notice page")
    page.screenshot(path=str(SCREENSHOTS / "syndication-detail-phone.png"), full_page=True)
    context.close()
