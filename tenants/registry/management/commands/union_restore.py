from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.registry.transfer import union_restore
from workershome.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Restore a union archive (from union_export) into this database: its schema, registry rows, "
        "accounts (matched by mobile number) and media. The public schema must be migrated first; "
        "the union template is made if this database has none."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by union_export.")
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not apply this version's newer migrations to a union from a pg_dump archive "
            "(one restored by COPY is at this database's template state already).",
        )
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            restored = union_restore(path=path, migrate=not options["no_migrate"])
        except ServiceError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{restored.union.name} ({restored.union.schema_name}) restored: "
                f"{restored.accounts_created} accounts created, {restored.accounts_matched} matched, "
                f"{restored.media_files} media files"
            )
        )
