"""``on_delete`` for foreign keys from a union-only model to the user model.

Users exist in the public schema and in every union; a model of a union-only app (its table
exists in union schemas only) that points at a user must not make deleting a *portal* user
touch a table the public schema does not have. In a union schema it behaves as SET_NULL.
"""

from __future__ import annotations

from django.db import models

from .tenancy import on_portal


def SET_NULL_IN_UNIONS(collector, field, sub_objs, using):
    if on_portal():
        return
    models.SET_NULL(collector, field, sub_objs, using)


SET_NULL_IN_UNIONS.lazy_sub_objs = True  # type: ignore[attr-defined]  # never evaluate sub_objs on the portal
