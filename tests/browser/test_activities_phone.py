"""Journey 3 on a phone (390x844), from the activity list: a signed-in worker opens /activities/,
taps Saturday's basketball match and taps "sign up" (three taps from the list), sees their place
and finds it under "my activities"; a worker of another union signs in and up on the activity's
own page. Each page fits the screen and passes axe's WCAG 2.1 AA rules; screenshots are kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.activities.models import Activity, ActivitySignup
from tenants.activities.services import activity_publish, activity_save
from tenants.registry.models import Union
from tenants.registry.services import union_provision
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.browser.test_journey_speak_up import committed
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SLUG = "activities-phone"
SISTER = "activities-sister"
CHAIRMAN = "13812348701"
SISTER_CHAIRMAN = "13812348702"


def _next_saturday_morning() -> datetime.datetime:
    today = timezone.localdate()
    day = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


@pytest.fixture(scope="module")
def unions(django_db_setup, django_db_blocker):
    """A union with a worker and two published activities, and a sister union with a worker of
    its own (committed, for the server)."""
    with django_db_blocker.unblock():
        union = union_provision(
            name="朝阳区星河活动测试有限公司工会", slug=SLUG, credit_code=credit_code(8701),
            employer="北京星河活动测试有限公司", officer_mobile=CHAIRMAN, officer_name="周主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        sister = union_provision(
            name="海淀区恒通活动测试有限公司工会", slug=SISTER, credit_code=credit_code(8702),
            employer="北京恒通活动测试有限公司", officer_mobile=SISTER_CHAIRMAN, officer_name="吴主席",
            officer_password=PASSWORD,
        ).union  # fmt: skip
        worker_account, worker = make_person(union, "member", name="郑晓雨")
        sister_account, _ = make_person(sister, "member", name="冯建军")
        with tenant_context(union):
            from tenants.users.models import User

            chairman = User.objects.get(username=CHAIRMAN)
            saturday = _next_saturday_morning()
            made = []
            for title, kind, audience, offset in (
                ("周六篮球赛", "sports", "sister_unions", 0),
                ("劳动合同法知识讲座", "lecture", "members", 3),
            ):
                starts = saturday + datetime.timedelta(days=offset)
                activity = activity_save(
                    activity=Activity(
                        title=title, kind=kind, place="职工活动中心", starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=2), capacity=20, audience=audience,
                        description="欢迎职工踊跃报名参加。",
                    ),
                    by=chairman,
                )  # fmt: skip
                made.append(activity_publish(activity=activity, by=chairman))
    yield union, worker_account, worker, sister_account, made[0]
    with django_db_blocker.unblock():
        for created in Union.objects.filter(slug__in=[SLUG, SISTER]):
            created.delete(force_drop=True)
        Account.objects.filter(
            mobile__in=[CHAIRMAN, SISTER_CHAIRMAN, worker_account.mobile, sister_account.mobile]
        ).delete()


def test_a_worker_signs_up_from_the_activity_list_in_three_taps(server, browser, unions):
    union, worker_account, worker, _sister_account, match = unions
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/activities/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/activities/")
    _fits_and_passes_axe(page, "activity list")
    page.screenshot(path=str(SCREENSHOTS / "activities-list-phone.png"), full_page=True)

    # Tap 1: the match on the list; tap 2: sign up
    page.locator(f'main a[href="/activities/{match.pk}/"]').first.tap()
    page.wait_for_url(f"{base}/activities/{match.pk}/")
    _fits_and_passes_axe(page, "activity page")
    with page.expect_navigation():
        page.locator(f'form[action="/activities/{match.pk}/signup/"] button[type=submit]').tap()
    assert page.locator(f'form[action="/activities/{match.pk}/cancel/"]').is_visible()
    _fits_and_passes_axe(page, "signed up")
    page.screenshot(path=str(SCREENSHOTS / "activities-signed-up-phone.png"), full_page=True)
    status = committed(
        union, lambda: ActivitySignup.objects.get(activity_id=match.pk, user_id=worker.pk).status
    )
    assert status == "confirmed"

    page.goto(f"{base}/my/activities/")
    assert "周六篮球赛" in page.locator("main").inner_text()
    _fits_and_passes_axe(page, "my activities")
    page.screenshot(path=str(SCREENSHOTS / "activities-mine-phone.png"), full_page=True)
    context.close()


def test_a_worker_of_a_sister_union_signs_in_and_up_on_the_activity_page(server, browser, unions):
    union, _worker_account, _worker, sister_account, match = unions
    base = f"http://{SLUG}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/activities/{match.pk}/")
    page.locator(f'main a[href="/activities/{match.pk}/join/"]').tap()
    page.wait_for_url(f"{base}/activities/{match.pk}/join/")
    _fits_and_passes_axe(page, "join")
    page.fill("input[name=username]", sister_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()
    assert page.url == f"{base}/activities/{match.pk}/"
    page.screenshot(path=str(SCREENSHOTS / "activities-visitor-phone.png"), full_page=True)

    def visitor_state():
        from tenants.users.models import User

        visitor = User.objects.get(account_id=sister_account.pk)
        signup = ActivitySignup.objects.get(activity_id=match.pk, user=visitor)
        return sorted(visitor.groups.values_list("name", flat=True)), signup.status

    assert committed(union, visitor_state) == (["visitor"], "confirmed")
    context.close()
