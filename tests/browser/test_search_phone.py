"""The union site's search on a phone (Chromium at 390x844): a worker types 篮 and sees
suggestions, searches 篮球 and gets the basketball group first, with facets and highlighted
words; the page fits the screen, passes an axe WCAG 2.1 AA audit, and the screenshot goes to
var/screens/search-phone.png.

The server process finds the embedded search engine through its state file under the test
VAR_DIR (``search.conf.engine_dir``); this test starts that engine (it exits with the test
process) and indexes the demo union into it with the server's index prefix.
"""

from __future__ import annotations

import json
import os

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from search import conf
from search.client import search_client
from search.engine import STATE_FILE, engine_start, engine_state
from search.indexing import union_documents_index, union_documents_remove, union_info_forget
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import ROOT
from tests.factories import credit_code
from tests.search.pages_corpus import demo_corpus_fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "search-phone"
SCREENS = ROOT / "var" / "screens"


@pytest.fixture(scope="module")
def server_engine():
    """The embedded engine the server process will use, and settings pointing this process at
    it with the same index prefix."""
    state_dir = conf.engine_dir()
    state = engine_state(state_dir)
    if state is None:
        state = engine_start(state_dir, parent_pid=os.getpid())
        (state_dir / STATE_FILE).write_text(json.dumps(state))
    overridden = override_settings(
        ELASTICSEARCH_URL=state["url"], SEARCH_PLAIN_JSON=True,
        SEARCH_INDEX_PREFIX=os.environ.get("SEARCH_INDEX_PREFIX") or "workershome",
    )  # fmt: skip
    overridden.enable()
    yield state["url"]
    overridden.disable()


@pytest.fixture(scope="module")
def demo_union(django_db_setup, django_db_blocker, server_engine):
    """A union with the demo generator's content, committed and indexed for the server."""
    from search.documents import indices_ensure

    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河搜索测试有限公司工会", slug=SLUG, credit_code=credit_code(4747),
            employer="北京星河搜索测试有限公司", officer_mobile="13812340047", officer_name="搜索测试主席",
        ).union  # fmt: skip
        demo_corpus_fill(union, index=0)
        indices_ensure(search_client())
        union_info_forget()
        with tenant_context(union):
            union_documents_index(schema=union.schema_name, refresh=True)
    yield union
    with django_db_blocker.unblock():
        union_documents_remove(schema=union.schema_name, refresh=True)
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)


def test_a_worker_searches_the_union_site_on_a_phone(server, browser, demo_union):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = f"http://{SLUG}.localhost:{server}"
    page.goto(f"{base}/")
    page.click("a.nav-search")
    page.wait_for_url(f"{base}/search/")

    page.locator("#search-q").press_sequentially("篮")
    page.wait_for_selector("#search-suggestions li")
    assert "篮球队" in page.inner_text("#search-suggestions")

    page.fill("#search-q", "篮球")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(f"{base}/search/?q=*")
    first = page.locator(".result").first
    assert "篮球队" in first.inner_text()
    assert page.locator(".result mark").count() >= 3
    assert page.locator(".facets .chip").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "search-phone.png"), full_page=True)
    context.close()
    assert not violations, violations
