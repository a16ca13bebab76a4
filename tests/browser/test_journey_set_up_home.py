"""Journey 2: the chairman signs in and sees the home's checklist; fills in their public mobile and
email; declares the mediation room, also used as the stress-relief room (一室多用); publishes two
rules; adopts the federation's default procedures; sees those items turn green and the five
displays on the site; and prints the A3 name plate."""

from __future__ import annotations

import time

import pytest
from django_tenants.utils import tenant_context

from accounts.models import Account
from cms.models import PeoplePage, RoomIndexPage, RuleIndexPage
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "set-up-home"
CHAIRMAN = "13812346001"


@pytest.fixture(scope="module")
def new_union(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河科技研究院工会", slug=SLUG, credit_code=credit_code(6001),
            officer_mobile=CHAIRMAN, officer_name="赵主席", officer_password=PASSWORD,
        ).union  # fmt: skip
        with tenant_context(union):
            people_id = PeoplePage.objects.get().pk
            sections = {"rooms": RoomIndexPage.objects.get().pk, "rules": RuleIndexPage.objects.get().pk}
    yield union, people_id, sections
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile=CHAIRMAN).delete()


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` through the DevTools protocol. ``page.wait_for_function`` compiles
    its predicate inside the page, which the admin's content security policy (no eval) forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout}s: {expression}")
        time.sleep(0.1)


def leave_title(page) -> None:
    """Leave the title field, as a person does: Wagtail then fills in the page's address."""
    page.press("input[name=title]", "Tab")
    wait_until(page, "document.querySelector('input[name=slug]').value !== ''")


def checklist_item(page, label: str) -> str:
    return page.locator("li", has_text=label).first.inner_text()


def test_the_chairman_fills_in_their_contact_and_prints_the_name_plate(server, browser, new_union):
    _union, people_id, sections = new_union
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/admin/")
    page.fill("input[name=username]", CHAIRMAN)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    assert "职工之家建设清单" in page.content()
    assert "✗" in checklist_item(page, "主席公开手机号和邮箱")
    page.screenshot(path=str(SCREENSHOTS / "journey2-checklist-before.png"), full_page=True)

    page.goto(f"{base}/admin/pages/{people_id}/edit/")
    page.fill("input[name=chairman_name]", "赵主席")
    page.fill("input[name=chairman_mobile]", "138 1234 6001")
    page.fill("input[name=chairman_email]", "zhao@xinghe-yjy.cn")
    page.screenshot(path=str(SCREENSHOTS / "journey2-people-edit.png"), full_page=True)
    with page.expect_navigation():
        page.locator('button[name="action-publish"]').dispatch_event("click")
    page.screenshot(path=str(SCREENSHOTS / "journey2-people-published.png"), full_page=True)

    page.goto(f"{base}/admin/")
    assert "✓" in checklist_item(page, "主席公开手机号和邮箱")
    page.screenshot(path=str(SCREENSHOTS / "journey2-checklist-after.png"), full_page=True)
    people = page.goto(f"{base}/people/")
    assert people.status == 200 and 'href="tel:13812346001"' in page.content()

    # 有场地 and 一室多用: the mediation room, also used as the stress-relief room.
    page.goto(f"{base}/admin/")
    assert "✗" in checklist_item(page, "劳动争议调解室") and "✗" in checklist_item(page, "职工减压室")
    page.goto(f"{base}/admin/pages/add/cms/roompage/{sections['rooms']}/")
    page.fill("input[name=title]", "劳动争议调解室")
    leave_title(page)
    page.select_option("select[name=kind]", "mediation_room")
    page.check("input[name=uses][value=stress_relief_room]")
    page.fill("input[name=location]", "行政楼三层305室")
    page.fill("input[name=capacity]", "8")
    with page.expect_navigation():
        page.locator('button[name="action-publish"]').dispatch_event("click")
    assert "/add/" not in page.url, "the room was not published"

    # 亮制度: two rules, each with its date in force.
    for title, category in (("工会工作人员分工", "division_of_work"), ("职工之家管理制度", "management")):
        page.goto(f"{base}/admin/pages/add/cms/rulepage/{sections['rules']}/")
        page.fill("input[name=title]", title)
        leave_title(page)
        page.select_option("select[name=category]", category)
        page.fill("input[name=in_force_from]", "2026-11-01")
        page.press("input[name=in_force_from]", "Tab")  # closes the date picker
        editor = page.locator(".Draftail-Editor [contenteditable=true]").first
        editor.click()
        editor.press_sequentially(f"第一条 为做好{title}，制定本制度。")
        wait_until(
            page,
            "document.querySelector('.Draftail-Editor').closest('[data-field-wrapper], .w-field')"
            ".querySelector('input[type=hidden]').value.includes('第一条')",
        )
        with page.expect_navigation():
            page.locator('button[name="action-publish"]').dispatch_event("click")
        assert "/add/" not in page.url, f"{title} was not published"
    page.goto(f"{base}/admin/")
    for label in ("劳动争议调解室", "职工减压室", "至少发布一项制度"):
        assert "✓" in checklist_item(page, label), label
    rooms = page.goto(f"{base}/rooms/")
    assert rooms.status == 200 and "劳动争议调解室" in page.content() and "职工减压室" in page.content()
    page.goto(f"{base}/rules/")
    assert "工会工作人员分工" in page.content() and "2026-11-01" in page.content()

    # 亮程序: the chairman adopts the federation's default procedures in one click.
    page.goto(f"{base}/admin/")
    assert "✗" in checklist_item(page, "每类案件都有已发布的办理程序")
    page.goto(f"{base}/admin/procedures/")
    with page.expect_navigation():
        page.get_by_role("button", name="采用总工会默认程序").click()
    page.screenshot(path=str(SCREENSHOTS / "journey2-procedures-adopted.png"), full_page=True)
    page.goto(f"{base}/admin/")
    assert "✓" in checklist_item(page, "每类案件都有已发布的办理程序")
    page.goto(f"{base}/procedures/")
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 3 and "分析研判" in charts.first.inner_html()

    # The A3 name plate, fetched by the browser with the chairman's session.
    poster = page.evaluate(
        """async (url) => {
            const response = await fetch(url);
            const bytes = new Uint8Array(await response.arrayBuffer());
            return {status: response.status, type: response.headers.get("content-type"),
                    head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length};
        }""",
        f"{base}/posters/nameplate.pdf?size=A3",
    )
    assert poster["status"] == 200 and poster["type"] == "application/pdf", poster
    assert poster["head"] == "%PDF-" and poster["size"] > 10_000
    context.close()
