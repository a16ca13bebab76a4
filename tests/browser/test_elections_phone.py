"""Journey 8 on a phone (390x844): a member opens the open online ballot from /my/, signs in,
chooses within the seats (too many is refused on the page), casts the secret ballot and sees the
receipt code once; after the ballot closes they enter the code on the result page and see their
ballot counted with their choices. Each page fits the screen and passes axe's WCAG 2.1 AA rules;
screenshots are kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.committees.services import committee_create, term_create
from tenants.elections.models import ElectionPlan
from tenants.elections.services import ballot_close, candidate_add, plan_create, plan_submit
from tenants.membership.services import member_create
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.browser.test_journey_speak_up import committed
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "elections-phone"
CHAIRMAN = "13812348801"
NAMES = ["韩志明", "唐丽君", "曹建华", "许文静", "邓伟", "冯晓燕"]


@pytest.fixture(scope="module")
def election(django_db_setup, django_db_blocker):
    """A union whose union committee's plan (online, open now) is approved (committed)."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河选举测试有限公司工会", slug=SLUG, credit_code=credit_code(8801),
            employer="北京星河选举测试有限公司", officer_mobile=CHAIRMAN, officer_name="韩主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        people = [make_person(union, "member", name=name) for name in NAMES]
        with tenant_context(union):
            members = [
                member_create(name=n, mobile=a.mobile, department="生产部")
                for n, (a, _u) in zip(NAMES, people, strict=True)
            ]
            committee = committee_create(kind="union_committee", name="工会委员会")
            today = timezone.localdate()
            term_create(committee=committee, number=2, years=5, starts_on=today.replace(year=today.year - 5)
                        + datetime.timedelta(days=80))  # fmt: skip
            now = timezone.now()
            plan = plan_create(
                committee=committee, term_number=3, term_years=5, election_date=today, method="online",
                opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1),
                seats={"chairman": 1, "member": 2},
            )  # fmt: skip
            candidate_add(plan=plan, member=members[0], role="chairman", introduction="现任工会主席")
            candidate_add(plan=plan, member=members[1], role="chairman", introduction="质量部部长")
            for member, intro in zip(
                members[2:5], ("一车间班组长", "职工书屋管理员", "设备部工程师"), strict=True
            ):
                candidate_add(plan=plan, member=member, role="member", introduction=intro)
            plan_submit(plan=plan)
            # The approval round trip is tested in tests/approvals; here the district has approved.
            ElectionPlan.objects.filter(pk=plan.pk).update(status=ElectionPlan.Status.APPROVED)
    yield union, people[5][0], plan
    with django_db_blocker.unblock():
        Union.objects.filter(slug=SLUG).first().delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, *[a.mobile for a, _u in people]]).delete()


def test_a_member_votes_on_a_phone_and_checks_the_receipt(server, browser, election):
    union, account, plan = election
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/my/")
    page.fill("input[name=username]", account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/my/")
    page.locator('main a[href="/elections/"]').first.tap()
    page.wait_for_url(f"{base}/elections/")
    page.locator(f'main a[href="/elections/{plan.uuid}/"]').first.tap()
    page.wait_for_url(f"{base}/elections/{plan.uuid}/")
    _fits_and_passes_axe(page, "ballot")
    # Both chairman candidates: refused on the page, the choices kept
    page.get_by_label("韩志明").check()
    page.get_by_label("唐丽君").check()
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert page.locator("[role=alert]").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "elections-too-many-phone.png"), full_page=True)
    page.get_by_label("韩志明").uncheck()
    page.get_by_label("曹建华").check()
    page.get_by_label("邓伟").check()
    page.screenshot(path=str(SCREENSHOTS / "elections-ballot-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    code = page.locator("[data-testid=receipt]").inner_text().strip()
    assert len(code) == 19
    _fits_and_passes_axe(page, "receipt")
    page.screenshot(path=str(SCREENSHOTS / "elections-receipt-phone.png"), full_page=True)

    def close():
        ElectionPlan.objects.filter(pk=plan.pk).update(
            closes_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        ballot_close(plan=ElectionPlan.objects.get(pk=plan.pk))

    committed(union, close)
    page.goto(f"{base}/elections/{plan.uuid}/ballots/")
    page.fill("input[name=receipt]", code.lower())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").tap()
    found = page.locator("[data-testid=receipt-found]")
    assert found.is_visible()
    assert "唐丽君" in found.inner_text() and "曹建华" in found.inner_text() and "邓伟" in found.inner_text()
    _fits_and_passes_axe(page, "receipt checked")
    page.screenshot(path=str(SCREENSHOTS / "elections-verified-phone.png"), full_page=True)
    context.close()
