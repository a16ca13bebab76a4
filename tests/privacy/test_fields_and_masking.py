"""Sensitive values are ciphertext in the database; keys rotate; lists show masked values;
the resident ID number's check digit is checked (GB 11643)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.hardship.models import FollowUpVisit, HardshipFile, HouseholdMember
from tenants.privacy.masking import mask_amount, mask_id_number, mask_mobile, mask_name
from tenants.privacy.validators import resident_id_check
from tests.hardship.conftest import ID_CHILD, ID_WORKER
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_sensitive_values_are_ciphertext_in_the_database(union_a, file):
    # Given a household file with an ID number, income, causes and health
    with tenant_context(union_a):
        member = file.members.get()
        # When the raw columns are read with a cursor
        columns = {
            column: raw("hardship_hardshipfile", column, file.pk)
            for column in ("id_number", "monthly_income", "causes", "health")
        }
        member_id = raw("hardship_householdmember", "id_number", member.pk)
        member_health = raw("hardship_householdmember", "health", member.pk)
        # Then none holds the plain value; each is a Fernet token
        for value in (*columns.values(), member_id, member_health):
            assert value.startswith("gAAAAA")
        assert ID_WORKER not in str(columns) and "2600" not in columns["monthly_income"]
        assert "尿毒症" not in columns["causes"] and "腰椎" not in columns["health"]
        assert ID_CHILD not in member_id
        # And the model reads them back as plain values
        again = HardshipFile.objects.get(pk=file.pk)
        assert again.id_number == ID_WORKER and again.monthly_income == Decimal("2600.00")
        assert "尿毒症" in again.causes and HouseholdMember.objects.get().id_number == ID_CHILD


def test_a_new_key_first_rotates_without_losing_old_values(union_a, file, settings):
    old = settings.SENSITIVE_DATA_KEYS
    new = Fernet.generate_key().decode()
    with tenant_context(union_a):
        # Given a new key put first: old rows still read, new writes use the new key
        settings.SENSITIVE_DATA_KEYS = f"{new},{old}"
        again = HardshipFile.objects.get(pk=file.pk)
        assert again.id_number == ID_WORKER
        again.save(update_fields=["id_number"])
        token = raw("hardship_hardshipfile", "id_number", file.pk)
        assert Fernet(new.encode()).decrypt(token.encode()).decode() == ID_WORKER
        # When only the old key remains, the re-encrypted row can no longer be read
        settings.SENSITIVE_DATA_KEYS = old
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            HardshipFile.objects.get(pk=file.pk)


def test_empty_sensitive_values_stay_empty_and_null_stays_null(union_a, file, people):
    with tenant_context(union_a):
        visit = FollowUpVisit.objects.create(
            file=file,
            visited_on=file.opened_at.date(),
            method="phone",
            situation="stable",
            findings="情况稳定",
        )
        assert raw("hardship_followupvisit", "household_income", visit.pk) is None
        assert FollowUpVisit.objects.get(pk=visit.pk).household_income is None
        file.health = ""
        file.save(update_fields=["health"])
        assert raw("hardship_hardshipfile", "health", file.pk) == ""


def test_masking_helpers():
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_name("王小明") == "王*明"
    assert mask_name("王明") == "王*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_amount(Decimal("5000"), roles={"chairman"}, allowed=("chairman", "officer")) == "5000.00"
    assert mask_amount(Decimal("5000"), roles={"member"}, allowed=("chairman", "officer")) == "***"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_number_check_digit"),
        ("11010519491231002", "id_number_length"),
        ("", "id_number_required"),
        ("1101051949123100AX", "id_number_format"),
    ],
)
def test_a_resident_id_number_is_checked(number, code):
    with pytest.raises(ServiceError) as error:
        resident_id_check(number)
    assert error.value.code == code and str(error.value.message)


def test_a_valid_resident_id_number_is_normalised():
    assert resident_id_check(" 11010519491231002x ") == ID_WORKER
