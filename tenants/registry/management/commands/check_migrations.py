"""Fail when any schema (public, the template, or a union) has unapplied migrations."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import get_tenant_model, schema_context, schema_exists
from tqdm import tqdm

from tenants.registry.template import template_schema_name


def unapplied_migrations(schema: str) -> list[str]:
    """Migrations of the apps that live in ``schema`` that it has not recorded as applied."""
    with schema_context(schema):
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        from django.db import router

        return [
            f"{migration.app_label}.{migration.name}"
            for migration, _backwards in plan
            if router.allow_migrate(connection.alias, migration.app_label)
        ]


class Command(BaseCommand):
    help = "Exit non-zero if the public schema, the template or any union has unapplied migrations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="Check the unions by their recorded migration state instead of introspecting each.",
        )

    def handle(self, *args, **options):
        schemas = ["public"]
        if schema_exists(template_schema_name()):
            schemas.append(template_schema_name())
        else:
            raise CommandError(f"The template schema “{template_schema_name()}” does not exist.")
        unions = get_tenant_model().objects.exclude(schema_name="public")
        behind: dict[str, list[str]] = {}
        if options["quick"]:
            from tenants.registry.migrate import unions_behind
            from tenants.registry.state import code_fingerprint

            for _pk, schema, _database in unions_behind(fingerprint=code_fingerprint()):
                behind[schema] = ["(recorded migration state is not the code's: run migrate_unions)"]
            checked = len(schemas) + unions.count()
        else:
            schemas += list(unions.values_list("schema_name", flat=True))
            checked = len(schemas)
        for schema in tqdm(
            schemas, desc="schemas", disable=options["no_progress"] or options["verbosity"] == 0
        ):
            pending = unapplied_migrations(schema)
            if pending:
                behind[schema] = pending
        if behind:
            for schema, pending in behind.items():
                self.stderr.write(f"{schema}: {len(pending)} unapplied ({', '.join(pending[:5])}…)")
            raise CommandError(f"{len(behind)} of {checked} schemas have unapplied migrations.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} schemas are up to date."))
