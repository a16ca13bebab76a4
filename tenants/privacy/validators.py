"""The resident identity card number (居民身份证号码, GB 11643-1999), checked with python-stdnum."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from workershome.errors import ServiceError


def resident_id_check(value: str, *, field: str = "id_number") -> str:
    """The number in its compact form (18 characters, upper-case X), or a ``ServiceError``
    saying what is wrong: length, characters, birth date or the check digit (ISO 7064 MOD 11-2)."""
    number = ric.compact(value or "")
    if not number:
        raise ServiceError("id_number_required", _("Give the resident ID number."), field=field)
    try:
        return ric.validate(number)
    except InvalidLength as error:
        raise ServiceError(
            "id_number_length", _("A resident ID number has 18 characters."), field=field
        ) from error
    except InvalidChecksum as error:
        raise ServiceError(
            "id_number_check_digit",
            _("The ID number's check digit is wrong (GB 11643): check the number for a typing error."),
            field=field,
        ) from error
    except InvalidComponent as error:
        raise ServiceError(
            "id_number_birth_date", _("The ID number does not contain a valid date of birth."), field=field
        ) from error
    except (InvalidFormat, ValidationError) as error:
        raise ServiceError(
            "id_number_format", _("A resident ID number has 17 digits and a digit or X."), field=field
        ) from error
