"""System checks for rules the tenancy layout depends on."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from .deletion import SET_NULL_IN_UNIONS


@checks.register(checks.Tags.models)
def union_only_user_references(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A union-only model's foreign key to users must not break deleting a portal user.

    Users live in the public schema too, where union-only tables do not exist: such keys use
    ``SET_NULL_IN_UNIONS`` or ``DO_NOTHING`` (see ``workershome/deletion.py``).
    """
    shared = {config.label for config in apps.get_app_configs() if _listed(config, settings.SHARED_APPS)}
    errors: list[checks.CheckMessage] = []
    for config in apps.get_app_configs():
        if config.label in shared or not _listed(config, settings.TENANT_APPS):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.ForeignKey)
                    and field.related_model is apps.get_model(settings.AUTH_USER_MODEL)
                    and field.remote_field.on_delete not in (SET_NULL_IN_UNIONS, models.DO_NOTHING)
                ):
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} points at users from a union-only app",
                            hint="Use on_delete=SET_NULL_IN_UNIONS or DO_NOTHING (workershome.deletion).",
                            obj=field,
                            id="workershome.E001",
                        )
                    )
    return errors


def _listed(config, names: list[str]) -> bool:
    return config.name in names or any(name.startswith(f"{config.name}.apps.") for name in names)
