"""A sister union's "收到的转介" page on a desktop (1280x800): union 甲 refers a member's appeal
to union 乙 sharing only the subject and the worker's name; 乙's chairman signs in to the admin,
opens the received referral and sees only what was shared, with the form to accept, start,
close or decline it. Screenshot: var/screens/referrals-received-desktop.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import Account
from stations.models import StationReferral
from tenants.cases.services import case_open
from tenants.events.delivery import outbox_deliver_pending
from tenants.referrals_out.services import referral_send
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SENDER, RECEIVER = "referral-sender", "referral-receiver"
CHAIRMAN_A, CHAIRMAN_B = "13812348771", "13812348772"
SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"
DETAILS = "职工家中老人长期住院，家庭开支困难，本人希望了解兄弟单位的互助保障项目。"


@pytest.fixture(scope="module")
def referral(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        sender = union_provision(
            name="朝阳区星河转介测试有限公司工会", slug=SENDER, credit_code=credit_code(8771),
            employer="北京星河转介测试有限公司", officer_mobile=CHAIRMAN_A, officer_name="周主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        receiver = union_provision(
            name="海淀区恒通接收测试有限公司工会", slug=RECEIVER, credit_code=credit_code(8772),
            employer="北京恒通接收测试有限公司", officer_mobile=CHAIRMAN_B, officer_name="吴主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        worker_account, worker = make_person(sender, "member", name="郑晓雨")
        officer_account, officer = make_person(sender, "officer", name="钱干事")
        with tenant_context(sender):
            case, _code = case_open(kind="appeal", title="希望了解兄弟单位的职工互助保障项目", description=DETAILS,
                                    channel="walk_in", requester=worker, by=officer)  # fmt: skip
            sent = referral_send(case=case, receiver_kind="union", sister_union=receiver.schema_name,
                                 shared=["worker_name", "subject"], difficulty="normal", consent_given=True,
                                 note="请贵会介绍互助保障项目的参保办法。", by=officer)  # fmt: skip
            outbox_deliver_pending()
        connection.set_schema_to_public()
        row = StationReferral.objects.get(referral_uuid=sent.uuid)
    yield receiver, row
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        StationReferral.objects.filter(pk=row.pk).delete()
        for item in Union.objects.filter(slug__in=[SENDER, RECEIVER]):
            item.delete(force_drop=True)
        Account.objects.filter(
            mobile__in=[CHAIRMAN_A, CHAIRMAN_B, worker_account.mobile, officer_account.mobile]
        ).delete()


def test_the_sister_union_reads_a_received_referral_on_a_desktop(server, browser, referral):
    receiver, row = referral
    base = f"http://{receiver.primary_host}:{server}"
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/referrals-received/")
    page.fill("input[name=username]", CHAIRMAN_B)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{base}/admin/referrals-received/")
    assert row.reference in page.content()
    page.goto(f"{base}/admin/referrals-received/{row.pk}/")
    main = page.locator("main").inner_text()
    assert (
        "希望了解兄弟单位的职工互助保障项目" in main
        and "郑晓雨" in main
        and "朝阳区星河转介测试有限公司工会" in main
    )
    assert DETAILS not in main
    assert "受理" in main and "退回" in main
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "referrals-received-desktop.png"), full_page=True)
    context.close()
