from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from workershome.shards import on_database, shards


class Command(BaseCommand):
    help = (
        "Migrate the public schema of every shard in DATABASE_SHARDS (the directory's is "
        "`migrate_schemas --shared`); nothing to do on one database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--database", action="append", help="Only this shard (repeatable).")

    def handle(self, *args, **options):
        configured = shards()
        chosen = options["database"] or list(configured)
        unknown = [alias for alias in chosen if alias not in configured]
        if unknown:
            raise CommandError(f"Not in DATABASE_SHARDS: {', '.join(unknown)}")
        if not chosen:
            self.stdout.write("No shards configured (DATABASE_SHARDS); nothing to do.")
            return
        for alias in chosen:
            with on_database(alias):
                call_command(
                    "migrate_schemas",
                    shared=True,
                    interactive=False,
                    verbosity=max(0, options["verbosity"] - 1),
                )
            self.stdout.write(self.style.SUCCESS(f"Shard “{alias}”: public schema migrated."))
