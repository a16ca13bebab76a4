"""Staff admin for the case engine. Each admin module registers its own hooks when imported."""

from . import (
    cases_admin,  # noqa: F401
    procedures_admin,  # noqa: F401
)
