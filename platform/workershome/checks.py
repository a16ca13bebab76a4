"""System checks for rules the tenancy layout depends on."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from .deletion import CASCADE_IN_UNIONS, CASCADE_ON_PORTAL, SET_NULL_IN_UNIONS, SET_NULL_ON_PORTAL


def union_only_labels() -> set[str]:
    """Labels of the apps whose tables exist in union schemas only."""
    shared = {config.label for config in apps.get_app_configs() if _listed(config, settings.SHARED_APPS)}
    return {
        config.label
        for config in apps.get_app_configs()
        if config.label not in shared and _listed(config, settings.TENANT_APPS)
    }


@checks.register(checks.Tags.models)
def union_only_user_references(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A union-only model's foreign key to users must not break deleting a portal user.

    Users live in the public schema too, where union-only tables do not exist: such keys use
    ``SET_NULL_IN_UNIONS``, ``CASCADE_IN_UNIONS`` or ``DO_NOTHING`` (see ``workershome/deletion.py``);
    the tables behind many-to-many keys are given ``CASCADE_IN_UNIONS`` at start-up.
    """
    errors: list[checks.CheckMessage] = []
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    union_only = union_only_labels()
    for config in apps.get_app_configs():
        if config.label not in union_only:
            continue
        for model in config.get_models(include_auto_created=True):
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is user_model
                    and field.remote_field.on_delete
                    not in (SET_NULL_IN_UNIONS, CASCADE_IN_UNIONS, models.DO_NOTHING)
                ):
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} points at users from a union-only app",
                            hint="Use SET_NULL_IN_UNIONS, CASCADE_IN_UNIONS or DO_NOTHING (workershome.deletion).",
                            obj=field,
                            id="workershome.E001",
                        )
                    )
    return errors


def _listed(config, names: list[str]) -> bool:
    return config.name in names or any(name.startswith(f"{config.name}.apps.") for name in names)


@checks.register(checks.Tags.models)
def public_only_user_references(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A public-only model's foreign key to users must not follow a *union's* user deletion.

    A union's search path reaches public tables, and its user ids are another schema's: deleting
    a union's user with a plain CASCADE or SET_NULL would change public rows of whoever holds the
    same id on the portal. Such keys use ``CASCADE_ON_PORTAL``, ``SET_NULL_ON_PORTAL`` or
    ``DO_NOTHING``.
    """
    tenant = {config.label for config in apps.get_app_configs() if _listed(config, settings.TENANT_APPS)}
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    allowed = (CASCADE_ON_PORTAL, SET_NULL_ON_PORTAL, models.DO_NOTHING)
    errors: list[checks.CheckMessage] = []
    for config in apps.get_app_configs():
        if config.label in tenant or not _listed(config, settings.SHARED_APPS):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is user_model
                    and field.remote_field.on_delete not in allowed
                ):
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} points at users from a public-only app",
                            hint="Use on_delete=CASCADE_ON_PORTAL, SET_NULL_ON_PORTAL or DO_NOTHING.",
                            obj=field,
                            id="workershome.E002",
                        )
                    )
    return errors
