from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.registry.models import Union
from tenants.registry.transfer import union_export
from workershome.errors import ServiceError


class Command(BaseCommand):
    help = "Write one union's tables, registry rows, accounts and media to an archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("union", help="The union's slug or schema name.")
        parser.add_argument("archive", help="Where to write the archive, e.g. /backups/xinghe.tar.gz.")
        parser.add_argument(
            "--pg-dump",
            action="store_true",
            help="Write the schema with pg_dump (the first archive format): for a union that is not at "
            "the template's migration state; slower, and slower still with many schemas.",
        )
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )

    def handle(self, *args, **options):
        union = (
            Union.objects.filter(slug=options["union"]).first()
            or Union.objects.filter(schema_name=options["union"]).first()
        )
        if union is None:
            raise CommandError(f"no union with slug or schema {options['union']!r}")
        try:
            path = union_export(
                union=union,
                path=Path(options["archive"]),
                schema_by="pg_dump" if options["pg_dump"] else "copy",
            )
        except ServiceError as error:
            raise CommandError(str(error.message)) from error
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"{union.name} ({union.schema_name}) → {path} ({size:.1f} MB)"))
