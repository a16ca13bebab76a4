"""The API base: errors with codes and bilingual messages, the registry for federation admins."""

import pytest
from django_tenants.utils import schema_context

from federation.models import District, FederationRole
from tenants.registry.models import Union
from tests.factories import PASSWORD, credit_code, make_person

pytestmark = pytest.mark.django_db


def portal_admin(portal, kind="city_admin", district_code=None):
    account, user = make_person(portal, kind)
    with schema_context("public"):
        district = District.objects.get(code=district_code) if district_code else None
        FederationRole.objects.create(user=user, kind=kind, district=district)
    return account


def signed_in(client, account):
    assert (
        client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD}).status_code == 302
    )
    return client


NEW_UNION = {
    "name": "东城区和平里书店有限公司工会",
    "slug": "hepingli-books",
    "credit_code": credit_code(501, "110101"),
    "employer": "北京和平里书店有限公司",
    "district": "110105",
    "industry": "retail",
    "member_count": 58,
    "officer_mobile": "13655556666",
    "officer_name": "孙丽",
}


def test_errors_carry_a_code_and_messages_in_chinese_and_english(union_a, client_for):
    response = client_for(union_a).get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message"] == "请登录。" and body["message_en"] == "Please sign in."


def test_me_tells_who_and_where(union_a, client_for):
    account, _ = make_person(union_a, "chairman", name="张伟")
    body = signed_in(client_for(union_a), account).get("/api/v1/me/").json()
    assert body["name"] == "张伟" and body["mobile"] == account.mobile
    assert body["where"]["schema"] == union_a.schema_name and body["where"]["portal"] is False
    assert body["roles"] == [{"code": "chairman", "label": "工会主席"}]


def test_the_registry_is_for_federation_admins_only(portal, union_a, client_for):
    member, _ = make_person(portal, "station_staff")
    client = signed_in(client_for(portal), member)
    assert client.get("/api/v1/unions/").status_code == 403
    # ...and does not exist on a union's host at all.
    chairman, _ = make_person(union_a, "chairman")
    assert signed_in(client_for(union_a), chairman).get("/api/v1/unions/").status_code == 404


def test_city_admin_lists_creates_suspends_and_reinstates(portal, client_for):
    client = signed_in(client_for(portal), portal_admin(portal))
    listed = client.get("/api/v1/unions/").json()
    assert {row["slug"] for row in listed["results"]} >= {"xinghe", "hengtong"}
    assert "portal" not in {row["slug"] for row in listed["results"]}

    created = client.post("/api/v1/unions/", NEW_UNION, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["url"] == "http://hepingli-books.localhost/"
    again = client.post("/api/v1/unions/", NEW_UNION, content_type="application/json")
    assert again.status_code == 200  # idempotent

    suspended = client.post(
        "/api/v1/unions/hepingli-books/suspend/", {"reason": "整改"}, content_type="application/json"
    )
    assert suspended.json()["status"] == "suspended"
    reinstated = client.post("/api/v1/unions/hepingli-books/reinstate/", {}, content_type="application/json")
    assert reinstated.json()["status"] == "active"


@pytest.mark.parametrize(
    "change, status, code, field",
    [
        ({"credit_code": "91110105MA01ABCD10"}, 400, "credit_code_checksum", "credit_code"),
        ({"slug": "admin"}, 400, "slug_reserved", "slug"),
        ({"slug": "xinghe"}, 409, "slug_taken", "slug"),
        ({"officer_mobile": "1234"}, 400, "mobile_invalid", "mobile"),
        ({"district": "999999"}, 400, "invalid", "district"),
        ({"member_count": "很多"}, 400, "invalid", "member_count"),
    ],
)
def test_bad_input_gets_a_clear_error_and_creates_nothing(portal, client_for, change, status, code, field):
    client = signed_in(client_for(portal), portal_admin(portal))
    count = Union.objects.count()
    response = client.post("/api/v1/unions/", {**NEW_UNION, **change}, content_type="application/json")
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["message"] and body["message_en"]
    assert body["message"] != body["message_en"]  # Chinese, and English beside it
    assert field in body["fields"]
    assert Union.objects.count() == count


def test_malformed_json_is_a_400_not_a_500(portal, client_for):
    client = signed_in(client_for(portal), portal_admin(portal))
    response = client.post("/api/v1/unions/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_district_admin_sees_and_creates_only_in_their_district(portal, client_for):
    client = signed_in(client_for(portal), portal_admin(portal, "district_admin", "110108"))
    slugs = {row["slug"] for row in client.get("/api/v1/unions/").json()["results"]}
    assert slugs == {"hengtong"}
    assert (
        client.post("/api/v1/unions/xinghe/suspend/", {}, content_type="application/json").status_code == 404
    )
    response = client.post("/api/v1/unions/", NEW_UNION, content_type="application/json")  # Chaoyang
    assert response.status_code == 403 and response.json()["code"] == "district_forbidden"


def test_schema_and_docs_are_served_without_a_cdn(union_a, client_for):
    client = client_for(union_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/me/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_provisioning_again_cannot_hand_an_existing_union_to_someone_else(portal, client_for, union_b):
    """Slug and credit code are public: knowing them must not make anyone a union's chairman."""
    client = signed_in(client_for(portal), portal_admin(portal))
    hijack = {**NEW_UNION, "slug": union_b.slug, "credit_code": union_b.credit_code, "name": union_b.name,
              "district": "110108", "officer_mobile": "13655550000"}  # fmt: skip
    response = client.post("/api/v1/unions/", hijack, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "union_exists"
    from django_tenants.utils import tenant_context

    from tenants.users.models import User

    with tenant_context(union_b):
        assert not User.objects.filter(username="13655550000").exists()
