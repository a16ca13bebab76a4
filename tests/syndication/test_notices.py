"""Federation notices (通知公告、政策文件) pushed down to the unions' sites (issue 7, item 9)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from syndication.models import FederationNotice, NoticeReceipt
from syndication.services import MAX_ATTACHMENT_BYTES, notice_publish, notice_withdraw
from tests.mechanisms.conftest import signed_in
from workershome.errors import ServiceError

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_a_notice_to_chaoyang_shows_on_a_chaoyang_union_only(
    union_a, union_b, client_for, federation, chaoyang, publish
):
    """Given the 朝阳 administrator publishes a notice to 朝阳区, then union A (朝阳) lists it and
    shows it in full, and union B (海淀) neither lists it nor opens it (404)."""
    notice = publish(federation["chaoyang"].user, "关于开展职工技能比武的通知", districts=[chaoyang])

    site_a = client_for(union_a)
    listing = site_a.get("/notices/")
    assert listing.status_code == 200 and "关于开展职工技能比武的通知" in listing.content.decode()
    page = site_a.get(f"/notices/{notice.pk}/")
    assert page.status_code == 200 and "请认真组织学习" in page.content.decode()

    site_b = client_for(union_b)
    assert "关于开展职工技能比武的通知" not in site_b.get("/notices/").content.decode()
    assert site_b.get(f"/notices/{notice.pk}/").status_code == 404


def test_a_notice_to_every_union_shows_on_both(union_a, union_b, client_for, federation, publish):
    """Given the city administrator publishes a policy to every union, then both unions list it."""
    publish(federation["city"].user, "北京市职工互助保障政策解读", to_all=True, kind="policy")
    for union in (union_a, union_b):
        assert "北京市职工互助保障政策解读" in client_for(union).get("/notices/").content.decode()


def test_a_withdrawn_notice_disappears_and_the_cached_pages_refresh(
    union_a, union_b, client_for, federation, publish, settings, django_capture_on_commit_callbacks
):
    """Given anonymous pages are cached and a notice to every union is on both sites, when the
    city administrator withdraws it, then it is gone from both lists and its page is a 404,
    although the earlier lists were cached."""
    settings.CACHE_MIDDLEWARE_SECONDS = 300
    notice = publish(federation["city"].user, "关于春节慰问的通知", to_all=True)
    for union in (union_a, union_b):
        assert "关于春节慰问的通知" in client_for(union).get("/notices/").content.decode()
        # the home page's card too (cached on its own key)
        assert "关于春节慰问的通知" in client_for(union).get("/").content.decode()

    with schema_context(get_public_schema_name()), django_capture_on_commit_callbacks(execute=True):
        notice_withdraw(notice=notice, by=federation["city"].user)

    for union in (union_a, union_b):
        assert "关于春节慰问的通知" not in client_for(union).get("/notices/").content.decode()
        assert "关于春节慰问的通知" not in client_for(union).get("/").content.decode()
        assert client_for(union).get(f"/notices/{notice.pk}/").status_code == 404
    with schema_context(get_public_schema_name()), pytest.raises(ServiceError):
        notice_withdraw(notice=notice, by=federation["city"].user)


def test_a_district_administrator_cannot_publish_to_another_district(
    portal, client_for, federation, haidian, chaoyang, publish
):
    """Given the 朝阳 administrator, when they publish to 海淀区 or to every union (through the
    service and the admin form), then it is refused with a clear message and nothing is saved;
    nor may they withdraw the 海淀 administrator's notice."""
    chaoyang_admin = federation["chaoyang"].user
    with pytest.raises(ServiceError) as refused:
        publish(chaoyang_admin, "越权通知", districts=[haidian])
    assert refused.value.code == "notice_district_forbidden" and "海淀区" in str(refused.value.message)
    with pytest.raises(ServiceError) as refused:
        publish(chaoyang_admin, "越权通知", to_all=True)
    assert refused.value.code == "notice_to_all_forbidden"

    admin = signed_in(client_for(portal), federation["chaoyang"].account)
    form = admin.get("/admin/federation-notices/publish/")
    assert form.status_code == 200 and "海淀区" not in form.content.decode()
    response = admin.post(
        "/admin/federation-notices/publish/",
        {"title": "越权通知", "kind": "notice", "body": "正文", "districts": [haidian.pk]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 403
    assert "海淀区" in response.content.decode()  # named in the refusal (the form offers only 朝阳区)
    assert not FederationNotice.objects.filter(title="越权通知").exists()

    connection.set_schema_to_public()
    other = publish(federation["haidian"].user, "海淀区通知", districts=[haidian])
    with pytest.raises(ServiceError):
        notice_withdraw(notice=other, by=chaoyang_admin)
    assert admin.get(f"/admin/federation-notices/{other.pk}/").status_code == 404

    own = admin.post(
        "/admin/federation-notices/publish/",
        {"title": "朝阳区工会工作要点", "kind": "notice", "body": "正文", "districts": [chaoyang.pk]},
    )
    assert own.status_code == 302
    assert list(FederationNotice.objects.get(title="朝阳区工会工作要点").districts.all()) == [chaoyang]
    mine = FederationNotice.objects.get(title="朝阳区工会工作要点")
    listing = admin.get("/admin/federation-notices/")
    assert listing.status_code == 200 and "朝阳区工会工作要点" in listing.content.decode()
    assert "海淀区通知" not in listing.content.decode()
    assert admin.post(f"/admin/federation-notices/{mine.pk}/withdraw/").status_code == 302
    mine.refresh_from_db()
    assert mine.withdrawn_at is not None


def test_the_attachment_must_be_a_pdf_of_at_most_10_mb(
    union_a, union_b, client_for, federation, chaoyang, publish, media_root
):
    """Given attachments, then a Word file, a file named .pdf that is not one, and a PDF over
    10 MB are refused with nothing saved; a real PDF is kept and downloadable from union A's site,
    not from union B's."""
    admin = federation["chaoyang"].user
    for upload, code in (
        (SimpleUploadedFile("通知.docx", b"PK\x03\x04word"), "notice_attachment_type"),
        (pdf(content=b"MZ not a pdf"), "notice_attachment_type"),
        (pdf(content=b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES), "notice_attachment_too_large"),
    ):
        with pytest.raises(ServiceError) as refused:
            publish(admin, "带附件的通知", districts=[chaoyang], attachment=upload)
        assert refused.value.code == code
    assert not FederationNotice.objects.filter(title="带附件的通知").exists()

    notice = publish(admin, "带附件的通知", districts=[chaoyang], attachment=pdf())
    download = client_for(union_a).get(f"/notices/{notice.pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert client_for(union_b).get(f"/notices/{notice.pk}/attachment/").status_code == 404


def test_refreshing_reaches_exactly_the_addressed_unions(
    union_a, union_b, federation, chaoyang, publish, django_capture_on_commit_callbacks
):
    """Given a notice to 朝阳区, then the refresh task bumps union A's page-cache generation and
    leaves union B's alone; a notice to every union bumps both."""
    from syndication.tasks import notice_pages_refresh
    from workershome.page_cache import page_cache_generation

    def generations() -> tuple[int, int]:
        result = []
        for union in (union_a, union_b):
            with schema_context(union.schema_name):
                result.append(page_cache_generation())
        return result[0], result[1]

    before = generations()
    notice = publish(federation["chaoyang"].user, "朝阳区通知", districts=[chaoyang])
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_pages_refresh(notice_id=notice.pk) == 1
    assert generations() == (before[0] + 1, before[1])
    connection.set_schema_to_public()
    everyone = publish(federation["city"].user, "全市通知", to_all=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert notice_pages_refresh(notice_id=everyone.pk) == 2
    assert generations() == (before[0] + 2, before[1] + 1)


def test_a_union_user_cannot_reach_the_portal_admin(union_a, portal, client_for, staff_a, chaoyang):
    """Given union A's chairman, then publishing through the service is refused, and the notices
    area of union A's admin is not theirs (no list, no form, nothing saved)."""
    chairman = staff_a["chairman"]
    with tenant_context(union_a), pytest.raises(ServiceError) as refused:
        notice_publish(title="工会自发通知", body="正文", districts=[chaoyang], by=chairman.user)
    assert refused.value.status == 403

    site = signed_in(client_for(union_a), chairman.account)
    assert site.get("/admin/federation-notices/").status_code in (302, 403, 404)
    response = site.post(
        "/admin/federation-notices/publish/",
        {"title": "工会自发通知", "kind": "notice", "body": "正文", "districts": [chaoyang.pk]},
    )
    assert response.status_code in (302, 403, 404)
    assert not FederationNotice.objects.filter(title="工会自发通知").exists()


def test_the_chairman_sees_unread_notices_on_the_dashboard_and_marks_them_read(
    union_a, union_b, client_for, staff_a, federation, chaoyang, publish
):
    """Given a notice to 朝阳区, then union A's chairman sees it on the admin dashboard, marks it
    read (once, even if posted twice) and it leaves the list; a member may not mark it read."""
    notice = publish(federation["chaoyang"].user, "关于报送年度工作总结的通知", districts=[chaoyang])
    site = signed_in(client_for(union_a), staff_a["chairman"].account)
    dashboard = site.get("/admin/")
    assert "关于报送年度工作总结的通知" in dashboard.content.decode()

    member = signed_in(client_for(union_a), staff_a["member"].account)
    assert member.post(f"/notices/{notice.pk}/read/").status_code == 404

    assert site.post(f"/notices/{notice.pk}/read/").status_code == 302
    assert site.post(f"/notices/{notice.pk}/read/").status_code == 302
    assert NoticeReceipt.objects.filter(notice=notice).count() == 1
    assert NoticeReceipt.objects.get(notice=notice).union == union_a
    assert "关于报送年度工作总结的通知" not in site.get("/admin/").content.decode()
