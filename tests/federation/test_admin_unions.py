"""The union registry in the federation portal's Wagtail admin (journey 1: a new union joins).

City administrators oversee every union, district administrators those of their district; both
create unions (credit code checked) and suspend or reinstate them. Never on a union's site.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_exists, tenant_context
from wagtail.models import PageLogEntry

from federation.models import District, FederationRole, Street
from tenants.registry.models import Union
from tenants.registry.validators import validate_credit_code
from tenants.users.models import User
from tests.factories import PASSWORD, credit_code, make_person, new_mobile

pytestmark = pytest.mark.django_db

LIST = "/admin/unions/"
NEW = "/admin/unions/new/"


def sign_in(client: Client, mobile: str):
    return client.post("/accounts/login/", {"username": mobile, "password": PASSWORD})


def federation_admin(
    portal, client_for, kind: str = "city_admin", district: District | None = None
) -> Client:
    """A portal user with a federation role, signed in on the portal."""
    account, user = make_person(portal, kind, name="陈主任")
    FederationRole.objects.create(user=user, kind=kind, district=district)
    client = client_for(portal)
    assert sign_in(client, account.mobile).status_code == 302
    return client


def chaoyang() -> District:
    return District.objects.get(code="110105")


def haidian() -> District:
    return District.objects.get(code="110108")


def new_union_data(**overrides) -> dict:
    data = {
        "name": "朝阳区星光电子有限公司工会",
        "short_name": "星光电子工会",
        "slug": "xingguang",
        "credit_code": credit_code(101),
        "employer": "北京星光电子有限公司",
        "district": chaoyang().pk,
        "street": Street.objects.get(code="110105010").pk,
        "industry": Union.Industry.MANUFACTURING,
        "member_count": "320",
        "officer_name": "吴静",
        "officer_mobile": new_mobile(),
        "officer_email": "",
    }
    data.update(overrides)
    return data


def message_texts(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_city_admin_lists_every_union_with_a_link_to_its_site(portal, union_a, union_b, client_for):
    admin = federation_admin(portal, client_for)

    home = admin.get("/admin/")
    listing = admin.get(LIST)

    assert home.status_code == 200 and LIST in home.content.decode()
    assert listing.status_code == 200
    assert {union.slug for union in listing.context["object_list"]} == {"xinghe", "hengtong"}
    page = listing.content.decode()
    assert "http://xinghe.localhost/" in page and "朝阳区" in page
    assert NEW in page  # the "New union" button
    assert "/admin/unions/xinghe/suspend/" in page
    searched = admin.get(f"{LIST}results/?q=恒通")
    assert [union.slug for union in searched.context["object_list"]] == ["hengtong"]


def test_district_admin_lists_only_the_unions_of_their_district(portal, client_for):
    admin = federation_admin(portal, client_for, "district_admin", chaoyang())

    listing = admin.get(LIST)

    assert [union.slug for union in listing.context["object_list"]] == ["xinghe"]
    assert "海淀区恒通物流有限公司工会" not in listing.content.decode()


def test_city_admin_creates_a_union_whose_site_then_answers(portal, client_for):
    # Given a city administrator on the portal's "New union" form
    admin = federation_admin(portal, client_for)
    assert admin.get(NEW).status_code == 200
    data = new_union_data()

    # When they submit it
    response = admin.post(NEW, data)

    # Then the union is registered, its site answers at its own host, its first officer is chairman
    assert response.status_code == 302 and response["Location"] == LIST
    assert "朝阳区星光电子有限公司工会" in message_texts(response)
    union = Union.objects.get(slug="xingguang")
    assert (union.district, union.street.code, union.member_count) == (chaoyang(), "110105010", 320)
    assert union.primary_host == "xingguang.localhost"
    assert client_for(union).get("/").status_code == 200
    with tenant_context(union):
        officer = User.objects.get(username=data["officer_mobile"])
        assert list(officer.groups.values_list("name", flat=True)) == ["chairman"]
        # The portal user's id is nobody in the union's schema: seeding is logged without a user
        assert not PageLogEntry.objects.exclude(user_id=None).exists()


def test_a_bad_credit_code_shows_the_error_on_its_field_and_creates_nothing(portal, client_for):
    admin = federation_admin(portal, client_for)
    good = credit_code(102)
    bad = good[:17] + ("0" if good[17] != "0" else "1")  # a wrong check character

    response = admin.post(NEW, new_union_data(slug="xingchen", credit_code=bad))

    assert response.status_code == 200
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(bad)
    with translation.override("zh-hans"):  # the admin's language
        expected = refused.value.messages
    assert response.context["form"].errors["credit_code"] == expected
    assert response.context["form"].errors.keys() == {"credit_code"}
    assert '<html lang="zh-hans"' in response.content.decode()
    assert not Union.objects.filter(slug="xingchen").exists()
    assert not schema_exists("u_xingchen")


def test_a_registry_conflict_from_the_service_shows_on_its_field(portal, union_a, client_for):
    admin = federation_admin(portal, client_for)

    # union A's credit code, with a new address: only the registry knows it is taken
    response = admin.post(NEW, new_union_data(slug="xingyue", credit_code=union_a.credit_code))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.keys() == {"credit_code"}
    with translation.override("zh-hans"):
        assert errors["credit_code"] == [
            translation.gettext("A union with this unified social credit code is already registered.")
        ]
    assert not Union.objects.filter(slug="xingyue").exists()


def test_an_existing_unions_address_and_code_grant_nothing(portal, union_b, client_for):
    # A Chaoyang administrator who knows a Haidian union's address and credit code
    admin = federation_admin(portal, client_for, "district_admin", chaoyang())
    mobile = new_mobile()

    response = admin.post(
        NEW,
        new_union_data(slug=union_b.slug, credit_code=union_b.credit_code, officer_mobile=mobile),
    )

    # ...is told the address is taken, and becomes nobody in that union
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"slug"}
    with tenant_context(union_b):
        assert not User.objects.filter(username=mobile).exists()


def test_district_admin_cannot_create_a_union_in_another_district(portal, client_for):
    admin = federation_admin(portal, client_for, "district_admin", chaoyang())

    form = admin.get(NEW).context["form"]
    response = admin.post(
        NEW,
        new_union_data(
            slug="hengda",
            district=haidian().pk,
            street=Street.objects.get(code="110108015").pk,
            credit_code=credit_code(103, region="110108"),
        ),
    )

    assert list(form.fields["district"].queryset) == [chaoyang()]
    assert [street.code for street in form.fields["street"].queryset] == ["110105010"]
    assert response.status_code == 200
    assert {"district", "street"} <= response.context["form"].errors.keys()
    assert not Union.objects.filter(slug="hengda").exists()


def test_suspending_shows_the_notice_on_the_unions_site_and_reinstating_restores_it(
    portal, union_a, client_for
):
    admin = federation_admin(portal, client_for)
    site = client_for(union_a)
    assert site.get("/").status_code == 200

    # A suspension needs a reason
    assert admin.get("/admin/unions/xinghe/suspend/").status_code == 200
    refused = admin.post("/admin/unions/xinghe/suspend/", {"reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors

    suspended = admin.post("/admin/unions/xinghe/suspend/", {"reason": "年度检查整改"})
    assert suspended.status_code == 302
    notice = site.get("/")
    assert notice.status_code == 503 and "年度检查整改" in notice.content.decode()
    assert "/admin/unions/xinghe/reinstate/" in admin.get(LIST).content.decode()

    reinstated = admin.post("/admin/unions/xinghe/reinstate/", {"reason": ""})
    assert reinstated.status_code == 302
    assert site.get("/").status_code == 200
    union_a.refresh_from_db()
    assert union_a.status == Union.Status.ACTIVE


def test_district_admin_cannot_suspend_a_union_of_another_district(portal, union_b, client_for):
    admin = federation_admin(portal, client_for, "district_admin", chaoyang())

    response = admin.post("/admin/unions/hengtong/suspend/", {"reason": "越权"})

    assert response.status_code == 404
    union_b.refresh_from_db()
    assert union_b.status == Union.Status.ACTIVE


def test_portal_users_without_a_federation_admin_role_are_denied(portal, client_for):
    # Admin access to the portal, but no federation role; then station staff
    account, _user = make_person(portal, "city_admin")
    staff_account, staff = make_person(portal, "station_staff")
    FederationRole.objects.create(
        user=staff, kind="station_staff", street=Street.objects.get(code="110105010")
    )

    for mobile in (account.mobile, staff_account.mobile):
        client = client_for(portal)
        assert sign_in(client, mobile).status_code == 302
        assert LIST not in client.get("/admin/").content.decode()
        assert client.get(LIST)["Location"] == "/admin/"
        assert client.post(NEW, new_union_data())["Location"] == "/admin/"
        assert client.post("/admin/unions/xinghe/suspend/", {"reason": "x"})["Location"] == "/admin/"
    assert not Union.objects.filter(slug="xingguang").exists()
    assert Union.objects.get(slug="xinghe").status == Union.Status.ACTIVE


def test_the_registry_never_shows_on_a_unions_site(union_a, client_for):
    # Even a union's superuser: the registry belongs to the portal
    account, user = make_person(union_a, "chairman")
    with tenant_context(union_a):
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    client = client_for(union_a)
    assert sign_in(client, account.mobile).status_code == 302

    home = client.get("/admin/")
    listing = client.get(LIST)
    creation = client.post(NEW, new_union_data(slug="xinghe2"))

    assert home.status_code == 200 and LIST not in home.content.decode()
    assert listing.status_code == 302 and listing["Location"] == "/admin/"
    assert creation.status_code == 302 and creation["Location"] == "/admin/"
    assert not Union.objects.filter(slug="xinghe2").exists()
