"""Journey 8 on a phone (390x844): a delegate signs in, opens 职代会, writes a motion, tries to
submit it before anyone co-signed (refused with the co-signer rule shown), co-signs a fellow
delegate's draft, and — once two delegates co-signed theirs — submits it. Every page fits the
phone and passes axe's WCAG 2.1 AA rules; screenshots are kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.congress.models import Motion
from tenants.congress.services import delegate_add, motion_cosign, motion_draft, session_create
from tenants.membership.services import member_create
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.browser.test_journey_speak_up import committed
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "congress-phone"
CHAIRMAN = "13812348931"
NAMES = ("陈立新", "刘海波", "杨春燕", "黄志强")


def zh(msgid: str) -> str:
    """The text as the site shows it by default (zh-hans)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture(scope="module")
def delegates(django_db_setup, django_db_blocker):
    """A union with a planned session and four delegates (committed, for the server), one of
    whom has a draft waiting for co-signers."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河职代会测试有限公司工会", slug=SLUG, credit_code=credit_code(8931),
            employer="北京星河职代会测试有限公司", officer_mobile=CHAIRMAN, officer_name="周主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        people = [make_person(union, "member", name=name) for name in NAMES]
        with tenant_context(union):
            session = session_create(congress_number=5, session_number=3, title="第五届职工代表大会第三次会议",
                                     held_on=datetime.date.today() + datetime.timedelta(days=10), cosigners_min=2)  # fmt: skip
            for (account, _user), name in zip(people, NAMES, strict=True):
                member = member_create(name=name, mobile=account.mobile, department="生产一车间")
                delegate_add(session=session, member=member, constituency="生产一车间代表团")
            other = motion_draft(session=session, user=people[3][1], title="关于更新车间通风设备的提案",
                                 reason="夏季车间闷热。", proposal="更换老旧排风扇。")  # fmt: skip
    yield union, people, other
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, *(account.mobile for account, _ in people)]).delete()


def test_a_delegate_writes_cosigns_and_submits_a_motion_on_a_phone(server, browser, delegates):
    union, people, other = delegates
    account, user = people[0]
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/congress/")
    page.fill("input[name=username]", account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/congress/")
    assert "关于更新车间通风设备的提案" in page.locator("main").inner_text()
    _fits_and_passes_axe(page, "congress")
    page.screenshot(path=str(SCREENSHOTS / "congress-index-phone.png"), full_page=True)

    # Co-sign the fellow delegate's draft
    page.locator(f'main a[href="/congress/motions/{other.pk}/"]').tap()
    page.wait_for_url(f"{base}/congress/motions/{other.pk}/")
    with page.expect_navigation():
        page.locator(f'form[action="/congress/motions/{other.pk}/cosign/"] button').tap()
    assert zh("You co-signed the motion.") in page.locator(".messages").inner_text()
    assert committed(union, lambda: other.cosigners.filter(delegate__member__user_id=user.pk).exists())

    # Write a motion
    page.goto(f"{base}/congress/")
    page.locator('main a[href="/congress/motions/new/"]').tap()
    page.wait_for_url(f"{base}/congress/motions/new/")
    _fits_and_passes_axe(page, "motion form")
    page.fill("input[name=title]", "关于延长职工食堂晚餐供应时间的提案")
    page.fill("textarea[name=reason]", "夜班职工20点下班时食堂已停止供餐，只能在外就餐。")
    page.fill("textarea[name=proposal]", "建议晚餐供应延长至20:30，并增设夜宵窗口。")
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    motion_id = committed(union, lambda: Motion.objects.get(title__startswith="关于延长职工食堂").pk)
    assert page.url == f"{base}/congress/motions/{motion_id}/"

    # Submitting before anyone co-signed is refused, with the rule
    with page.expect_navigation():
        page.locator(f'form[action="/congress/motions/{motion_id}/submit/"] button').tap()
    refusal = page.locator(".messages").inner_text()
    assert zh("A motion needs at least %(needed)s co-signers among the delegates; this one has %(have)s.") % {
        "needed": 2, "have": 0} in refusal, refusal  # fmt: skip
    _fits_and_passes_axe(page, "refused")
    page.screenshot(path=str(SCREENSHOTS / "congress-motion-refused-phone.png"), full_page=True)

    def cosign() -> None:
        motion = Motion.objects.get(pk=motion_id)
        for _account, fellow in people[1:3]:
            motion_cosign(motion=motion, user=fellow)

    committed(union, cosign)
    page.reload()
    assert "刘海波" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator(f'form[action="/congress/motions/{motion_id}/submit/"] button').tap()
    assert committed(union, lambda: Motion.objects.get(pk=motion_id).status) == "submitted"
    assert "5-3-001" in page.locator("main").inner_text()
    _fits_and_passes_axe(page, "submitted")
    page.screenshot(path=str(SCREENSHOTS / "congress-motion-submitted-phone.png"), full_page=True)
    context.close()


def test_a_member_rates_the_union_anonymously_on_a_phone(server, browser, delegates):
    """民主评议 on a phone: a member opens the open round, rates the subject they can judge,
    leaves the other out, submits once, and the page then says they have taken part."""
    from django.utils import timezone

    from tenants.appraisal.models import AppraisalParticipation, AppraisalRound
    from tenants.appraisal.services import round_create, subject_add

    union, people, _other = delegates
    account, user = people[1]

    def open_round() -> int:
        now = timezone.now()
        appraisal_round = round_create(title="2026年度工会工作民主评议", opens_at=now - datetime.timedelta(hours=1),
                                       closes_at=now + datetime.timedelta(days=7))  # fmt: skip
        subject_add(appraisal_round=appraisal_round, kind="work", name="职工之家建设与服务")
        subject_add(appraisal_round=appraisal_round, kind="work", name="维护职工合法权益")
        return appraisal_round.pk

    round_id = committed(union, open_round)
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/appraisal/")
    page.fill("input[name=username]", account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/appraisal/")
    page.locator(f'main a[href="/appraisal/{round_id}/"]').tap()
    page.wait_for_url(f"{base}/appraisal/{round_id}/")
    _fits_and_passes_axe(page, "rating form")
    page.locator("main input[type=radio][value=satisfied]").first.check()
    page.locator("main textarea").first.fill("职工书屋开放时间可以再延长")
    page.screenshot(path=str(SCREENSHOTS / "appraisal-rate-phone.png"), full_page=True)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert page.url == f"{base}/appraisal/"
    assert zh("You have taken part") in page.locator("main").inner_text()

    def state():
        appraisal_round = AppraisalRound.objects.get(pk=round_id)
        ratings = sorted(
            appraisal_round.subjects.filter(ratings__isnull=False).values_list("name", flat=True)
        )
        return AppraisalParticipation.objects.filter(round_id=round_id, user_id=user.pk).count(), ratings

    assert committed(union, state) == (1, ["职工之家建设与服务"])
    context.close()
