"""The demo data: valid identifiers, and a seed that can run again without duplicating anything."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_tenants.utils import tenant_context

from accounts.models import Account
from accounts.validators import validate_mobile
from cms.models import HomePage
from federation.models import District, FederationRole, Street
from tenants.registry import demo_data
from tenants.registry.demo_data import (
    DEMO_PASSWORD,
    DISTRICTS,
    UNIONS,
    demo_credit_code,
    member_person,
    member_total,
    officer_person,
    officer_roles,
    seed_demo,
)
from tenants.registry.models import Union
from tenants.registry.validators import validate_credit_code, validate_union_slug
from tenants.users.models import User

SEEDED = 3  # the first union is also one of conftest's unions: the seed must complete it


def _people():
    for d in DISTRICTS:
        yield d.admin
        yield from (s.station_staff for s in d.streets)
    yield demo_data.CITY_ADMIN
    for index in range(len(UNIONS)):
        yield officer_person(index, 1)
        yield from (officer_person(index, slot) for slot in range(2, 2 + len(officer_roles(index))))
        yield from (member_person(index, slot) for slot in range(1, member_total(index) + 1))


def test_the_demo_specs_are_valid_and_distinct():
    streets = {s.code: d for d in DISTRICTS for s in d.streets}
    codes = [demo_credit_code(spec, streets[spec.street_code].code) for spec in UNIONS]
    for spec, code in zip(UNIONS, codes, strict=True):
        validate_union_slug(spec.slug)
        validate_credit_code(code)
        assert spec.street_code in streets
        assert spec.industry in Union.Industry.values
        assert spec.name.endswith("工会") and spec.address.startswith("北京市")
    assert len(set(codes)) == len(UNIONS) == 20
    assert len({spec.slug for spec in UNIONS}) == len({spec.name for spec in UNIONS}) == len(UNIONS)
    people = list(_people())
    for person in people:
        validate_mobile(person.mobile)
    assert len({p.mobile for p in people}) == len(people)
    assert all(5 <= member_total(i) <= 10 for i in range(len(UNIONS)))
    assert all(2 <= len(officer_roles(i)) <= 3 for i in range(len(UNIONS)))


def _snapshot() -> dict:
    """Counts of everything the seed makes, in the public schema and in each seeded union."""
    snapshot: dict = {
        "unions": Union.objects.count(),
        "accounts": Account.objects.count(),
        "districts": District.objects.count(),
        "streets": Street.objects.count(),
        "portal users": User.objects.count(),
        "federation roles": sorted(FederationRole.objects.values_list("kind", "district_id", "street_id")),
    }
    for spec in UNIONS[:SEEDED]:
        union = Union.objects.get(slug=spec.slug)
        with tenant_context(union):
            snapshot[spec.slug] = {
                "users": User.objects.count(),
                "groups": sorted(Group.objects.values_list("name", "user__username").exclude(user=None)),
                "home pages": HomePage.objects.count(),
            }
    return snapshot


@pytest.mark.django_db
def test_seed_demo_makes_the_federation_unions_and_people_and_runs_again_without_duplicates(union_a):
    conftest_credit_code = union_a.credit_code
    result = seed_demo(unions=SEEDED)
    first = _snapshot()

    assert [union.slug for union in result.unions] == [spec.slug for spec in UNIONS[:SEEDED]]
    assert result.unions[0].pk == union_a.pk  # completed, not duplicated or refused
    assert Union.objects.get(pk=union_a.pk).credit_code == conftest_credit_code

    # The federation: districts, streets and staff with their scopes and portal groups.
    for d in DISTRICTS:
        district = District.objects.get(name=d.name)
        assert set(district.streets.values_list("name", flat=True)) >= {s.name for s in d.streets}
        admin = User.objects.get(account__mobile=d.admin.mobile)
        assert admin.federation_roles.get().district == district
        assert set(admin.groups.values_list("name", flat=True)) == {"district_admin"}
        for s in d.streets:
            staff = User.objects.get(account__mobile=s.station_staff.mobile)
            assert staff.federation_roles.get().street.name == s.name
    city = User.objects.get(account__mobile=demo_data.CITY_ADMIN.mobile)
    assert city.federation_roles.get().kind == "city_admin"
    assert set(city.groups.values_list("name", flat=True)) == {"city_admin"}
    assert Account.objects.get(mobile=demo_data.CITY_ADMIN.mobile).check_password(DEMO_PASSWORD)

    # Each union: chairman, officers with their roles, members, a filled-in home page.
    for index, (spec, union) in enumerate(zip(UNIONS[:SEEDED], result.unions, strict=True)):
        if index:
            validate_credit_code(union.credit_code)
            assert union.street.name == next(
                s.name for d in DISTRICTS for s in d.streets if s.code == spec.street_code
            )
            assert union.employer == spec.employer and union.member_count == spec.member_count
        chairman = officer_person(index, 1)
        with tenant_context(union):
            roles = {
                user.username: set(user.groups.values_list("name", flat=True))
                for user in User.objects.prefetch_related("groups")
            }
            assert roles[chairman.mobile] == {"chairman"}
            for slot, officer_roles_ in enumerate(officer_roles(index), start=2):
                assert roles[officer_person(index, slot).mobile] == set(officer_roles_)
            members = [member_person(index, slot).mobile for slot in range(1, member_total(index) + 1)]
            assert all(roles[mobile] == {"member"} for mobile in members)
            home = HomePage.objects.get()
            assert spec.employer in home.intro and home.address == spec.address and home.opening_hours
            assert not home.has_unpublished_changes
        member = Account.objects.get(mobile=members[0])
        assert member.home_union_id == union.pk and member.check_password(DEMO_PASSWORD)
        assert Account.objects.get(mobile=chairman.mobile).check_password(DEMO_PASSWORD)

    # Again, through the command: nothing new, edits kept, a summary with addresses and logins.
    with tenant_context(result.unions[1]):
        home = HomePage.objects.get()
        home.address = "北京市朝阳区阜通东大街6号院（已修改）"
        home.save_revision().publish()
    out = StringIO()
    call_command("seed_demo", "--no-input", "--no-progress", unions=SEEDED, stdout=out)
    assert _snapshot() == first
    with tenant_context(result.unions[1]):
        assert HomePage.objects.get().address == "北京市朝阳区阜通东大街6号院（已修改）"
    summary = out.getvalue()
    assert f"{SEEDED} unions (0 new)" in summary
    assert DEMO_PASSWORD in summary and demo_data.CITY_ADMIN.mobile in summary
    assert "http://xinghe.localhost/" in summary and officer_person(0, 1).mobile in summary
