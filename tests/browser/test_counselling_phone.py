"""心理疏导 on a phone (390x844): a signed-in worker opens /counselling/, picks a counsellor's
free time, agrees to the purpose stated and books; the confirmation leads to "my counselling
appointments", where the talk is listed. Pages fit the screen and pass axe's WCAG 2.1 AA rules;
screenshots are kept in var/screenshots/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Account
from tenants.counselling.models import Appointment, Counsellor
from tenants.counselling.services import counsellor_save, slots_add
from tenants.events.models import OutboxEvent
from tenants.notifications.models import Notification
from tenants.privacy.models import Consent
from tenants.users.models import User
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_calendar_phone import PHONE, _fits_and_passes_axe
from tests.browser.test_journey_speak_up import committed
from tests.factories import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def counselling(union_a, django_db_blocker):
    """Union A (committed, for the server) with a chairman, a counsellor with two free times
    tomorrow, and a worker; removed afterwards."""
    made: dict = {}

    def create():
        chairman = make_person(union_a, "chairman", name="手机主席")[1]
        counsellor_user = make_person(union_a, "counsellor", name="陈静")[1]
        worker_account, worker = make_person(union_a, "member", name="郑晓雨")
        made.update(
            people=[chairman.pk, counsellor_user.pk, worker.pk], account=worker_account, worker=worker
        )
        counsellor = counsellor_save(
            counsellor=Counsellor(
                name="陈静", qualification="国家二级心理咨询师", user=counsellor_user,
                introduction="擅长压力管理和情绪调适，每周二、四下午在职工减压室接待。",
            ),
            by=chairman,
        )  # fmt: skip
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for hour in (14, 15):
            slots_add(counsellor=counsellor, first_day=tomorrow, weeks=1, weekdays=[tomorrow.weekday()],
                      start=datetime.time(hour), minutes=50, place="职工减压室", by=chairman)  # fmt: skip
        return counsellor.pk

    counsellor_id = committed(union_a, create)
    people = made["people"]
    yield made["account"], made["worker"]
    with django_db_blocker.unblock():

        def cleanup():
            Appointment.objects.filter(slot__counsellor_id=counsellor_id).delete()
            Consent.objects.filter(worker_id__in=people).delete()
            OutboxEvent.objects.filter(name__startswith="counselling.").delete()
            Notification.objects.filter(recipient_id__in=people).delete()
            Counsellor.objects.filter(pk=counsellor_id).delete()
            accounts = list(User.objects.filter(pk__in=people).values_list("account_id", flat=True))
            User.objects.filter(pk__in=people).delete()
            Account.objects.filter(pk__in=accounts).delete()

        committed(union_a, cleanup)


def test_a_worker_books_a_counsellor_on_a_phone(server, browser, union_a, counselling):
    worker_account, worker = counselling
    base = f"http://{union_a.slug}.localhost:{server}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/counselling/")
    page.fill("input[name=username]", worker_account.mobile)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/counselling/")
    assert "陈静" in page.locator("main").inner_text()
    _fits_and_passes_axe(page, "counselling page")
    page.screenshot(path=str(SCREENSHOTS / "counselling-page-phone.png"), full_page=True)

    # Without ticking the consent: refused with a message, nothing booked
    page.locator(".slots label").first.tap()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.tap()
    assert page.locator("[role=alert]").is_visible()
    assert committed(union_a, lambda: Appointment.objects.filter(worker_id=worker.pk).count()) == 0

    # Choose the time, agree, book
    page.locator(".slots label").first.tap()
    page.locator("input[name=consent]").first.check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.tap()
    assert page.url == f"{base}/my/counselling/"
    assert "陈静" in page.locator("main").inner_text()
    _fits_and_passes_axe(page, "my counselling appointments")
    page.screenshot(path=str(SCREENSHOTS / "counselling-booked-phone.png"), full_page=True)
    state = committed(
        union_a,
        lambda: list(Appointment.objects.filter(worker_id=worker.pk).values_list("status", "consent__scope")),
    )
    assert state == [("booked", "counselling")]
    context.close()
