"""Union B can neither read nor change union A's data: sessions, admin, API, cache, media, hosts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_session_cookie_from_union_a_is_worthless_on_union_b_and_the_portal(
    union_a, union_b, portal, client_for
):
    account, _ = make_person(union_a, "chairman")
    a = signed_in(client_for(union_a), account)
    session_cookie = a.cookies["sessionid"]
    # Host-only cookie: the browser would not even send it elsewhere.
    assert session_cookie["domain"] == ""
    for other in (union_b, portal):
        thief = client_for(other)
        thief.cookies["sessionid"] = session_cookie.value
        assert thief.get("/api/v1/me/").status_code == 401
        assert thief.get("/admin/").status_code == 302  # to the sign-in page
    # ...while it still works where it was issued.
    assert a.get("/api/v1/me/").status_code == 200


def test_an_api_token_of_union_a_is_refused_on_union_b(union_a, union_b, client_for):
    _account, user = make_person(union_a, "officer")
    with tenant_context(union_a):
        token = Token.objects.create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client_for(union_a).get("/api/v1/me/", **headers).status_code == 200
    response = client_for(union_b).get("/api/v1/me/", **headers)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_union_a_chairman_gets_nothing_from_union_b_admin(union_a, union_b, client_for):
    account, _ = make_person(union_a, "chairman")
    b = client_for(union_b)
    response = b.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 200  # not a member there: no session
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/images/", "/admin/documents/"):
        assert b.get(path).status_code == 302, path


def test_union_a_pages_are_not_reachable_by_id_through_union_b_admin(union_a, union_b, client_for):
    from cms.models import HomePage

    with tenant_context(union_a):
        a_home = HomePage.objects.get()
        a_home.title = "星河科技职工之家"
        a_home.save_revision().publish()
    account, _ = make_person(union_b, "chairman")
    b = signed_in(client_for(union_b), account)
    with tenant_context(union_b):
        b_home = HomePage.objects.get()
    # Same primary keys may exist in both schemas (cloned from one template); B only ever sees its own row.
    response = b.get(f"/admin/pages/{a_home.pk}/edit/")
    if a_home.pk == b_home.pk:
        assert "星河科技职工之家" not in response.content.decode()
    else:
        assert response.status_code == 404
    b.post(f"/admin/pages/{a_home.pk}/edit/", {"title": "被篡改", "slug": "home", "action-publish": "1"})
    with tenant_context(union_a):
        assert HomePage.objects.get().title == "星河科技职工之家"


def test_cache_entries_are_kept_per_union(union_a, union_b):
    with tenant_context(union_a):
        cache.set("notice-count", 7)
    with tenant_context(union_b):
        assert cache.get("notice-count") is None
    with tenant_context(union_a):
        assert cache.get("notice-count") == 7


def test_media_of_union_a_does_not_serve_from_union_b(union_a, union_b, client_for, media_root):
    tmp_path = media_root
    (tmp_path / union_a.schema_name).mkdir()
    (tmp_path / union_a.schema_name / "logo.txt").write_text("星河")
    path = f"/media/{union_a.schema_name}/logo.txt"
    response = client_for(union_a).get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content).decode() == "星河"
    assert client_for(union_b).get(path).status_code == 404
    assert (
        client_for(union_a).get(f"/media/{union_a.schema_name}/../{union_b.schema_name}/x").status_code == 404
    )


def test_storage_writes_under_the_union_prefix(union_a, media_root):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    tmp_path = media_root
    with tenant_context(union_a):
        name = default_storage.save("docs/rule.txt", ContentFile("制度".encode()))
        url = default_storage.url(name)
    assert (tmp_path / union_a.schema_name / name).exists()
    assert url.startswith(f"/media/{union_a.schema_name}/")


def test_content_type_cache_does_not_leak_between_schemas(union_a):
    from django.contrib.contenttypes.models import ContentType

    public_ids = {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="auth")}
    ContentType.objects.get_for_model(ContentType)  # fill the cache on public
    with tenant_context(union_a):
        ct = ContentType.objects.get_for_model(ContentType)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM django_content_type WHERE app_label='contenttypes' AND model='contenttype'"
            )
            assert ct.pk == cursor.fetchone()[0]
    assert public_ids


def test_unknown_hosts_get_a_clear_404_page_not_the_portal():
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "nobody.localhost" in body and "Traceback" not in body
    api = Client(HTTP_HOST="nobody.localhost").get("/api/v1/me/")
    assert api.status_code == 404 and api.json()["code"] == "unknown_host"


def test_unknown_page_on_a_union_is_its_own_404(union_a, client_for):
    response = client_for(union_a).get("/no-such-page/")
    assert response.status_code == 404
    assert union_a.name in response.content.decode()


def test_custom_domains_reach_the_same_union(union_a):
    from tenants.registry.models import Domain

    Domain.objects.create(domain="home.xinghe-tech.cn", tenant=union_a, is_primary=False)
    response = Client(HTTP_HOST="home.xinghe-tech.cn").get("/")
    assert response.status_code == 200 and union_a.name in response.content.decode()


def test_a_portal_user_can_be_deleted_although_union_only_tables_point_at_users(portal):
    """Deleting a portal user must not touch union-only tables (absent from the public schema)."""
    from django_tenants.utils import schema_context

    from tenants.users.models import User

    _account, user = make_person(portal, "district_admin")
    with schema_context("public"):
        user.delete()
        assert not User.objects.filter(pk=user.pk).exists()


def test_deleting_a_union_user_clears_their_decisions(union_a):
    from tenants.membership.models import MembershipRequest
    from tenants.membership.services import membership_request_decide, worker_register
    from tests.factories import new_mobile

    _account, officer = make_person(union_a, "officer")
    with tenant_context(union_a):
        result = worker_register(mobile=new_mobile(), name="钱进", password=PASSWORD)
        membership_request_decide(request=result.request, approve=True, by=officer)
        officer.delete()
        assert MembershipRequest.objects.get(pk=result.request.pk).decided_by is None
