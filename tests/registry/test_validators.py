import pytest
from django.core.exceptions import ValidationError

from accounts.validators import normalize_mobile, validate_mobile
from tenants.registry.validators import credit_code_check_char, validate_credit_code, validate_union_slug
from tests.factories import credit_code

# Published codes of real organisations (their check characters computed by GB 32100).
REAL_CODES = ["91110000802100433B", "91110108551385082Q", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())  # normalised to capitals


@pytest.mark.parametrize(
    "code, error",
    [
        ("91110000802100433A", "credit_code_checksum"),  # check character altered
        ("91110000802100433", "credit_code_format"),  # 17 characters
        ("9111000080210O433B", "credit_code_format"),  # letter O is not in the alphabet
        ("91AB0000802100433B", "credit_code_format"),  # division code must be digits
        ("", "credit_code_format"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_reason(code, error):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error


def test_generated_codes_are_valid():
    for n in range(200):
        code = credit_code(n)
        validate_credit_code(code)
        assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("slug", ["www", "admin", "api", "static", "media", "portal"])
def test_reserved_slugs_are_refused(slug):
    with pytest.raises(ValidationError) as exc:
        validate_union_slug(slug)
    assert exc.value.code == "slug_reserved"


@pytest.mark.parametrize("slug", ["ab", "Xinghe", "1abc", "a_b", "abc-", "a--b", "x" * 41, "星河"])
def test_malformed_slugs_are_refused(slug):
    with pytest.raises(ValidationError):
        validate_union_slug(slug)


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
    ],
)
def test_mobile_numbers_are_normalised(raw, normal):
    assert normalize_mobile(raw) == normal
    validate_mobile(raw)


@pytest.mark.parametrize(
    "raw", ["12800138000", "1380013800", "138001380001", "010-62345678", "abcdefghijk", ""]
)
def test_malformed_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        validate_mobile(raw)
