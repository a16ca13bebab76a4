"""Provisioning a union: clone path, idempotency, refusals, nothing left behind on failure."""

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from accounts import sms
from accounts.models import Account
from federation.models import District, Street
from tenants.registry.models import Domain, Union
from tenants.registry.services import union_provision, union_set_status
from tenants.users.models import User
from tests.factories import PASSWORD, credit_code
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def provision(slug="xinyuan", n=101, **overrides):
    values = dict(
        name="朝阳区新元电子有限公司工会",
        slug=slug,
        credit_code=credit_code(n),
        employer="北京新元电子有限公司",
        district=District.objects.get(code="110105"),
        officer_mobile="13912345678",
        officer_name="陈静",
        officer_password=PASSWORD,
    )
    values.update(overrides)
    return union_provision(**values)


def test_a_new_union_is_made_from_the_template_and_answers_at_its_host(django_capture_on_commit_callbacks):
    from tenants.registry import snapshot

    with (
        mock.patch.object(snapshot, "_dump", wraps=snapshot._dump) as dump,
        mock.patch(
            "tenants.registry.services.schema_create_from_snapshot",
            wraps=snapshot.schema_create_from_snapshot,
        ) as replay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = provision()
    replay.assert_called_once_with("u_xinyuan")
    dump.assert_not_called()  # the snapshot built by migrate_template is current
    union = result.union
    assert result.created and union.schema_name == "u_xinyuan"
    assert Domain.objects.get(tenant=union).domain == "xinyuan.localhost"
    with tenant_context(union):
        from wagtail.models import Site

        site = Site.objects.get(is_default_site=True)
        assert site.root_page.specific.title == "朝阳区新元电子有限公司工会"
        officer = User.objects.get(account=result.officer)
        assert set(officer.groups.values_list("name", flat=True)) == {"chairman"}
        from django.contrib.auth.models import Group

        assert set(Group.objects.values_list("name", flat=True)) >= {
            "chairman", "officer", "mediator", "counsellor", "librarian", "editor", "member",
        }  # fmt: skip
    connection.set_schema_to_public()
    response = Client(HTTP_HOST="xinyuan.localhost").get("/")
    assert response.status_code == 200
    assert "朝阳区新元电子有限公司工会" in response.content.decode()
    # The first officer can sign in with the mobile number straight away.
    signed_in = Client(HTTP_HOST="xinyuan.localhost")
    response = signed_in.post("/accounts/login/", {"username": "139 1234 5678", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in.get("/admin/").status_code == 200
    # ...and is told so by SMS.
    assert any("xinyuan.localhost" in message.text for message in sms.outbox)


def test_the_new_schema_has_the_template_tables_rows_and_migration_records():
    union = provision().union
    with connection.cursor() as cursor:
        for table in (
            "django_migrations",
            "auth_group",
            "auth_permission",
            "wagtailcore_page",
            "cms_homepage",
        ):
            cursor.execute(f"SELECT count(*) FROM union_template.{table}")
            template_rows = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {union.schema_name}.{table}")
            assert cursor.fetchone()[0] >= template_rows, table
        # Sequences continue after the copied rows: a new group gets a fresh id.
    with tenant_context(union):
        from django.contrib.auth.models import Group

        assert Group.objects.create(name="activists").pk > max(
            Group.objects.exclude(name="activists").values_list("pk", flat=True)
        )
    from tenants.registry.management.commands.check_migrations import unapplied_migrations

    assert unapplied_migrations(union.schema_name) == []


def test_a_stale_snapshot_is_rebuilt_before_use():
    from tenants.registry.models import TemplateSnapshot
    from tenants.registry.snapshot import template_fingerprint

    TemplateSnapshot.objects.update(fingerprint="stale")
    provision()
    assert list(TemplateSnapshot.objects.values_list("fingerprint", flat=True)) == [template_fingerprint()]


def test_an_edited_home_page_title_survives_provisioning_again(union_a):
    from cms.models import HomePage

    with tenant_context(union_a):
        HomePage.objects.update(title="星河之家")
    union_provision(
        name=union_a.name,
        slug=union_a.slug,
        credit_code=union_a.credit_code,
        officer_mobile="13800138000",
        officer_name="张伟",
    )
    with tenant_context(union_a):
        assert HomePage.objects.get().title == "星河之家"


def test_provisioning_twice_is_idempotent_and_completes_what_is_missing():
    first = provision()
    with tenant_context(first.union):
        User.objects.filter(account=first.officer).delete()
    second = provision()
    assert not second.created and second.union.pk == first.union.pk
    assert Union.objects.filter(slug="xinyuan").count() == 1
    assert Domain.objects.filter(tenant=first.union).count() == 1
    with tenant_context(first.union):
        assert User.objects.filter(account=first.officer).exists()


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"slug": "admin"}, "slug_reserved"),
        ({"slug": "www"}, "slug_reserved"),
        ({"slug": "Bad Slug"}, "slug_format"),
        ({"slug": "xinghe"}, "slug_taken"),  # the session's union A
        ({"credit_code": "91110105MA01ABCD10"}, "credit_code_checksum"),
        ({"credit_code": "123"}, "credit_code_format"),
        ({"name": "朝阳区星河科技有限公司工会"}, "name_taken"),
        ({"officer_mobile": "12345"}, "mobile_invalid"),
        ({"name": "  "}, "name_required"),
    ],
)
def test_bad_input_is_refused_with_a_clear_code_and_changes_nothing(overrides, code):
    unions, accounts = Union.objects.count(), Account.objects.count()
    with pytest.raises(ServiceError) as exc:
        provision(**overrides)
    assert exc.value.code == code
    assert str(exc.value.message)
    assert Union.objects.count() == unions and Account.objects.count() == accounts
    assert not schema_exists("u_xinyuan")


def test_a_taken_credit_code_is_refused():
    existing = Union.objects.get(slug="xinghe")
    with pytest.raises(ServiceError) as exc:
        provision(credit_code=existing.credit_code)
    assert exc.value.code == "credit_code_taken"


def test_street_must_be_in_the_district():
    with pytest.raises(ServiceError) as exc:
        provision(street=Street.objects.get(code="110108015"))  # a Haidian street, Chaoyang district
    assert exc.value.code == "street_not_in_district"


def test_a_failure_half_way_leaves_no_schema_no_row_no_account():
    accounts = Account.objects.count()
    with (
        mock.patch("tenants.registry.services._union_seed", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        provision()
    connection.set_schema_to_public()
    assert not Union.objects.filter(slug="xinyuan").exists()
    assert not Domain.objects.filter(domain="xinyuan.localhost").exists()
    assert Account.objects.count() == accounts
    assert not schema_exists("u_xinyuan")


def test_suspending_shows_a_notice_and_keeps_the_data(union_a, client_for):
    with tenant_context(union_a):
        users = User.objects.count()
    union_set_status(union=union_a, status="suspended", reason="年度检查整改中")
    union_a.refresh_from_db()
    response = client_for(union_a).get("/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "年度检查整改中" in body and union_a.name in body
    api = client_for(union_a).get("/api/v1/me/")
    assert api.status_code == 503 and api.json()["code"] == "union_suspended"
    assert (
        client_for(union_a)
        .post("/accounts/login/", {"username": "13800138000", "password": PASSWORD})
        .status_code
        == 503
    )
    with tenant_context(union_a):
        assert User.objects.count() == users
    union_set_status(union=union_a, status="active")
    assert client_for(union_a).get("/").status_code == 200


def test_the_portal_cannot_be_suspended(portal):
    with pytest.raises(ServiceError):
        union_set_status(union=portal, status="suspended")
