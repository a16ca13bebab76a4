"""The chairman manages the union's people in Wagtail's Users admin, through platform accounts."""

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.users.models import User
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


def test_the_chairman_adds_an_officer_by_mobile_number(union_a, client_for):
    chairman, _ = make_person(union_a, "chairman")
    client = signed_in(client_for(union_a), chairman)
    with tenant_context(union_a):
        officer_group = Group.objects.get(name="officer").pk
    form = client.get("/admin/users/new/").content.decode()
    assert 'name="is_superuser"' not in form
    assert 'name="name"' in form and 'name="username"' in form and 'name="first_name"' not in form
    response = client.post(
        "/admin/users/new/",
        {"username": "139 0000 1111", "name": "周强", "email": "", "groups": [officer_group]},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    account = Account.objects.get(mobile="13900001111")
    assert account.name == "周强" and not account.has_usable_password()
    with tenant_context(union_a):
        user = User.objects.get(account=account)
        assert user.username == "13900001111"
        assert list(user.groups.values_list("name", flat=True)) == ["officer"]
        assert not user.is_superuser


def test_an_existing_union_user_cannot_be_added_twice(union_a, client_for):
    chairman, _ = make_person(union_a, "chairman")
    member, _ = make_person(union_a)
    client = signed_in(client_for(union_a), chairman)
    response = client.post("/admin/users/new/", {"username": member.mobile, "name": "重复", "email": ""})
    assert response.status_code == 200
    with tenant_context(union_a):
        assert User.objects.filter(username=member.mobile).count() == 1


def test_the_edit_form_cannot_make_anyone_a_superuser(union_a, client_for):
    chairman, _ = make_person(union_a, "chairman")
    _member, member_user = make_person(union_a)
    client = signed_in(client_for(union_a), chairman)
    form = client.get(f"/admin/users/edit/{member_user.pk}/").content.decode()
    assert 'name="is_superuser"' not in form
    assert 'name="name"' in form and 'value="王芳"' in form
    response = client.post(
        f"/admin/users/edit/{member_user.pk}/",
        {"is_superuser": "on", "is_active": "on", "email": "a@b.cn", "name": "王芳"},
    )
    assert response.status_code == 302
    with tenant_context(union_a):
        edited = User.objects.get(pk=member_user.pk)
        assert not edited.is_superuser and edited.email == "a@b.cn"


def test_a_local_row_made_before_its_account_is_adopted_on_sign_in(union_a, client_for):
    with tenant_context(union_a):
        User.objects.create(username="13911112222")
    account = Account.objects.create(mobile="13911112222", name="吴敏", home_union=union_a)
    account.set_password(PASSWORD)
    account.save()
    assert signed_in(client_for(union_a), account)
    with tenant_context(union_a):
        assert User.objects.get(username="13911112222").account_id == account.pk
