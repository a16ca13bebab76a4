"""A union's private record is never found by another union, the portal or an anonymous user;
a suspended union's documents are hidden and then removed, and come back when reinstated."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django_tenants.utils import schema_context

from search.query import Audience, search_run
from tenants.mechanisms.models import PartnerOrganisation
from tenants.registry.services import union_set_status
from tenants.users.models import User
from tests.search.conftest import STAFF_PERMISSION
from tests.search.fixtures import refresh, worker_prefix

pytestmark = pytest.mark.django_db

CANARY = "金丝雀协作机构"


def staff_user(schema: str, *, permitted: bool, admin: bool = True, username: str = "staff") -> User:
    with schema_context(schema):
        user = User.objects.create_user(username=f"{username}-{schema}", password="x")
        codenames = []
        if admin:
            codenames.append(("wagtailadmin", "access_admin"))
        if permitted:
            codenames.append(tuple(STAFF_PERMISSION.split(".")))
        for app_label, codename in codenames:
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return User.objects.get(pk=user.pk)  # fresh permission cache


def staff_audience(schema: str, user) -> Audience:
    with schema_context(schema):
        return Audience.staff(schema_name=schema, user=user)


@pytest.fixture
def canary(search_index, test_sources, union_a, django_capture_on_commit_callbacks):
    with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        partner = PartnerOrganisation.objects.create(
            name=CANARY, offer="草稿：尚未公开", contact_person="王敏"
        )
    refresh()
    return partner


def test_a_union_a_staff_record_is_found_only_by_union_a_staff_who_may_see_it(canary, union_a, union_b):
    from django.contrib.auth.models import AnonymousUser

    permitted_a = staff_user(union_a.schema_name, permitted=True)
    assert search_run(text=CANARY, audience=staff_audience(union_a.schema_name, permitted_a)).total == 1

    unpermitted_a = staff_user(union_a.schema_name, permitted=False, username="clerk")
    no_admin_a = staff_user(union_a.schema_name, permitted=True, admin=False, username="member")
    superuser_b = staff_user(union_b.schema_name, permitted=True)
    with schema_context(union_b.schema_name):
        superuser_b.is_superuser = True
        superuser_b.save()
    for audience in (
        staff_audience(union_a.schema_name, unpermitted_a),
        staff_audience(union_a.schema_name, no_admin_a),
        staff_audience(union_a.schema_name, AnonymousUser()),
        staff_audience(union_b.schema_name, superuser_b),  # another union's superuser
        Audience.portal(),
        Audience.site(union_a.schema_name),
        Audience.site(union_b.schema_name),
    ):
        results = search_run(text=CANARY, audience=audience)
        assert results.total == 0, audience
        assert search_run(text="王敏", audience=audience).total == 0, audience


def test_a_unions_public_content_is_on_its_site_and_the_portal_not_on_another_unions_site(
    search_index, test_sources, union_a, union_b, django_capture_on_commit_callbacks
):
    with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        PartnerOrganisation.objects.create(name="星河篮球俱乐部", offer="每周五晚篮球训练")
    refresh()
    assert search_run(text="篮球", audience=Audience.site(union_a.schema_name)).total == 1
    assert search_run(text="篮球", audience=Audience.portal()).total == 1
    assert search_run(text="篮球", audience=Audience.site(union_b.schema_name)).total == 0


def test_a_suspended_union_is_hidden_at_once_removed_after_commit_and_back_when_reinstated(
    search_index, test_sources, union_a, union_b, django_capture_on_commit_callbacks
):
    with schema_context(union_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        PartnerOrganisation.objects.create(name="星河法律援助站", offer="劳动争议法律咨询")
    with schema_context(union_b.schema_name), django_capture_on_commit_callbacks(execute=True):
        PartnerOrganisation.objects.create(name="恒通法律援助站", offer="劳动争议法律咨询")
    refresh()
    assert search_run(text="法律援助", audience=Audience.portal()).total == 2

    with django_capture_on_commit_callbacks(execute=False) as pending:
        union_set_status(union=union_a, status="suspended", reason="停业整顿")
    # Not yet committed: the documents are still there, but the query builder hides them.
    assert (
        search_index.count(
            index=f"{worker_prefix()}-*", query={"term": {"union_schema": union_a.schema_name}}
        )["count"]
        == 2
    )
    results = search_run(text="法律援助", audience=Audience.portal())
    assert [hit.union_schema for hit in results.hits] == [union_b.schema_name]

    for callback in pending:
        callback()
    refresh()
    assert (
        search_index.count(
            index=f"{worker_prefix()}-*", query={"term": {"union_schema": union_a.schema_name}}
        )["count"]
        == 0
    )

    with django_capture_on_commit_callbacks(execute=True):
        union_set_status(union=union_a, status="active")
    refresh()
    assert search_run(text="法律援助", audience=Audience.portal()).total == 2


def test_a_saved_union_whose_search_facts_did_not_change_is_left_alone(
    union_a, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        union_a.member_count += 1
        union_a.save()
    assert pending == []
