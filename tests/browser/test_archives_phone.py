"""The members' archive page on a phone (390x844): a signed-in member opens /archives/, taps
the rules category, opens the Workers' Home rules with its notice-board photo and PDF, and never
sees the staff-only minutes. Each page fits the screen and passes axe's WCAG 2.1 AA rules;
screenshots are kept in var/screenshots/archives-*.png."""

from __future__ import annotations

import io
import shutil

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.archives.documents import text_pdf
from tenants.archives.services import archive_item_create
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "archives-phone"
CHAIRMAN = "13812348801"


def _photo(colour: str, name: str) -> ContentFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (960, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 100, 840, 500), outline="white", width=12)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name=name)


@pytest.fixture(scope="module")
def union(django_db_setup, django_db_blocker):
    """A union with a member, public rules with a photo, activity photos and staff-only minutes
    (committed, for the server)."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河档案测试有限公司工会", slug=SLUG, credit_code=credit_code(8801),
            employer="北京星河档案测试有限公司", officer_mobile=CHAIRMAN, officer_name="何主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        member_account, _member = make_person(union, "member", name="郑晓雨")
        with tenant_context(union):
            from tenants.users.models import User

            chairman = User.objects.get(username=CHAIRMAN)
            rules_pdf = ContentFile(
                text_pdf(title="职工之家管理制度", paragraphs=["第一条　职工之家向全体会员开放。"]),
                name="职工之家管理制度.pdf",
            )
            rules = archive_item_create(
                category="rules", kind="rule", title="职工之家管理制度", date="2025-01-15", retention="permanent",
                access="public", description="经工会委员会讨论通过，在公示栏公示。",
                files=[rules_pdf, _photo("#b03a2e", "公示栏.png")], by=chairman,
            )  # fmt: skip
            archive_item_create(
                category="activities", kind="photo", title="2025年职工趣味运动会照片", date="2025-05-16",
                retention="30", access="public", description="拔河、跳绳、托球跑，12支队伍参加。",
                files=[_photo("#1f618d", "运动会1.png"), _photo("#117a65", "运动会2.png")], by=chairman,
            )  # fmt: skip
            archive_item_create(
                category="minutes", kind="minutes", title="第一次工会委员会会议纪要", date="2025-02-20",
                retention="10", access="staff", files=[ContentFile(b"%PDF-1.4\n%%EOF\n", name="纪要.pdf")], by=chairman,
            )  # fmt: skip
    yield union, member_account, rules
    with django_db_blocker.unblock():
        schema = union.schema_name
        for created in Union.objects.filter(slug=SLUG):
            created.delete(force_drop=True)
        Account.objects.filter(mobile__in=[CHAIRMAN, member_account.mobile]).delete()
    shutil.rmtree(f"{settings.MEDIA_ROOT}/{schema}", ignore_errors=True)


def test_a_member_browses_the_public_archives_on_a_phone(server, browser, union):
    _union, member_account, rules = union
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/archives/")
    page.fill("input[name=username]", member_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/archives/")
    text = page.locator("main").inner_text()
    assert "职工之家管理制度" in text and "趣味运动会" in text and "第一次工会委员会会议纪要" not in text
    page.wait_for_load_state("networkidle")
    assert page.evaluate(
        "[...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    _fits_and_passes_axe(page, "archive list")
    page.screenshot(path=str(SCREENSHOTS / "archives-list-phone.png"), full_page=True)

    page.locator('main a[href="?category=rules"]').tap()
    page.wait_for_url(f"{base}/archives/?category=rules")
    assert "趣味运动会" not in page.locator("main").inner_text()
    page.locator(f'main a[href="/archives/{rules.pk}/"]').tap()
    page.wait_for_url(f"{base}/archives/{rules.pk}/")
    page.wait_for_load_state("networkidle")
    assert "职工之家管理制度.pdf" in page.locator("main").inner_text()
    assert page.evaluate("document.querySelector('main figure img').naturalWidth") == 960
    _fits_and_passes_axe(page, "archive item")
    page.screenshot(path=str(SCREENSHOTS / "archives-item-phone.png"), full_page=True)
    context.close()


def test_the_chairman_sees_the_archives_admin(server, browser, union):
    """The admin list (desktop): the chairman sees every level, including the staff-only minutes."""
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/admin/archives/")
    page.fill("input[name=username]", CHAIRMAN)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/archives/")
    text = page.locator("main").inner_text()
    assert "第一次工会委员会会议纪要" in text and "职工之家管理制度" in text
    page.screenshot(path=str(SCREENSHOTS / "archives-admin.png"), full_page=True)
    context.close()
