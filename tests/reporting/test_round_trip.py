"""信息报送 end to end (issue 9 part 7): a union's officer sends a report; the outbox delivers it
to the federation portal once (a repeated delivery changes nothing); a district administrator
of the union's district sees and marks it read, another district's administrator does not see
it at all, a city administrator sees every district's."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from reporting.models import ReceivedReport
from reporting.selectors import received_reports_visible_to
from tenants.events.delivery import outbox_deliver_pending
from tenants.events.models import OutboxEvent
from tenants.mechanisms.models import InfoReport
from tenants.mechanisms.services import info_report_save, info_report_send
from tests.mechanisms.conftest import signed_in
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db

CONTENT = "公司工会举办2026年职工技能比武，设钳工、电工两个工种，参赛职工86人。"


def _report_sent(union, by=None) -> InfoReport:
    with tenant_context(union):
        report = info_report_save(report=InfoReport(
            title="我公司工会举办职工技能比武", category="work_news", content=CONTENT,
            written_on=timezone.localdate()), by=by)  # fmt: skip
        return info_report_send(report=report, by=by)


def test_a_sent_report_reaches_its_district_and_only_its_district(
    union_a, union_b, portal, client_for, staff_a, federation
):
    """Given union A (朝阳区) sends a report, when the outbox delivers it (twice), then one
    received report exists for union A's district; the 朝阳 administrator sees it in the list and
    in full and marks it read; the 海淀 administrator gets neither list entry nor page."""
    report = _report_sent(union_a, by=staff_a["officer"].user)
    assert report.status == "sent" and report.event_id is not None
    with tenant_context(union_a):
        first = outbox_deliver_pending()
        again = outbox_deliver_pending()
        assert str(report.event_id) in first.delivered and str(report.event_id) not in again.delivered
        report.refresh_from_db()
        assert report.delivered_at is not None
        # A delivery repeated after a lost commit acknowledgement changes nothing either
        OutboxEvent.objects.filter(pk=report.event_id).update(dispatched_at=None)
        assert str(report.event_id) in outbox_deliver_pending().delivered
    received = ReceivedReport.objects.get(event_id=report.event_id)
    assert ReceivedReport.objects.filter(report_uuid=report.uuid).count() == 1
    assert (received.union, received.district.code, received.title, received.content) == (
        union_a, "110105", "我公司工会举办职工技能比武", CONTENT,
    )  # fmt: skip

    chaoyang = signed_in(client_for(portal), federation["chaoyang"].account)
    listing = chaoyang.get("/admin/reports/")
    assert listing.status_code == 200 and "我公司工会举办职工技能比武" in listing.content.decode()
    page = chaoyang.get(f"/admin/reports/{received.pk}/")
    assert page.status_code == 200 and CONTENT in page.content.decode()
    assert chaoyang.post(f"/admin/reports/{received.pk}/read/").status_code == 302
    received.refresh_from_db()
    assert received.read_at is not None and received.read_by == federation["chaoyang"].user

    haidian = signed_in(client_for(portal), federation["haidian"].account)
    listing = haidian.get("/admin/reports/")
    assert listing.status_code == 200 and "我公司工会举办职工技能比武" not in listing.content.decode()
    assert haidian.get(f"/admin/reports/{received.pk}/").status_code == 404
    assert haidian.post(f"/admin/reports/{received.pk}/read/").status_code == 404

    city = signed_in(client_for(portal), federation["city"].account)
    assert "我公司工会举办职工技能比武" in city.get("/admin/reports/").content.decode()


def test_visibility_follows_the_federation_role(union_a, union_b, portal, staff_a, chairman_b, federation):
    """Given reports from both districts, then each district administrator sees their own, the
    city administrator both, and union staff on the portal none."""
    for union, by in ((union_a, staff_a["officer"].user), (union_b, chairman_b.user)):
        _report_sent(union, by=by)
        with tenant_context(union):
            outbox_deliver_pending()
    seen = {  # on the portal (the public schema)
        who: sorted(received_reports_visible_to(federation[who].user).values_list("union__slug", flat=True))
        for who in ("chaoyang", "haidian", "city")
    }
    with tenant_context(union_a):  # never from a union's site, whoever asks
        assert not received_reports_visible_to(staff_a["chairman"].user).exists()
    assert seen == {"chaoyang": ["xinghe"], "haidian": ["hengtong"], "city": ["hengtong", "xinghe"]}


def test_a_sent_report_cannot_change_or_be_sent_twice(union_a, staff_a):
    report = _report_sent(union_a, by=staff_a["officer"].user)
    with tenant_context(union_a):
        report.title = "改过的标题"
        with pytest.raises(ServiceError) as changed:
            info_report_save(report=report)
        assert changed.value.code == "report_sent"
        with pytest.raises(ServiceError) as twice:
            info_report_send(report=report)
        assert twice.value.code == "report_sent"
        assert OutboxEvent.objects.filter(name="report.sent").count() == 1
        assert InfoReport.objects.get().title == "我公司工会举办职工技能比武"


def test_the_report_form_says_no_personal_data(union_a, client_for, staff_a):
    """Given the officer's report form, then its help text says union work information only."""
    client = signed_in(client_for(union_a), staff_a["officer"].account)
    page = client.get("/admin/mechanisms/reports/new/")
    assert page.status_code == 200
    assert "不得包含职工姓名、电话号码、身份证号码等个人信息" in page.content.decode()


def test_the_received_report_is_dated_as_written(union_a, staff_a):
    report = _report_sent(union_a, by=staff_a["officer"].user)
    with tenant_context(union_a):
        outbox_deliver_pending()
    received = ReceivedReport.objects.get(report_uuid=report.uuid)
    assert received.written_on == report.written_on and isinstance(received.written_on, datetime.date)
    assert received.category == "work_news" and received.category_label
