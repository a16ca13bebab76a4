"""django-tenants' backend, plus: a schema switch points the default connection at the database
holding that schema (``shards.connection_retarget``), before anything about the switch changes,
so a refused switch (inside a transaction) leaves the connection exactly as it was."""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        from workershome.shards import connection_retarget

        connection_retarget(self, tenant)
        super().set_tenant(tenant, include_public)
