"""Copy every union's whole outbox into the federation's facts (after an upgrade that added the
facts pipeline, or to repair one union). Idempotent: facts already there are left alone."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context
from tqdm import tqdm

from federation.facts import facts_receive
from tenants.events.models import OutboxEvent
from tenants.registry.models import Union

BATCH = 1000


class Command(BaseCommand):
    help = "Copy the outbox of every union (or of --union) into the federation's fact table."

    def add_arguments(self, parser):
        parser.add_argument("--union", help="Only this union (its schema name).")
        parser.add_argument(
            "--no-input", "--noinput", action="store_true", help="Never prompt (nothing asks)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options):
        unions = Union.objects.exclude(schema_name=get_public_schema_name()).order_by("schema_name")
        if options["union"]:
            unions = unions.filter(schema_name=options["union"])
            if not unions.exists():
                raise CommandError(f"No union with schema {options['union']!r}.")
        schemas = list(unions.values_list("schema_name", flat=True))
        hide = options["no_progress"] or options["verbosity"] == 0
        created = 0
        for schema in tqdm(schemas, desc="facts", unit="union", disable=hide):
            with schema_context(schema):
                last = None
                while True:
                    rows = OutboxEvent.objects.order_by("pk")
                    if last is not None:
                        rows = rows.filter(pk__gt=last)
                    events = list(rows[:BATCH])
                    if not events:
                        break
                    with transaction.atomic():
                        created += facts_receive(events)
                    last = events[-1].pk
        self.stdout.write(f"{created} new fact(s) from {len(schemas)} union(s).")
