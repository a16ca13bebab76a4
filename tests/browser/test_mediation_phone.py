"""Journey 6 on a phone (390x844): a signed-in worker asks about unpaid overtime from /my/, is
refused without agreeing to the purpose, agrees and sends it, and finds the mediator's answer
with the law cited on /my/mediation/. Each page fits the screen and passes axe's WCAG 2.1 AA
rules; screenshots are kept in var/screenshots/mediation-*.png."""

from __future__ import annotations

import pytest

from accounts.models import Account
from tenants.mediation.models import Consultation
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.browser.test_journey_speak_up import committed
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "mediation-phone"
CHAIRMAN = "13812348761"
QUESTION = "我今年8月到10月每个周六都加班，公司不发加班费也不安排补休，我该怎么办？"


@pytest.fixture(scope="module")
def union(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        created = union_provision(
            name="朝阳区星河调解测试有限公司工会", slug=SLUG, credit_code=credit_code(8761),
            employer="北京星河调解测试有限公司", officer_mobile=CHAIRMAN, officer_name="周主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        worker_account, worker = make_person(created, "member", name="郑晓雨")
        mediator_account, mediator = make_person(created, "mediator", name="钱调解")
    yield created, worker_account, worker, mediator
    with django_db_blocker.unblock():
        for item in Union.objects.filter(slug=SLUG):
            item.delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, worker_account.mobile, mediator_account.mobile]).delete()


def test_a_worker_asks_about_unpaid_overtime_on_a_phone(server, browser, union):
    created, worker_account, worker, mediator = union
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/my/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/my/")
    page.locator('main a[href="/my/mediation/"]').first.tap()
    page.wait_for_url(f"{base}/my/mediation/")
    page.locator('main a[href="/my/mediation/ask/"]').tap()
    page.wait_for_url(f"{base}/my/mediation/ask/")
    _fits_and_passes_axe(page, "ask")

    page.select_option("select[name=claim_kind]", "working_hours")
    page.fill("textarea[name=question]", QUESTION)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert page.locator("main [role=alert]").first.is_visible()  # consent first
    assert committed(created, lambda: Consultation.objects.count()) == 0
    page.locator("input[name=consent]").tap()
    page.screenshot(path=str(SCREENSHOTS / "mediation-ask-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert page.url == f"{base}/my/mediation/"
    assert QUESTION in page.locator("main").inner_text()

    def answer() -> str:
        from tenants.mediation.services import consultation_answer

        asked = Consultation.objects.get(worker_id=worker.pk)
        consultation_answer(
            consultation=asked, by=mediator, law_cited="《劳动法》第四十四条",
            answer="休息日安排加班又不能安排补休的，公司应支付不低于工资200%的工资报酬。可申请工会调解。",
        )  # fmt: skip
        return asked.channel

    assert committed(created, answer) == "online"
    page.reload()
    text = page.locator("main").inner_text()
    assert "《劳动法》第四十四条" in text and "200%" in text
    _fits_and_passes_axe(page, "my mediation")
    page.screenshot(path=str(SCREENSHOTS / "mediation-answered-phone.png"), full_page=True)
    context.close()
