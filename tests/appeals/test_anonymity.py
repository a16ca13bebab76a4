"""An anonymous appeal keeps no account, address, cookie, session or anything else that links it
to its sender: not in any table of the union's schema or the public schema, not in any log line,
not in the cache, not in the response (issue 4: "nothing in the database or logs links it to a
person or address").

The sender is a signed-in member who chooses to file anonymously, from a distinctive address
behind a proxy, so every trace they could leave is known and searched for.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context
from rest_framework.authtoken.models import Token

from tenants.cases.models import Case, CaseAttachment
from tests.appeals.conftest import (
    SENDER_FORWARDED,
    SENDER_IP,
    SIGN_IN_IP,
    appeal_close,
    cache_hits,
    database_hits,
    jpeg_with_exif,
    new_hits,
    signed_in,
)

pytestmark = pytest.mark.django_db

SENDER = {"REMOTE_ADDR": SENDER_IP, "HTTP_X_FORWARDED_FOR": SENDER_FORWARDED}


def _traces(account, user, session_key: str) -> tuple[dict[str, str], dict[str, int]]:
    texts = {
        "ip": SENDER_IP,
        "forwarded ip": SENDER_FORWARDED,
        "session key": session_key,
        "mobile": account.mobile,
        "name": user.name or account.name,
        "user id": str(user.pk),
        "account id": str(account.pk),
    }
    return texts, {"user id": user.pk, "account id": account.pk}


def _scan(union, texts, numbers) -> dict:
    return database_hits([union.schema_name, get_public_schema_name()], texts=texts, numbers=numbers)


def _sessions(union) -> list[tuple]:
    rows = []
    for schema in (union.schema_name, get_public_schema_name()):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT session_key, session_data, expire_date FROM "{schema}".django_session')
            rows += [(schema, *row) for row in cursor.fetchall()]
    return sorted(rows)


def _axes_rows() -> tuple[int, int]:
    with schema_context(get_public_schema_name()):
        return AccessAttempt.objects.count(), AccessLog.objects.count()


def _assert_unlinked(
    response, *, union, account, user, session_key, before, sessions_before, axes_before, logs
):
    texts, numbers = _traces(account, user, session_key)
    # No cookie of any kind: no session, no CSRF token, nothing.
    assert not response.cookies, response.cookies
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]
    # No session created, changed or even extended.
    assert _sessions(union) == sessions_before
    # django-axes records sign-ins only (its signal handlers): nothing for an appeal.
    assert _axes_rows() == axes_before
    # Nothing new anywhere in the database; the addresses nowhere at all.
    after = _scan(union, texts, numbers)
    assert new_hits(before, after) == {}
    assert not [key for key in after if key[3] in ("ip", "forwarded ip")], after
    # No log line, SQL included, carries any of it (so the session was never even read).
    logged = logs.text()
    assert logged, "the log capture works (SQL is logged at DEBUG)"
    for name, needle in texts.items():
        if name not in ("user id", "account id"):  # short numbers: covered by the SQL/DB scan
            assert needle not in logged, name
    assert f"= {user.pk}" not in logged and f"({user.pk}" not in logged
    # Nor the cache (throttle counters are keyed by an HMAC under a process-only key).
    assert cache_hits([SENDER_IP, SENDER_FORWARDED, session_key, account.mobile]) == []


@pytest.fixture
def sender(union_a, client_for, worker):
    """The worker, signed in (from another address, earlier), about to file anonymously."""
    account, user = worker
    client = signed_in(
        client_for(union_a, **SENDER), account, REMOTE_ADDR=SIGN_IN_IP, HTTP_X_FORWARDED_FOR=""
    )
    return client, account, user, client.cookies["sessionid"].value


def test_an_anonymous_appeal_through_the_page_leaves_no_trace_of_its_sender(
    union_a, sender, staff, all_logs, media_root, capfd
):
    client, account, user, session_key = sender
    texts, numbers = _traces(account, user, session_key)
    before, sessions_before, axes_before = _scan(union_a, texts, numbers), _sessions(union_a), _axes_rows()
    photo = SimpleUploadedFile(
        f"{account.name}的工资条.jpg", jpeg_with_exif(artist=account.name), "image/jpeg"
    )
    capfd.readouterr()

    all_logs.start()
    response = client.post("/appeals/anonymous/", {
        "category": "suggestion", "title": "夜班班车增加一班", "attachment": photo,
        "description": "夜班23点下班后只有一班车，经常坐不下，希望增加23:30一班。",
    })  # fmt: skip
    all_logs.stop()

    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    assert "data-tracking-code" in page and "只显示这一次" in page
    code = page.split("data-tracking-code>")[1].split("<")[0]
    assert len(code) == 14 and code not in all_logs.text()
    assert 'name="csrfmiddlewaretoken"' not in page
    _assert_unlinked(response, union=union_a, account=account, user=user, session_key=session_key,
                     before=before, sessions_before=sessions_before, axes_before=axes_before, logs=all_logs)  # fmt: skip
    out, err = capfd.readouterr()
    assert SENDER_IP not in out + err and account.mobile not in out + err

    with tenant_context(union_a):
        case = Case.objects.get(title="夜班班车增加一班")
        assert case.requester_type == "anonymous" and case.channel == "web_form"
        assert case.requester_id is None and case.created_by_id is None
        assert (case.requester_name, case.requester_contact) == ("", "")
        assert case.opened_at.minute == case.opened_at.second == case.opened_at.microsecond == 0
        attachment = CaseAttachment.objects.get(case=case)
        assert attachment.uploaded_by_id is None and attachment.name == "附件.jpg"
        assert attachment.uploaded_at == case.opened_at
        stored = attachment.file.read()
    # The photo's EXIF (author, phone, GPS) is gone; the picture is still a JPEG.
    assert stored.startswith(b"\xff\xd8\xff")
    assert account.name.encode() not in stored and b"PhoneMaker" not in stored and b"Exif" not in stored


def test_an_anonymous_appeal_through_the_api_leaves_no_trace_even_with_credentials_sent(
    union_a, sender, staff, all_logs
):
    client, account, user, session_key = sender
    with tenant_context(union_a):
        token = Token.objects.create(user=user).key
    texts, numbers = _traces(account, user, session_key)
    texts["token"] = token
    before, sessions_before, axes_before = _scan(union_a, texts, numbers), _sessions(union_a), _axes_rows()

    all_logs.start()
    response = client.post(
        "/api/v1/appeals/",
        {"category": "opinion", "title": "食堂菜价上涨", "description": "近两个月食堂菜价上涨约两成。",
         "anonymous": True},
        content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}",
    )  # fmt: skip
    all_logs.stop()

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requester_type"] == "anonymous" and body["case_id"] is None
    assert len(body["tracking_code"]) == 14
    _assert_unlinked(response, union=union_a, account=account, user=user, session_key=session_key,
                     before=before, sessions_before=sessions_before, axes_before=axes_before, logs=all_logs)  # fmt: skip
    assert token not in all_logs.text()
    with tenant_context(union_a):
        case = Case.objects.get(title="食堂菜价上涨")
        assert case.requester_id is None and case.created_by_id is None


def test_following_and_rating_with_the_code_leave_no_trace_either(union_a, sender, staff, all_logs):
    client, account, user, session_key = sender
    response = client.post(
        "/api/v1/appeals/",
        {"category": "request", "title": "宿舍热水时间", "description": "宿舍热水只供应到22点。", "anonymous": True},
        content_type="application/json",
    )  # fmt: skip
    code = response.json()["tracking_code"]
    with tenant_context(union_a):
        case = Case.objects.get(title="宿舍热水时间")
    appeal_close(union_a, case, staff[1], reply="已协调后勤，热水延长至24点。", outcome="热水供应延长至24点")
    texts, numbers = _traces(account, user, session_key)
    before, sessions_before, axes_before = _scan(union_a, texts, numbers), _sessions(union_a), _axes_rows()

    all_logs.start()
    followed = client.post("/appeals/follow/", {"code": code.lower().replace("-", " ")})
    followed_again = client.post("/appeals/follow/", {"code": code})
    rated = client.post("/api/v1/appeals/rate/", {"code": code, "rating": 5, "comment": "很快解决"},
                        content_type="application/json")  # fmt: skip
    all_logs.stop()

    assert followed.status_code == 200 and "已协调后勤" in followed.content.decode()
    assert followed_again.status_code == 200
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    # The code opens the case: it is kept out of the logs too, as typed and as issued.
    assert code not in all_logs.text() and code.lower().replace("-", " ") not in all_logs.text()
    for response in (followed, rated):
        _assert_unlinked(response, union=union_a, account=account, user=user, session_key=session_key,
                         before=before, sessions_before=sessions_before, axes_before=axes_before, logs=all_logs)  # fmt: skip
    with tenant_context(union_a):
        case.refresh_from_db()
        assert case.rating == 5 and case.rated_at.minute == 0


def test_the_scan_does_find_a_sender_who_files_with_their_name(union_a, sender, staff, all_logs):
    """The control: the same scan finds the member when they file as themselves."""
    client, account, user, session_key = sender
    texts, numbers = _traces(account, user, session_key)
    before = _scan(union_a, texts, numbers)
    all_logs.start()
    response = client.post(
        "/appeals/new/",
        {"category": "opinion", "title": "加班费计算", "description": "加班费按基本工资计算。"},
    )
    all_logs.stop()
    assert response.status_code == 302
    found = new_hits(before, _scan(union_a, texts, numbers))
    assert (union_a.schema_name, "cases_case", "requester_id", "user id") in found
    assert session_key in all_logs.text()  # the named form reads the session, and the SQL log shows it


def test_a_wrong_code_counts_without_keeping_the_address(union_a, client_for):
    client = client_for(union_a, **SENDER)
    for _ in range(3):
        client.post("/appeals/follow/", {"code": "AAAA-BBBB-CCCC"})
    assert cache_hits([SENDER_IP, SENDER_FORWARDED]) == []
