"""Journey 1: a city administrator creates a union on the portal; within a second its site
answers at its own address and its first officer signs in there, on a phone."""

from __future__ import annotations

import time

import pytest
from django_tenants.utils import schema_context

from accounts.models import Account
from federation.models import FederationRole
from tenants.registry.models import Union
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "xinghe-keji"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """A city administrator, and the person who will be the new union's first officer (committed)."""
    with django_db_blocker.unblock():
        portal = Union.objects.get(schema_name="public")
        admin, admin_user = make_person(portal, "city_admin", name="市总管理员")
        with schema_context("public"):
            FederationRole.objects.create(user=admin_user, kind="city_admin")
        officer = Account.objects.create(mobile="13812345001", name="朝阳星河主席")
        officer.set_password(PASSWORD)
        officer.save()
    yield admin, officer
    with django_db_blocker.unblock():
        for union in Union.objects.filter(slug=SLUG):
            union.delete(force_drop=True)
        with schema_context("public"):
            admin_user.delete()
        Account.objects.filter(pk__in=[admin.pk, officer.pk]).delete()
        Account.objects.filter(mobile="13812345002").delete()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_city_admin_creates_a_union_and_its_officer_signs_in_on_a_phone(server, browser, people):
    admin, officer = people
    portal = f"http://localhost:{server}"

    desk = browser.new_context(viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    page.goto(f"{portal}/accounts/login/")
    page.fill("input[name=username]", admin.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{portal}/admin/unions/new/")
    page.fill("input[name=name]", "朝阳区星河科技发展有限公司工会")
    page.fill("input[name=slug]", SLUG)
    page.fill("input[name=credit_code]", credit_code(777))
    page.select_option("select[name=district]", label="朝阳区")
    page.fill("input[name=member_count]", "120")
    page.fill("input[name=officer_name]", "朝阳星河主席")
    page.fill("input[name=officer_mobile]", "138 1234 5001")
    page.screenshot(path=str(SCREENSHOTS / "journey1-new-union-form.png"), full_page=True)
    page.get_by_role("button", name="创建工会").click()
    page.wait_for_url(f"{portal}/admin/unions/**")
    created_at = time.monotonic()
    assert "已创建" in page.content(), page.content()[-2000:]

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    site = phone.new_page()
    response = site.goto(f"http://{SLUG}.localhost:{server}/")
    answered = time.monotonic() - created_at
    assert response.status == 200 and "朝阳区星河科技发展有限公司工会" in site.content()
    print(f"new union's site answered {answered:.2f} s after creation")
    site.click("text=登录")
    site.fill("input[name=username]", officer.mobile)
    site.fill("input[name=password]", PASSWORD)
    site.click("button[type=submit]")
    site.wait_for_load_state()
    assert "朝阳星河主席" in site.content()
    assert no_horizontal_scroll(site)
    site.screenshot(path=str(SCREENSHOTS / "journey1-officer-home-phone.png"), full_page=True)
    admin_page = site.goto(f"http://{SLUG}.localhost:{server}/admin/")
    assert admin_page.status == 200 and "职工入会方式" in site.content()
    site.screenshot(path=str(SCREENSHOTS / "journey1-officer-admin-phone.png"), full_page=True)

    # The chairman adds a colleague as an officer through the real Users form.
    site.goto(f"http://{SLUG}.localhost:{server}/admin/users/new/")
    site.fill("input[name=username]", "13812345002")
    site.fill("input[name=name]", "李文静")
    site.click("text=角色")
    site.get_by_label("工会干部").check()
    site.screenshot(path=str(SCREENSHOTS / "journey1-add-officer-phone.png"), full_page=True)
    site.get_by_role("button", name="创建").click()
    site.wait_for_url(f"http://{SLUG}.localhost:{server}/admin/users/**")
    assert "李文静" in site.content()
    desk.close()
    phone.close()
