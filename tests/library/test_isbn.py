"""ISBNs: ISBN-13 kept as digits, ISBN-10 converted, a wrong check digit refused with a clear message."""

from __future__ import annotations

import pytest

from tenants.library.services import isbn_normalize
from workershome.errors import ServiceError


@pytest.mark.parametrize(
    "typed, isbn13",
    [
        ("978-7-5302-1200-4", "9787530212004"),  # 平凡的世界, hyphenated
        ("9787506365437", "9787506365437"),  # 活着
        (" 978 7 5366 9293 0 ", "9787536692930"),  # 三体, spaces
        ("7-5366-9293-5", "9787536692930"),  # 三体 as its ISBN-10: converted to 13
        ("7530212001", "9787530212004"),
    ],
)
def test_a_good_isbn_is_kept_as_13_digits(typed, isbn13):
    assert isbn_normalize(typed) == isbn13


@pytest.mark.parametrize(
    "typed, code",
    [
        ("978-7-5302-1073-3", "isbn_check_digit"),  # one digit off
        ("9787506365436", "isbn_check_digit"),
        ("7-5366-9293-4", "isbn_check_digit"),  # ISBN-10 with a bad check digit
        ("97875063654", "isbn_invalid"),  # too short
        ("平凡的世界", "isbn_invalid"),
        ("", "isbn_missing"),
    ],
)
def test_a_bad_isbn_is_refused_with_a_clear_message(typed, code):
    with pytest.raises(ServiceError) as error:
        isbn_normalize(typed)
    assert error.value.code == code and error.value.field == "isbn"
    assert str(error.value.message)
