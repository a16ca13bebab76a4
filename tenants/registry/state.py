"""The code's migration-state fingerprint: what a union's schema should be at.

A digest of every migration of the apps that live in union schemas (read from the migration
files, not from any database) and of what the template is seeded with (the roles' permissions and
the site's sections, which change without a migration). A union whose recorded fingerprint
(``SchemaState``) equals it is current and is never introspected by ``migrate_unions``.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.db.migrations.loader import MigrationLoader


def tenant_app_labels() -> set[str]:
    from django.apps import apps

    return {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}


def seed_digest() -> str:
    """What ``template_seed`` writes that no migration describes: roles, grants, site sections."""
    from cms.models import SECTIONS
    from tenants.users.roles import UNION_ROLES, role_permissions

    roles = [(role.code, sorted(role_permissions(role)), role.edits_site) for role in UNION_ROLES]
    sections = [(model._meta.label, slug, title) for model, slug, title in SECTIONS]
    return hashlib.sha256(repr((roles, sections)).encode()).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The fingerprint of the code running now (cached: the code does not change in a process)."""
    labels = tenant_app_labels()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    nodes = sorted(node for node in loader.graph.nodes if node[0] in labels)
    return hashlib.sha256(repr((nodes, seed_digest())).encode()).hexdigest()
