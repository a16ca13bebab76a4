"""The reporting tests share the mechanisms tests' people and sign-in helpers."""

from tests.mechanisms.conftest import chairman_b, federation, roster_a, staff_a  # noqa: F401
