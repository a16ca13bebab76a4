"""A deployment without encryption keys must not start serving sensitive data."""

from __future__ import annotations

from django.core.checks import Error, register


@register()
def sensitive_data_keys_check(app_configs, **kwargs) -> list[Error]:
    from .fields import keys_invalid

    problem = keys_invalid()
    if problem:
        return [Error(problem, hint="Set SENSITIVE_DATA_KEYS to one or more Fernet keys.", id="privacy.E001")]
    return []
