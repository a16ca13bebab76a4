"""The current schema and union, typed: one place that reads django-tenants' connection state."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django_tenants.utils import get_public_schema_name

_tenant_connection: Any = connection  # django-tenants adds schema_name, tenant, set_* at run time


def current_schema() -> str:
    return _tenant_connection.schema_name


def current_tenant() -> Any:
    """The ``registry.Union`` the connection is set to (a stand-in under ``schema_context``)."""
    return _tenant_connection.tenant


def on_portal() -> bool:
    """Whether the connection is on the public schema: the federation portal."""
    return current_schema() == get_public_schema_name()


def use_public_schema() -> None:
    _tenant_connection.set_schema_to_public()
