"""The people page (亮身份) drawn from the committees, in Chromium at 390x844 and 1280x800: the
committees with their positions, photos and badge numbers, the chairman's number one tap away,
nothing scrolling sideways. Screenshots in var/screenshots/people-committees-*.png."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from tenants.committees import demo as committees_demo
from tenants.membership import demo as membership_demo
from tenants.registry.demo_data import UNIONS, officer_person
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.factories import credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "people-board"
SPEC = UNIONS[0]
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(scope="module")
def board_union(django_db_setup, django_db_blocker):
    """A union with the demo site, roster and committees, committed for the server to see."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河科技亮身份测试有限公司工会", slug=SLUG, credit_code=credit_code(4343),
            employer=SPEC.employer, officer_mobile="13812340043", officer_name="亮身份测试主席",
        ).union  # fmt: skip
        with tenant_context(union):
            site_demo_fill(spec=SPEC, index=0)
            membership_demo.demo_fill(spec=SPEC, index=0)
            committees_demo.demo_fill(spec=SPEC, index=0)
    yield union
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_people_page_from_the_committees_fits_a_phone_and_a_desktop(
    server, browser, board_union, viewport
):
    width, height = VIEWPORTS[viewport]
    phone = viewport == "phone"
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    response = page.goto(f"http://{SLUG}.localhost:{server}/people/")
    assert response.status == 200
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 400) {
                window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30));
            }
            window.scrollTo(0, 0);
            await Promise.all([...document.images].map(img => img.complete ? null :
                new Promise(r => { img.onload = img.onerror = r; })));
        }"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not page.evaluate("[...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
    headings = page.locator("main section h2").all_inner_texts()
    assert "工会委员会" in headings and "经费审查委员会" in headings and "女职工委员会" in headings
    assert page.locator(f'a[href="tel:{officer_person(0, 1).mobile}"]').first.is_visible()
    assert page.locator(".badge-no").count() == 12  # every post in the three committees
    page.screenshot(path=str(SCREENSHOTS / f"people-committees-{viewport}.png"), full_page=True)
    context.close()
