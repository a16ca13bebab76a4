"""Workers join a union by invite code, by open registration, or by a request."""

import pytest
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.membership.models import MembershipRequest
from tenants.users.models import User
from tests.factories import PASSWORD, make_person, new_mobile

pytestmark = pytest.mark.django_db


def register(client, **overrides):
    data = {
        "name": "赵磊",
        "mobile": new_mobile(),
        "password1": PASSWORD,
        "password2": PASSWORD,
        "invite_code": "",
    }
    data.update(overrides)
    return data, client.post("/accounts/register/", data)


def test_register_with_the_invite_code_joins_at_once(union_a, client_for):
    client = client_for(union_a)
    data, response = register(client, invite_code=union_a.invite_code.lower())
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["roles"][0]["code"] == "member"
    account = Account.objects.get(mobile=data["mobile"])
    assert account.home_union_id == union_a.pk


def test_a_wrong_invite_code_is_refused_and_saves_nothing(union_a, client_for):
    data, response = register(client_for(union_a), invite_code="WRONG123")
    assert response.status_code == 200
    assert "邀请码" in response.content.decode()
    assert not Account.objects.filter(mobile=data["mobile"]).exists()


def test_without_a_code_the_worker_waits_for_approval(union_a, client_for):
    data, response = register(client_for(union_a))
    assert response.status_code == 200
    assert "审核" in response.content.decode()
    with tenant_context(union_a):
        request = MembershipRequest.objects.get(mobile=data["mobile"])
        assert request.status == "pending"
        assert not User.objects.filter(username=data["mobile"]).exists()
    # Not a member yet: signing in is refused.
    response = client_for(union_a).post(
        "/accounts/login/", {"username": data["mobile"], "password": PASSWORD}
    )
    assert response.status_code == 200


def test_open_registration_joins_without_a_code(union_a, client_for):
    union_a.registration = "open"
    union_a.save(update_fields=["registration"])
    _data, response = register(client_for(union_a))
    assert response.status_code == 302


def test_an_existing_account_must_give_its_own_password(union_a, union_b, client_for):
    account, _ = make_person(union_b)
    _data, response = register(
        client_for(union_a), mobile=account.mobile, password1="Another#2026", password2="Another#2026",
        invite_code=union_a.invite_code,
    )  # fmt: skip
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    _data, response = register(client_for(union_a), mobile=account.mobile, invite_code=union_a.invite_code)
    assert response.status_code == 302
    with tenant_context(union_a):
        assert User.objects.filter(account=account).exists()
    # The home union stays the first one.
    assert Account.objects.get(pk=account.pk).home_union_id == union_b.pk


@pytest.mark.parametrize(
    "overrides, word",
    [
        ({"mobile": "123"}, "手机号"),
        ({"password2": "Different#2026"}, "密码"),
        ({"password1": "123456", "password2": "123456"}, "密码"),
        ({"name": ""}, "必填"),
    ],
)
def test_bad_registration_input_gets_a_clear_chinese_message(union_a, client_for, overrides, word):
    _data, response = register(client_for(union_a), invite_code=union_a.invite_code, **overrides)
    assert response.status_code == 200
    assert word in response.content.decode()


def test_registration_on_the_portal_points_to_the_union_sites(portal, client_for):
    response = client_for(portal).get("/accounts/register/")
    assert response.status_code == 200
    assert "二维码" in response.content.decode()
