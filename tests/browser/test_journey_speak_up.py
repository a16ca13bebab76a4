"""Journey 4: a worker speaks up. On a phone, a signed-in worker files a suggestion anonymously
and gets a one-time code; an officer moves the case along its procedure and replies (through the
services: the staff admin for cases is built separately); the worker checks the status with the
code and rates the reply. Every page fits the phone, passes axe's WCAG 2.1 AA rules and is
screenshotted."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import Account
from cms.demo import site_demo_fill
from tenants.cases.models import Case
from tenants.cases.services import case_note, case_transition
from tenants.registry.demo_data import UNIONS
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "speak-up"
CHAIRMAN = "13812348001"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


@pytest.fixture(scope="module")
def union_with_people(django_db_setup, django_db_blocker):
    """A union with its demo site, an officer and a worker (committed, for the server to see)."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河科技服务有限公司工会", slug=SLUG, credit_code=credit_code(8001),
            employer="北京星河科技服务有限公司", officer_mobile=CHAIRMAN, officer_name="周主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        with tenant_context(union):
            site_demo_fill(spec=UNIONS[0], index=0)
        officer_account, officer = make_person(union, "officer", name="吴干事")
        worker_account, worker = make_person(union, "member", name="郑晓雨")
    yield union, officer, worker_account, worker
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, officer_account.mobile, worker_account.mobile]).delete()


def committed(union, work):
    """Run ``work`` in ``union``'s schema on a connection of its own, committed at once, so the
    server process sees it (the test's own connection is inside a transaction rolled back at the end)."""
    outcome: dict = {}

    def run() -> None:
        try:
            with tenant_context(union):
                outcome["value"] = work()
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _fits_and_passes_axe(page, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not violations, (name, violations)
    page.screenshot(path=str(SCREENSHOTS / f"journey4-{name}.png"), full_page=True)


def test_a_worker_speaks_up_anonymously_and_rates_the_reply(server, browser, union_with_people):
    union, officer, worker_account, _worker = union_with_people
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()

    # The worker is signed in, and finds "我要反映" on the home page.
    page.goto(f"{base}/accounts/login/?next=/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.locator("#speak-up").scroll_into_view_if_needed()
    _fits_and_passes_axe(page, "1-home")
    page.get_by_role("link", name="我要反映").first.click()
    page.wait_for_url(f"{base}/appeals/new/")
    assert "郑晓雨" in page.content()  # the named form knows who is signed in
    _fits_and_passes_axe(page, "2-form-named")

    # ...and chooses to file anonymously.
    page.get_by_role("link", name="匿名反映").click()
    page.wait_for_url(f"{base}/appeals/anonymous/")
    assert "匿名反映不保留您的任何信息" in page.content()
    page.get_by_label("建议").check()
    page.fill("input[name=title]", "建议夜班通勤车增加一班")
    page.fill("textarea[name=description]", "夜班22:30下班后只有一趟班车，经常坐不下。建议23:00再加一趟。")
    _fits_and_passes_axe(page, "3-form-anonymous")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="匿名提交").click()
    response = navigation.value
    assert response.status == 200
    headers = response.all_headers()
    assert "set-cookie" not in headers and "no-store" in headers["cache-control"]
    code = page.locator("[data-tracking-code]").inner_text().strip()
    assert len(code) == 14 and "只显示这一次" in page.content()
    _fits_and_passes_axe(page, "4-code")

    # Nothing links the case to the signed-in worker, though their browser sent its session.
    case = committed(union, lambda: Case.objects.get(title="建议夜班通勤车增加一班"))
    assert case.requester_type == "anonymous" and case.requester_id is None and case.created_by_id is None
    assert case.category == "suggestion" and case.channel == "web_form"

    # The officer works the case along the procedure and replies.
    def officer_handles() -> None:
        moved = case_transition(case=case, to_step="assess", by=officer, note="涉及通勤安排，需与行政部协调")
        case_note(case=moved, kind="note", text="内部：行政部本周五答复", by=officer)
        moved = case_transition(case=moved, to_step="handle", by=officer)
        moved = case_transition(case=moved, to_step="reply", by=officer, note="行政部同意增开")
        case_note(
            case=moved, kind="reply", text="经与行政部协调，下周一起夜班增开23:00班车一趟。", by=officer
        )
        case_transition(case=moved, to_step="closed", by=officer, outcome="夜班增开23:00班车一趟")

    committed(union, officer_handles)

    # The worker checks with the code, on the same phone.
    page.goto(f"{base}/")
    page.get_by_role("link", name="查询办理进度").first.click()
    page.wait_for_url(f"{base}/appeals/follow/")
    page.fill("input[name=code]", code.lower())
    _fits_and_passes_axe(page, "5-follow-form")
    with page.expect_navigation():
        page.get_by_role("button", name="查询", exact=True).click()
    content = page.content()
    assert "已办结" in content and "经与行政部协调" in content and "夜班增开23:00班车一趟" in content
    assert "内部" not in content and "吴干事" not in content
    _fits_and_passes_axe(page, "6-status-closed")

    page.get_by_label("5 · 非常满意").check()
    page.fill("textarea[name=comment]", "解决得很快，谢谢工会！")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    assert "★★★★★" in page.content()
    _fits_and_passes_axe(page, "7-rated")

    rated = committed(union, lambda: Case.objects.get(pk=case.pk))
    assert (rated.rating, rated.rating_comment) == (5, "解决得很快，谢谢工会！")
    context.close()


def test_a_member_files_with_their_name_and_follows_it_under_my_cases(
    server, browser, union_with_people, tmp_path
):
    union, officer, worker_account, worker = union_with_people
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/appeals/new/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/appeals/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="提交", exact=True).click()  # nothing filled in
    assert page.locator(".errorlist").count() >= 2
    _fits_and_passes_axe(page, "8-form-errors")
    page.get_by_label("要求").check()
    page.fill("input[name=title]", "节假日加班费未按三倍计发")
    page.fill("textarea[name=description]", "国庆节加班三天，工资条上按两倍计算，请工会帮忙核实。")
    payslip = tmp_path / "十月工资条.txt"
    payslip.write_text("加班费：2倍 × 3天\n", encoding="utf-8")
    page.set_input_files("input[name=attachment]", str(payslip))
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(f"{base}/my/cases/*/")
    assert "您的诉求已提交" in page.content() and "十月工资条.txt" in page.content()
    _fits_and_passes_axe(page, "9-my-case")

    case, files = committed(
        union, lambda: (c := Case.objects.get(title="节假日加班费未按三倍计发"), c.attachments.count())
    )
    assert case.requester_id == worker.pk and files == 1
    committed(union, lambda: case_transition(case=case, to_step="assess", by=officer, note="已调取考勤记录"))
    page.goto(f"{base}/my/cases/")
    assert "节假日加班费未按三倍计发" in page.content() and "分析研判" in page.content()
    _fits_and_passes_axe(page, "10-my-cases")
    context.close()
