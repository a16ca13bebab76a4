"""``on_delete`` for foreign keys to the user model that cross the public/union split.

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


def CASCADE_IN_UNIONS(collector, field, sub_objs, using):
    """Like ``SET_NULL_IN_UNIONS``, for union rows that belong to the user (cascade in a union,
    nothing on the portal, where the table does not exist)."""
    if on_portal():
        return
    models.CASCADE(collector, field, sub_objs, using)


CASCADE_IN_UNIONS.lazy_sub_objs = True  # type: ignore[attr-defined]


def union_only_m2m_guard(union_only_labels: set[str]) -> None:
    """Give the auto-created tables behind union-only many-to-many keys to users
    ``CASCADE_IN_UNIONS``: Django creates their foreign keys with a plain CASCADE, which would make
    deleting a portal user query a table the public schema does not have. The table and the
    migrations are unchanged (only the deletion rule in Python)."""
    from django.apps import apps
    from django.conf import settings

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for label in union_only_labels:
        for model in apps.get_app_config(label).get_models():
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                if through is None or m2m.related_model is not user_model:
                    continue
                if through._meta.auto_created:
                    for key in through._meta.get_fields():
                        if isinstance(key, models.ForeignKey) and key.related_model is user_model:
                            key.remote_field.on_delete = CASCADE_IN_UNIONS


def SET_NULL_ON_PORTAL(collector, field, sub_objs, using):
    """For a public-only model pointing at a portal user.

    The user table exists in every schema; deleting a *union's* user must not touch public rows
    that happen to hold the same id (a union's search path reaches public tables).
    """
    if not on_portal():
        return
    models.SET_NULL(collector, field, sub_objs, using)


SET_NULL_ON_PORTAL.lazy_sub_objs = True  # type: ignore[attr-defined]


def CASCADE_ON_PORTAL(collector, field, sub_objs, using):
    """Like ``SET_NULL_ON_PORTAL``, for public rows that belong to the portal user (cascade)."""
    if not on_portal():
        return
    models.CASCADE(collector, field, sub_objs, using)


CASCADE_ON_PORTAL.lazy_sub_objs = True  # type: ignore[attr-defined]
