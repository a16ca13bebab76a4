from django.core.management.base import BaseCommand

from tenants.registry.template import template_migrate, template_schema_name


class Command(BaseCommand):
    help = "Create, migrate and seed the template schema that new unions are cloned from."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Migrate, seed and dump even if the template is current."
        )

    def handle(self, *args, **options):
        if not template_migrate(verbosity=max(0, options["verbosity"] - 1), force=options["force"]):
            self.stdout.write(f"Template schema “{template_schema_name()}” is current; nothing to do.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Template schema “{template_schema_name()}” is migrated and seeded.")
        )
