"""The union's site on a phone and a desktop (issue 3): Chromium at 390x844 and 1280x800 takes
screenshots of a demo union's home and people pages; nothing scrolls sideways."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from tenants.registry.demo_data import UNIONS, officer_person
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.factories import credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "site-pages"
SPEC = UNIONS[0]
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(scope="module")
def demo_union(django_db_setup, django_db_blocker):
    """A union provisioned and filled with the demo site, committed for the server to see."""
    with django_db_blocker.unblock():
        union = union_provision(
            name=SPEC.name.replace("有限公司", "发展有限公司"), slug=SLUG, credit_code=credit_code(4242),
            employer=SPEC.employer, officer_mobile="13812340042", officer_name="页面测试主席",
        ).union  # fmt: skip
        with tenant_context(union):
            site_demo_fill(spec=SPEC, index=0)
    yield union
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)


def _load_everything(page) -> None:
    """Scroll through the page so lazily loaded images load before a full-page screenshot."""
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


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_home_and_people_pages_fit_the_screen_on_a_phone_and_a_desktop(server, browser, demo_union, viewport):
    width, height = VIEWPORTS[viewport]
    phone = viewport == "phone"
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    base = f"http://{SLUG}.localhost:{server}"
    for path, name in (("/", "home"), ("/people/", "people")):
        response = page.goto(base + path)
        assert response.status == 200
        _load_everything(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, viewport)
        broken = page.evaluate("[...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
        assert not broken, broken
        missing_alt = page.evaluate("[...document.querySelectorAll('main img:not([alt])')].length")
        assert missing_alt == 0
        page.screenshot(path=str(SCREENSHOTS / f"site-{name}-{viewport}.png"), full_page=True)
    # The chairman's number is one tap away on the people page.
    assert page.locator(f'a[href="tel:{officer_person(0, 1).mobile}"]').first.is_visible()
    if phone:
        # The compact menu opens without JavaScript (a <details> element) and leads to a section.
        page.goto(base + "/")
        page.locator(".menu-compact summary").click()
        page.locator(".menu-compact a", has_text="规章制度").click()
        page.wait_for_url(base + "/rules/")
        assert "职工之家管理制度" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "site-rules-phone.png"), full_page=True)
    context.close()


SECTION_PATHS = (
    "/",
    "/rooms/",
    "/people/",
    "/rules/",
    "/services/",
    "/bulletin/",
    "/procedures/",
    "/brands/",
)


def test_every_section_passes_an_axe_wcag_21_aa_audit(server, browser, demo_union):
    """axe-core (the engine behind Lighthouse's accessibility audit), WCAG 2.0/2.1 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = f"http://{SLUG}.localhost:{server}"
    problems = {}
    for path in (*SECTION_PATHS, "/accounts/login/", "/accounts/register/", "/no-such-page/"):
        page.goto(base + path)
        _load_everything(page)
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
        )
        violations = results.response["violations"]
        if violations:
            problems[path] = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
            ]
    context.close()
    assert not problems, problems
