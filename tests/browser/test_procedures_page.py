"""亮程序 on a phone: after a union adopts the federation's default procedures, its procedures page
shows each chart (drawn on the server by Graphviz) readable at 390 px wide, with the steps in
words; nothing scrolls sideways, axe's WCAG 2.1 AA rules pass, and screenshots are kept in
var/screenshots/ (procedures-phone.png, procedures-desktop.png)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from accounts.models import Account
from cms.demo import site_demo_fill
from cms.models import ServiceDuty
from tenants.cases.kinds import KINDS, kinds_for_duty
from tenants.cases.procedures import procedures_adopt_defaults
from tenants.registry.demo_data import UNIONS
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.factories import credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "procedures-page"
CHAIRMAN = "13812349001"
# The smallest type a chart may be shrunk to on a phone, in CSS pixels (the body text is 16).
MIN_LABEL_PX = 11


@pytest.fixture(scope="module")
def adopted_union(django_db_setup, django_db_blocker):
    """A union with the demo site that adopted the default procedures (committed for the server)."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河科技信息有限公司工会", slug=SLUG, credit_code=credit_code(9101),
            employer="北京星河科技信息有限公司", officer_mobile=CHAIRMAN, officer_name="钱主席",
        ).union  # fmt: skip
        with tenant_context(union):
            site_demo_fill(spec=UNIONS[0], index=0)
            procedures_adopt_defaults()
    yield union
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile=CHAIRMAN).delete()


CHART_FACTS = """() => [...document.querySelectorAll('.pc-chart svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const labels = [...svg.querySelectorAll('text[font-weight="bold"]')];
    const sizes = labels.map(t => parseFloat(t.getAttribute('font-size')) * scale);
    return {width: box.width, scale, smallest: Math.min(...sizes),
            text: [...svg.querySelectorAll('text')].map(t => t.textContent).join('')};
})"""


@pytest.mark.parametrize(("viewport", "size"), [("phone", (390, 844)), ("desktop", (1280, 800))])
def test_the_procedures_page_shows_readable_charts(server, browser, adopted_union, viewport, size):
    from axe_playwright_python.sync_playwright import Axe

    phone = viewport == "phone"
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=phone, has_touch=phone, locale="zh-CN"
    )
    page = context.new_page()
    response = page.goto(f"http://{SLUG}.localhost:{server}/procedures/")
    assert response.status == 200

    charts = page.evaluate(CHART_FACTS)
    # One chart per kind of case (all adopted), whatever service duty it belongs to.
    assert len(charts) == len(KINDS)
    for spec in KINDS.values():
        assert any(all(step.label in chart["text"] for step in spec.steps) for chart in charts), spec.kind
    for chart in charts:
        # Shrunk to the screen, the step names stay legible.
        assert chart["smallest"] >= MIN_LABEL_PX, chart
        assert chart["width"] <= size[0]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    unserved = [duty for duty in ServiceDuty.values if not kinds_for_duty(duty)]
    assert page.locator(".procedure-state").count() == len(unserved)  # the others: not yet published
    assert page.get_by_text("协调办理").first.is_visible()

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not violations, violations
    page.screenshot(path=str(SCREENSHOTS / f"procedures-{viewport}.png"), full_page=True)
    page.locator(".pc-chart").first.screenshot(path=str(SCREENSHOTS / f"procedures-chart-{viewport}.png"))
    context.close()
