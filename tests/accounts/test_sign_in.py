"""Sign-in with one account everywhere, throttling, sign-out, password reset and change."""

import re

import pytest
from django_tenants.utils import tenant_context

from accounts import sms
from accounts.models import Account
from tenants.users.models import User
from tests.factories import PASSWORD, make_account, make_person

pytestmark = pytest.mark.django_db


def sign_in(client, mobile, password=PASSWORD):
    return client.post("/accounts/login/", {"username": mobile, "password": password})


def test_the_login_page_is_chinese_by_default(union_a, client_for):
    body = client_for(union_a).get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "手机号" in body and "登录" in body


def test_a_member_signs_in_with_mobile_number_in_any_format(union_a, client_for):
    account, _ = make_person(union_a)
    client = client_for(union_a)
    spaced = f"{account.mobile[:3]} {account.mobile[3:7]} {account.mobile[7:]}"
    assert sign_in(client, spaced).status_code == 302
    assert client.get("/api/v1/me/").json()["mobile"] == account.mobile


def test_one_password_everywhere_but_roles_stay_in_each_union(union_a, union_b, client_for):
    account, _ = make_person(union_a, "officer")
    with tenant_context(union_b):
        from accounts.services import local_user_for_account

        local_user_for_account(account=account, create=True, roles=("member",))
    a, b = client_for(union_a), client_for(union_b)
    assert sign_in(a, account.mobile).status_code == 302
    assert sign_in(b, account.mobile).status_code == 302
    assert [r["code"] for r in a.get("/api/v1/me/").json()["roles"]] == ["officer"]
    assert [r["code"] for r in b.get("/api/v1/me/").json()["roles"]] == ["member"]
    assert a.get("/admin/").status_code == 200
    assert b.get("/admin/").status_code == 302  # a member has no admin access there


def test_a_stranger_to_the_union_cannot_sign_in_there(union_a, union_b, client_for):
    account, _ = make_person(union_a)
    response = sign_in(client_for(union_b), account.mobile)
    assert response.status_code == 200
    assert "不是本工会会员" in response.content.decode() or "not a member" in response.content.decode()
    with tenant_context(union_b):
        assert not User.objects.filter(account=account).exists()


def test_home_union_members_get_their_local_user_on_first_sign_in(union_a, client_for):
    account = make_account(home_union=union_a)
    assert sign_in(client_for(union_a), account.mobile).status_code == 302
    with tenant_context(union_a):
        user = User.objects.get(account=account)
        assert list(user.groups.values_list("name", flat=True)) == ["member"]


def test_wrong_passwords_are_throttled_per_mobile_number(union_a, union_b, client_for):
    account, _ = make_person(union_a)
    client = client_for(union_a)
    for _ in range(5):
        response = sign_in(client, account.mobile, "wrong-password")
    # Locked: even the right password is refused now, on this union and on any other host.
    response = sign_in(client, account.mobile)
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert sign_in(client_for(union_b), account.mobile).status_code == 429


def test_sign_out(union_a, client_for):
    account, _ = make_person(union_a)
    client = client_for(union_a)
    sign_in(client, account.mobile)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/api/v1/me/").status_code == 401


def _code_from_outbox(mobile):
    message = [m for m in sms.outbox if m.mobile == mobile][-1]
    return re.search(r"\d{6}", message.text).group(0)


def test_password_reset_by_sms_code(union_a, client_for):
    account, _ = make_person(union_a)
    client = client_for(union_a)
    response = client.post("/accounts/password/reset/", {"mobile": account.mobile, "channel": "sms"})
    assert response.status_code == 302
    code = _code_from_outbox(account.mobile)
    wrong = client.post(
        "/accounts/password/reset/confirm/",
        {"mobile": account.mobile, "code": "000000" if code != "000000" else "111111",
         "password1": "Xin#Mima2026", "password2": "Xin#Mima2026"},
    )  # fmt: skip
    assert wrong.status_code == 200 and "验证码" in wrong.content.decode()
    response = client.post(
        "/accounts/password/reset/confirm/",
        {"mobile": account.mobile, "code": code, "password1": "Xin#Mima2026", "password2": "Xin#Mima2026"},
    )
    assert response.status_code == 302, (
        code,
        [m.text for m in sms.outbox],
        response.content.decode()[-3000:],
    )
    assert sign_in(client_for(union_a), account.mobile, "Xin#Mima2026").status_code == 302
    # The code is spent.
    again = client.post(
        "/accounts/password/reset/confirm/",
        {
            "mobile": account.mobile,
            "code": code,
            "password1": "Other#Mima2026",
            "password2": "Other#Mima2026",
        },
    )
    assert again.status_code == 200


def test_a_reset_code_from_one_union_is_worthless_on_another(union_a, union_b, client_for):
    account, _ = make_person(union_a)
    client_for(union_a).post("/accounts/password/reset/", {"mobile": account.mobile, "channel": "sms"})
    code = _code_from_outbox(account.mobile)
    response = client_for(union_b).post(
        "/accounts/password/reset/confirm/",
        {"mobile": account.mobile, "code": code, "password1": "Xin#Mima2026", "password2": "Xin#Mima2026"},
    )
    assert response.status_code == 200
    assert Account.objects.get(pk=account.pk).check_password(PASSWORD)


def test_reset_for_an_unknown_number_says_the_same_and_sends_nothing(union_a, client_for):
    response = client_for(union_a).post(
        "/accounts/password/reset/", {"mobile": "13711112222", "channel": "sms"}
    )
    assert response.status_code == 302
    assert sms.outbox == []


def test_reset_by_email(union_a, client_for, mailoutbox):
    account, _ = make_person(union_a)
    Account.objects.filter(pk=account.pk).update(email="wang.fang@example.cn")
    client_for(union_a).post("/accounts/password/reset/", {"mobile": account.mobile, "channel": "email"})
    assert len(mailoutbox) == 1 and re.search(r"\d{6}", mailoutbox[0].body)


def test_weak_passwords_are_refused_with_a_chinese_message(union_a, client_for):
    account, _ = make_person(union_a)
    client = client_for(union_a)
    sign_in(client, account.mobile)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    assert Account.objects.get(pk=account.pk).check_password(PASSWORD)


def test_password_change_applies_everywhere(union_a, union_b, client_for):
    account, _ = make_person(union_a)
    with tenant_context(union_b):
        from accounts.services import local_user_for_account

        local_user_for_account(account=account, create=True, roles=("member",))
    client = client_for(union_a)
    sign_in(client, account.mobile)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "password1": "Xin#Mima2026", "password2": "Xin#Mima2026"},
    )
    assert response.status_code == 302
    assert sign_in(client_for(union_b), account.mobile, "Xin#Mima2026").status_code == 302


@pytest.mark.parametrize("mobile", ["12345", "1380013800a", "23800138000"])
def test_malformed_mobile_on_sign_in_gets_a_clear_message(union_a, client_for, mobile):
    response = sign_in(client_for(union_a), mobile)
    assert response.status_code == 200
    assert "手机号" in response.content.decode()


def test_the_reset_flow_keeps_the_mobile_number_out_of_urls(union_a, client_for):
    account, _ = make_person(union_a)
    client = client_for(union_a)
    response = client.post("/accounts/password/reset/", {"mobile": account.mobile, "channel": "sms"})
    assert account.mobile not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert f'value="{account.mobile}"' in page  # still pre-filled, from the session
