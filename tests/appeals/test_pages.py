"""The worker's pages: filing (member, named non-member, anonymous), following with a code,
rating, refusals (attachments, ratings, wrong codes) and the worker's own cases."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.cases.models import Case, CaseAttachment, CaseEvent
from tenants.cases.services import MAX_ATTACHMENT_BYTES
from tests.appeals.conftest import SENDER_IP, appeal_close, jpeg_with_exif, signed_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db

APPEAL = {
    "category": "suggestion",
    "title": "食堂增加夜宵窗口",
    "description": "夜班职工凌晨下班时食堂已关门，建议增加夜宵窗口。",
}


def _code(response) -> str:
    match = re.search(r"data-tracking-code>([^<]+)<", response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(1)


def _counts(union) -> tuple[int, int, int]:
    with tenant_context(union):
        return Case.objects.count(), CaseAttachment.objects.count(), CaseEvent.objects.count()


def _files(media_root, union) -> list:
    folder = media_root / union.schema_name
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_the_form_offers_both_ways_and_the_home_page_links_to_it(union_a, client_for):
    client = client_for(union_a)
    page = client.get("/appeals/new/").content.decode()
    assert 'href="/appeals/anonymous/"' in page and 'name="name"' in page and 'name="mobile"' in page
    assert "我要反映" in page and "诉求办理程序" in page and "登记受理" in page
    anonymous = client.get("/appeals/anonymous/")
    assert anonymous.status_code == 200 and not anonymous.cookies
    assert 'name="name"' not in anonymous.content.decode()
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()
    assert "no-store" in anonymous.headers["Cache-Control"]
    home = client.get("/").content.decode()
    assert 'href="/appeals/new/"' in home and 'href="/appeals/follow/"' in home
    assert client.get("/appeals/").url == "/appeals/new/"


def test_a_signed_in_member_files_as_themselves_and_follows_it_under_my_cases(
    union_a, client_for, worker, staff, media_root
):
    account, user = worker
    client = signed_in(client_for(union_a), account)
    form = client.get("/appeals/new/").content.decode()
    assert account.name in form and 'name="mobile"' not in form
    upload = SimpleUploadedFile("排班表.txt", "早班 6:00\n夜班 22:00\n".encode(), "text/plain")
    response = client.post("/appeals/new/", {**APPEAL, "attachment": upload})
    with tenant_context(union_a):
        case = Case.objects.get(title=APPEAL["title"])
        assert (case.requester, case.requester_type, case.channel) == (user, "member", "web_form")
        assert case.created_by == user and case.category == "suggestion"
        attachment = case.attachments.get()
        assert attachment.uploaded_by == user and attachment.name == "排班表.txt"
    assert response.status_code == 302 and response.url == f"/my/cases/{case.pk}/"

    listing = client.get("/my/cases/").content.decode()
    assert case.reference in listing and "登记受理" in listing
    detail = client.get(response.url).content.decode()
    assert "办理中" in detail and "登记受理" in detail and "排班表.txt" in detail
    assert "办结后可以对办理结果进行评价" in detail
    download = client.get(f"/my/cases/{case.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith("早班".encode())
    assert "attachment" in download.headers["Content-Disposition"]

    # The officer moves it along and replies; the worker sees the public timeline, not internal notes.
    from tenants.cases.services import case_note

    with tenant_context(union_a):
        case_note(case=case, kind="note", text="内部备注：与食堂承包商沟通", by=staff[1])
    appeal_close(union_a, case, staff[1], reply="已与食堂协商，下月起开设夜宵窗口。", outcome="开设夜宵窗口")
    detail = client.get(response.url).content.decode()
    assert "已与食堂协商" in detail and "开设夜宵窗口" in detail and "已办结" in detail
    assert "内部备注" not in detail and staff[1].name not in detail

    refused = client.post(response.url, {"rating": "9"})
    assert refused.status_code == 200 and "请给出 1 到 5 分的评价" in refused.content.decode()
    with tenant_context(union_a):
        assert Case.objects.get(pk=case.pk).rating is None
    rated = client.post(response.url, {"rating": "4", "comment": "解决得很快"})
    assert rated.status_code == 302
    with tenant_context(union_a):
        case.refresh_from_db()
        assert (case.rating, case.rating_comment) == (4, "解决得很快")
    page = client.get(response.url).content.decode()
    assert "★★★★☆" in page and 'name="rating"' not in page


def test_my_cases_needs_signing_in(union_a, client_for):
    response = client_for(union_a).get("/my/cases/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=/my/cases/")


def test_a_named_non_member_gives_a_name_and_a_mobile_number(union_a, client_for, media_root):
    client = client_for(union_a)
    missing = client.post("/appeals/new/", {**APPEAL, "name": "赵师傅", "mobile": "12345"})
    assert missing.status_code == 200 and "请输入有效的中国大陆手机号" in missing.content.decode()
    assert _counts(union_a)[0] == 0
    photo = SimpleUploadedFile("漏水.jpg", jpeg_with_exif(artist="赵师傅"), "image/jpeg")
    response = client.post(
        "/appeals/new/", {**APPEAL, "name": "赵师傅", "mobile": "139 1234 5678", "attachment": photo}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "诉求已提交" in page and "139****5678" in page and "data-tracking-code" not in page
    assert "no-store" in response.headers["Cache-Control"]
    with tenant_context(union_a):
        case = Case.objects.get()
        assert (case.requester_type, case.requester_name, case.requester_contact) == (
            "named",
            "赵师傅",
            "13912345678",
        )
        assert case.requester_id is None and case.tracking_digest is None
        assert case.attachments.get().name == "漏水.jpg"


def test_an_anonymous_appeal_gives_a_code_once_that_follows_and_rates_the_case(
    union_a, client_for, staff, media_root
):
    client = client_for(union_a)
    response = client.post("/appeals/anonymous/", APPEAL)
    assert response.status_code == 200 and not response.cookies
    assert (
        "no-store" in response.headers["Cache-Control"]
        and response.headers["Referrer-Policy"] == "no-referrer"
    )
    code = _code(response)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    with tenant_context(union_a):
        case = Case.objects.get()
        assert code not in str(Case.objects.filter(pk=case.pk).values().get())  # only its HMAC is kept

    followed = client.post("/appeals/follow/", {"code": code})
    page = followed.content.decode()
    assert followed.status_code == 200 and "no-store" in followed.headers["Cache-Control"]
    assert case.reference in page and "办理中" in page and "登记受理" in page
    assert "data-tracking-code" not in page  # the result page showed it; nothing shows it again
    assert "办结后可以对办理结果进行评价" in page

    appeal_close(union_a, case, staff[1], reply="已协调食堂，十月起开设夜宵窗口。", outcome="开设夜宵窗口")
    page = client.post("/appeals/follow/", {"code": code}).content.decode()
    assert "已办结" in page and "已协调食堂" in page and "开设夜宵窗口" in page and 'name="rating"' in page
    assert staff[1].name not in page

    for bad in ("0", "6", "x", ""):
        refused = client.post("/appeals/follow/rate/", {"code": code, "rating": bad})
        assert "请给出 1 到 5 分的评价" in refused.content.decode(), bad
    with tenant_context(union_a):
        assert Case.objects.get(pk=case.pk).rated_at is None
    rated = client.post("/appeals/follow/rate/", {"code": code, "rating": "5", "comment": "满意"})
    assert "感谢您的评价" in rated.content.decode() and not rated.cookies
    again = client.post("/appeals/follow/rate/", {"code": code, "rating": "1"})
    assert 'name="rating"' not in again.content.decode()
    with tenant_context(union_a):
        case.refresh_from_db()
        assert (case.rating, case.rating_comment) == (5, "满意")


def test_wrong_codes_are_refused_and_then_throttled_even_for_the_right_code(union_a, client_for):
    client = client_for(union_a, REMOTE_ADDR=SENDER_IP)
    code = _code(client.post("/appeals/anonymous/", APPEAL))
    for attempt in range(10):
        wrong = client.post("/appeals/follow/", {"code": f"AAAA-BBBB-CC{attempt:02d}"})
        assert wrong.status_code == 200 and "没有与这个查询码对应的诉求" in wrong.content.decode()
    blocked = client.post("/appeals/follow/", {"code": code})
    assert blocked.status_code == 429 and "十分钟后再试" in blocked.content.decode()
    assert client.post("/appeals/follow/rate/", {"code": code, "rating": "5"}).status_code == 429
    # Another address is not held back.
    other = client_for(union_a, REMOTE_ADDR="203.0.113.200")
    assert other.post("/appeals/follow/", {"code": code}).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("大文件.pdf", b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES, "不能超过|larger than|10 MB"),
        ("程序.exe", b"MZ\x90\x00", "PDF"),
        ("照片.jpg", b"%PDF-1.4 not a photo", ""),
    ],
)
@pytest.mark.parametrize("path", ["/appeals/anonymous/", "/appeals/new/"])
def test_a_bad_attachment_is_refused_with_a_message_and_nothing_is_saved(
    union_a, client_for, media_root, name, content, message, path
):
    client = client_for(union_a)
    before = _counts(union_a)
    data = {**APPEAL, "attachment": SimpleUploadedFile(name, content)}
    if path == "/appeals/new/":
        data |= {"name": "钱师傅", "mobile": "13912345678"}
    response = client.post(path, data)
    page = response.content.decode()
    assert response.status_code == 200 and "data-tracking-code" not in page
    errors = re.findall(r'class="errorlist" role="alert">([^<]+)<', page)
    assert errors and all(re.search(r"[\u4e00-\u9fff]", error) for error in errors), errors
    if message:
        assert re.search(message, " ".join(errors)), errors
    assert _counts(union_a) == before and _files(media_root, union_a) == []


def test_a_worker_never_sees_another_persons_case(union_a, client_for, worker, staff, media_root):
    account, _user = worker
    other_account, other = make_person(union_a, "member", name="孙其他")
    other_client = signed_in(client_for(union_a), other_account)
    other_client.post("/appeals/new/", {**APPEAL, "attachment": SimpleUploadedFile("a.txt", b"private")})
    with tenant_context(union_a):
        case = Case.objects.get(requester=other)
        attachment = case.attachments.get()
    client = signed_in(client_for(union_a), account)
    assert case.reference not in client.get("/my/cases/").content.decode()
    assert client.get(f"/my/cases/{case.pk}/").status_code == 404
    assert client.post(f"/my/cases/{case.pk}/", {"rating": "1"}).status_code == 404
    assert client.get(f"/my/cases/{case.pk}/files/{attachment.pk}/").status_code == 404
    # Not even staff see someone else's case on the worker's pages (they use the admin).
    officer_client = signed_in(client_for(union_a), make_person(union_a, "officer", name="周干事")[0])
    assert officer_client.get(f"/my/cases/{case.pk}/").status_code == 404
