"""Each union's site (issue 3): every page type renders with real content on the union's host,
the bulletin shows current notices pinned first, bad input is refused, the home page stays
within fifteen queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from cms.models import HomePage, NoticePage, PeoplePage, RulePage
from cms.selectors import contrast_with_white, theme_for
from tenants.registry.demo_data import UNIONS, officer_person

pytestmark = pytest.mark.django_db
SPEC = UNIONS[0]  # 星河科技: the demo union whose slug is union_a's


@pytest.fixture
def filled(union_a):
    """Union A with the demo site's content (rolled back after the test)."""
    with tenant_context(union_a):
        site_demo_fill(spec=SPEC, index=0)
    return union_a


@pytest.fixture
def site(filled, client_for):
    return client_for(filled)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ["职工之家", "园区东门进入", "倾听呼声 反映诉求", "劳动争议调解室"]),
        ("/rooms/", ["职工活动中心", "职工减压室", "职工书屋"]),
        ("/rooms/mediation-room/", ["劳动争议调解室", "圆形调解桌", "203室"]),
        ("/people/", [officer_person(0, 1).name, "工会副主席", "GH00101", "劳动争议调解员"]),
        ("/rules/", ["职工之家工作人员分工", "职工之家管理制度"]),
        ("/rules/mediation-rules/", ["劳动争议调解工作制度", "15日内结束"]),
        ("/services/", ["困难职工帮扶", "心理疏导", "文体活动和兴趣小组"]),
        ("/services/counselling/", ["心理疏导", "职工减压室", "谈话内容严格保密"]),
        ("/bulletin/", ["关于开展本年度职工合理化建议活动的通知", "周六职工篮球友谊赛报名"]),
        ("/bulletin/basketball-match/", ["周六职工篮球友谊赛报名", "每队5至8人"]),
        ("/procedures/", ["倾听呼声 反映诉求", "劳动争议调解和法律援助"]),
        ("/brands/", [SPEC.brand, "午间微课堂"]),
        ("/brands/brand-main/", [SPEC.brand, "结对联系一线职工"]),
    ],
)
def test_each_page_type_renders_with_its_content_on_the_unions_host(site, path, expected):
    response = site.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html, f"{text!r} missing on {path}"
    # The union's name plate and menu are on every page.
    assert "朝阳区星河科技有限公司工会" in html
    assert 'href="/rules/"' in html and "<details" in html


def test_the_home_page_shows_the_name_plate_chairman_notices_and_rooms(site, filled):
    html = site.get("/").content.decode()
    chairman = officer_person(0, 1)
    assert f'href="tel:{chairman.mobile}"' in html
    assert "mailto:zhuxi.xinghe@example.com" in html
    assert "关于开展本年度职工合理化建议活动的通知" in html  # pinned notice
    assert "春节送温暖活动圆满结束" not in html  # expired
    for room in ("职工活动中心", "劳动争议调解室", "职工减压室", "职工书屋"):
        assert room in html
    # The union's colour reaches the theme, and every image has alternative text.
    with tenant_context(filled):
        colour = HomePage.objects.get().brand_colour
    assert f"--brand:{theme_for(colour).brand}" in html
    assert "<img" in html and 'alt=""' not in html.split("</header>", 1)[1]


def test_the_bulletin_lists_current_notices_pinned_first_and_hides_expired_ones(site, filled):
    html = site.get("/bulletin/").content.decode()
    pinned = html.index("关于开展本年度职工合理化建议活动的通知")
    newer = html.index("周六职工篮球友谊赛报名")  # published after the pinned one
    assert pinned < newer
    assert "春节送温暖活动圆满结束" not in html
    with tenant_context(filled):
        today = timezone.localdate()
        expired = NoticePage.objects.get(slug="spring-festival")
        assert expired.expires_on < today
        future = NoticePage.objects.get(slug="basketball-match")
        future.published_on = today + datetime.timedelta(days=3)
        future.save_revision().publish()
    html = site.get("/bulletin/").content.decode()
    assert "周六职工篮球友谊赛报名" not in html  # not published yet
    # An expired notice's own page still answers, marked as expired.
    page = site.get("/bulletin/spring-festival/").content.decode()
    assert "春节送温暖活动圆满结束" in page and "tag expired" in page


def test_a_rule_shows_its_category_date_in_force_and_version(site, filled):
    with tenant_context(filled):
        rule = RulePage.objects.get(slug="management-rules")
    html = site.get("/rules/management-rules/").content.decode()
    assert rule.in_force_from.strftime("%Y-%m-%d") in html
    assert rule.version and rule.version in html
    assert rule.in_force_from.strftime("%Y-%m-%d") in site.get("/rules/").content.decode()


def test_the_people_page_shows_the_chairmans_mobile_as_a_tel_link_and_the_staff(site):
    chairman = officer_person(0, 1)
    html = site.get("/people/").content.decode()
    assert f'href="tel:{chairman.mobile}"' in html
    assert "mailto:zhuxi.xinghe@example.com" in html
    assert html.count('class="badge-no"') == 6
    assert f'alt="{chairman.name}"' in html  # the portrait's alternative text is the name


def test_the_procedures_page_lists_each_service_without_inventing_a_flowchart(site):
    html = site.get("/procedures/").content.decode()
    assert html.count('class="procedure-state"') == 6
    assert "<svg" not in html and "<img" not in html.split('<main id="main">', 1)[1]


def test_an_unknown_page_gives_the_unions_own_404_page(site):
    response = site.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "朝阳区星河科技有限公司工会" in html
    assert 'href="/people/"' in html  # the union's menu


def test_the_home_page_needs_at_most_fifteen_queries(site, settings, django_assert_max_num_queries):
    # django-tenants sets the search path once per request instead of before every query.
    settings.TENANT_LIMIT_SET_CALLS = True
    assert site.get("/").status_code == 200  # renditions are made on the first view
    with django_assert_max_num_queries(15):
        response = site.get("/")
    assert response.status_code == 200


def test_an_invalid_chairman_mobile_is_refused(filled):
    with tenant_context(filled):
        people = PeoplePage.objects.get()
        people.chairman_mobile = "1234567"
        with pytest.raises(ValidationError) as error:
            people.full_clean()
        assert "chairman_mobile" in error.value.message_dict
        people.refresh_from_db()
        assert people.chairman_mobile == officer_person(0, 1).mobile


def test_a_notice_expiring_before_it_is_published_is_refused(filled):
    with tenant_context(filled):
        notice = NoticePage.objects.get(slug="reception-day")
        notice.expires_on = notice.published_on - datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            notice.full_clean()
        assert "expires_on" in error.value.message_dict


def test_the_demo_fill_is_idempotent(filled):
    with tenant_context(filled):
        again = site_demo_fill(spec=SPEC, index=0)
    assert again.pages == 0 and again.images == 0


def test_the_unions_colour_is_darkened_until_white_text_on_it_is_readable():
    assert contrast_with_white(theme_for("#ffeb3b").brand) >= 4.5
    assert theme_for("#0d47a1").brand == "#0d47a1"  # already readable: kept as it is
    assert contrast_with_white(theme_for("not-a-colour").brand) >= 4.5
