"""Send a probe task to the workers for the portal and each union, and check the schema it ran in."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_tenant_model, tenant_context
from tqdm import tqdm

from tenants.registry.tasks import schema_probe


class Command(BaseCommand):
    help = "Check that Celery workers answer and run each union's tasks in that union's schema."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--limit", type=int, default=20, help="How many unions to probe (0: all).")
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for each answer.")

    def handle(self, *args, **options):
        unions = get_tenant_model().objects.order_by("pk")
        if options["limit"]:
            unions = unions[: options["limit"]]
        wrong = []
        for union in tqdm(list(unions), desc="unions", disable=options["verbosity"] == 0):
            with tenant_context(union):
                answer = schema_probe.delay().get(timeout=options["timeout"])
            if answer["schema"] != union.schema_name:
                wrong.append(f"{union.schema_name} ran in {answer['schema']}")
        if wrong:
            raise CommandError("; ".join(wrong))
        self.stdout.write(self.style.SUCCESS("Workers answer, each task in its own union's schema."))
